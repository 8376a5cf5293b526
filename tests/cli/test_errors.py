"""Bad input: one line `error: ...` on stderr, exit code 2, no traceback, password masked."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def still(*args):
    env = {k: v for k, v in os.environ.items() if k != "STILL_DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "still", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["snapshot", "--url", "not a url"], ["malformed database URL"]),
        (["snapshot", "--url", "nosuchdb://x/y"], ["unknown database dialect"]),
        (["snapshot", "--url", "postgresql+psycopg2://u:hunter2@127.0.0.1/x"], ["driver", "not installed"]),
        (["snapshot", "--url", "postgresql+psycopg://u:hunter2@127.0.0.1:1/x"], ["cannot connect", "u:***@"]),
        (["snapshot", "--url", "sqlite:///does/not/exist.db"], ["does not exist"]),
        (["snapshot"], ["no database URL", "STILL_DATABASE_URL"]),
        (["snapshot", "--metadata", "no_such_pkg.models:metadata"], ["cannot import 'no_such_pkg.models'"]),
        (["snapshot", "--metadata", "fixtures.models.app:nothing"], ["no attribute 'nothing'"]),
        (["snapshot", "--metadata", "fixtures.models.app"], ["package.module:attribute"]),
        (["snapshot", "--metadata", "fixtures.models.app:sa"], ["not a SQLAlchemy MetaData"]),
        (["snapshot", "--metadata", "fixtures.models.app:metadata", "--dialect", "nosuch"], ["unknown dialect"]),
        (["snapshot", "--bogus"], ["No such option: --bogus"]),
        (["snapshot", "--format", "xml"], ["--format"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, fragments):
    line = assert_one_line_error(still(*args), *fragments)
    assert "hunter2" not in line


def test_debug_shows_the_traceback():
    result = still("--debug", "snapshot", "--url", "sqlite:///does/not/exist.db")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_help_and_version():
    assert still("--help").returncode == 0
    version = still("--version")
    assert version.returncode == 0 and version.stdout.startswith("still ")
