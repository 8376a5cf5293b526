"""One virtual environment per real-world app, made on first use and reused after.

`<repo>/.realworld/<app>-<version>-sqlalchemy-<version>/` (gitignored) holds a venv with the
app at its pinned version, the SQLAlchemy the suite runs under (or the app's own floor),
and still's runtime dependencies (read from pyproject.toml, so they stay in step),
installed in one pip resolution so the app's own pins win where they are narrower; the
drivers are still's own extras, `postgresql` always and `mysql` (PyMySQL) for an app whose
dialects include MySQL. still itself is not installed: a .pth file puts the tree's `src`
on the path, so the venv runs `python -m still` from the tree under test. A stamp file
records what the venv was made from; a venv whose stamp differs is made anew.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import sqlalchemy
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".realworld"
STAMP = ".still-stamp.json"


def still_requirements(app) -> list[str]:
    """still's dependencies, with SQLAlchemy pinned to the version this suite runs under
    (`make test` runs the corpus under each one still supports, DESIGN.md invariant 8), or
    to the app's own floor when its models do not load under that version."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = ["postgresql", *(["mysql"] if "mysql" in app.dialects else [])]
    return [*project["dependencies"], *(r for extra in extras for r in project["optional-dependencies"][extra]),
            sqlalchemy_requirement(app)]


def sqlalchemy_for(app) -> str:
    return max(sqlalchemy.__version__, app.sqlalchemy_floor, key=Version)


def sqlalchemy_requirement(app) -> str:
    """The suite's SQLAlchemy (or the app's floor); an app that pins an older series
    (ZenML's SQLModel: below 2.1) gets the newest release of that series instead."""
    wanted = sqlalchemy_for(app)
    if app.sqlalchemy_below and Version(wanted) >= Version(app.sqlalchemy_below):
        return f"sqlalchemy>={app.sqlalchemy_floor},<{app.sqlalchemy_below}"
    return f"sqlalchemy=={wanted}"


def venv_python(app) -> Path:
    """The python of `app`'s venv, creating the venv when it is missing or stale."""
    pinned = sqlalchemy_requirement(app).removeprefix("sqlalchemy").replace("==", "").replace(">=", "").replace(",<", "-below-")
    home = CACHE / f"{app.name}-{app.version}-sqlalchemy-{pinned}"
    python = home / "bin" / "python"
    wanted = {"requirements": [app.requirement, *app.extra_requirements, *still_requirements(app)],
              "python": sys.version.split()[0]}
    stamp = home / STAMP
    if stamp.is_file() and python.is_file() and json.loads(stamp.read_text()) == wanted:
        return python
    shutil.rmtree(home, ignore_errors=True)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
    result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                             *wanted["requirements"]], check=False, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"pip install for {app.name} failed:\n{result.stderr[-3000:]}")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "still-under-test.pth").write_text(f"{ROOT / 'src'}\n")
    stamp.write_text(json.dumps(wanted))
    print(f"realworld: made the {app.name} venv in {time.monotonic() - started:.0f}s", file=sys.stderr)
    return python
