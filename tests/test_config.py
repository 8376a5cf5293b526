"""Config files on disk: discovery, named sections, interpolation, overrides, errors.

Precedence under test: the nearest directory wins; within one directory still.toml wins
over pyproject.toml; `--url` > `$STILL_DATABASE_URL` > the file; a named section's keys
> the top-level keys > the defaults.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from still.config import Config, interpolate, load_config
from still.errors import StillError
from tests.unprivileged import give_away, shared_dir, unprivileged


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(cwd: Path, environ=None, **kwargs) -> Config:
    return load_config(cwd=cwd, environ={} if environ is None else environ, **kwargs)


def error(cwd: Path, *names: str, environ=None, **kwargs) -> str:
    """The message of the StillError loading raises; it is one line naming each of `names`."""
    with pytest.raises(StillError) as caught:
        load(cwd, environ=environ, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and message.strip() == message, message
    for needle in names:
        assert needle in message, (needle, message)
    return message


# ---------------------------------------------------------------------------- discovery


def test_no_file_gives_the_defaults(tmp_path):
    cfg = load(tmp_path)
    assert cfg == Config()
    assert (cfg.url, cfg.metadata, cfg.source, cfg.name) == (None, None, None, None)
    assert cfg.script_location == "migrations"
    assert cfg.version_table == "still_version"
    assert cfg.schemas is None and cfg.exclude_tables == [] and cfg.x == {}


def test_still_toml_is_found_from_a_nested_directory(tmp_path):
    file = write(tmp_path / "still.toml", 'url = "sqlite:///app.db"\nschemas = ["main"]\n')
    nested = tmp_path / "src" / "app" / "deep"
    nested.mkdir(parents=True)
    cfg = load(nested)
    assert cfg.url == "sqlite:///app.db"
    assert cfg.schemas == ["main"]
    assert cfg.source == str(file)
    assert cfg.script_path() == tmp_path / "migrations"


def test_pyproject_with_tool_still(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "app"\n\n[tool.still]\nmetadata = "app.models:Base"\nversion_table = "v"\n',
    )
    cfg = load(tmp_path)
    assert cfg.metadata == "app.models:Base"
    assert cfg.version_table == "v"
    assert cfg.source == str(tmp_path / "pyproject.toml")


def test_pyproject_without_tool_still_is_passed_over(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///outer.db"\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n[tool.ruff]\nline-length = 100\n')
    cfg = load(tmp_path / "pkg")
    assert cfg.url == "sqlite:///outer.db"
    assert cfg.source == str(tmp_path / "still.toml")


def test_pyproject_without_tool_still_and_nothing_above_gives_defaults(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "pkg"\n')
    assert load(tmp_path) == Config()


def test_still_toml_wins_over_pyproject_in_the_same_directory(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///from-still.db"\n')
    write(tmp_path / "pyproject.toml", '[tool.still]\nurl = "sqlite:///from-pyproject.db"\n')
    assert load(tmp_path).url == "sqlite:///from-still.db"


def test_the_nearest_directory_wins(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///outer.db"\n')
    write(tmp_path / "inner" / "pyproject.toml", '[tool.still]\nurl = "sqlite:///inner.db"\n')
    assert load(tmp_path / "inner").url == "sqlite:///inner.db"
    assert load(tmp_path).url == "sqlite:///outer.db"


def test_explicit_path_relative_to_cwd(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///ignored.db"\n')
    write(tmp_path / "conf" / "prod.toml", 'url = "sqlite:///prod.db"\n')
    cfg = load(tmp_path, path="conf/prod.toml")
    assert cfg.url == "sqlite:///prod.db"
    assert cfg.source == str(tmp_path / "conf" / "prod.toml")
    assert cfg.script_path() == tmp_path / "conf" / "migrations"


def test_explicit_pyproject_reads_tool_still(tmp_path):
    write(tmp_path / "other" / "pyproject.toml", '[tool.still]\nurl = "sqlite:///x.db"\n')
    assert load(tmp_path, path=tmp_path / "other" / "pyproject.toml").url == "sqlite:///x.db"


def test_explicit_pyproject_without_tool_still_is_an_error(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    error(tmp_path, "pyproject.toml", "[tool.still]", path="pyproject.toml")


def test_still_config_environment_variable(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///ignored.db"\n')
    write(tmp_path / "env.toml", 'url = "sqlite:///env.db"\n')
    assert load(tmp_path, environ={"STILL_CONFIG": str(tmp_path / "env.toml")}).url == "sqlite:///env.db"


def test_explicit_path_wins_over_still_config(tmp_path):
    write(tmp_path / "env.toml", 'url = "sqlite:///env.db"\n')
    write(tmp_path / "cli.toml", 'url = "sqlite:///cli.db"\n')
    cfg = load(tmp_path, path="cli.toml", environ={"STILL_CONFIG": "env.toml"})
    assert cfg.url == "sqlite:///cli.db"


def test_missing_explicit_file_is_an_error(tmp_path):
    error(tmp_path, "nope.toml", "-c/--config", "does not exist", path="nope.toml")
    error(tmp_path, "gone.toml", "STILL_CONFIG", "does not exist", environ={"STILL_CONFIG": "gone.toml"})


def test_explicit_directory_is_an_error(tmp_path):
    (tmp_path / "conf").mkdir()
    error(tmp_path, "conf", "directory", path="conf")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_unreadable_file_is_an_error():
    """Run as a user the mode binds (as root: a child dropped to nobody)."""
    where = shared_dir()
    try:
        file = write(where / "still.toml", 'url = "sqlite:///x.db"\n')
        give_away(where)
        file.chmod(0)
        message = unprivileged(lambda: error(where, "cannot read", "still.toml"))
        assert "ermission denied" in message
    finally:
        shutil.rmtree(where, ignore_errors=True)


def test_unreadable_file_is_an_error_whoever_runs_it(tmp_path, monkeypatch):
    file = write(tmp_path / "still.toml", 'url = "sqlite:///x.db"\n')

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    message = error(tmp_path, "cannot read", "still.toml", "Permission denied")
    assert str(file.parent) not in message  # named relative to the working directory


# ---------------------------------------------------------------------------- named sections

MULTI = """
metadata = "app.models:Base"
version_table = "shared_version"
exclude_tables = ["tmp_*"]

[databases.main]
url = "sqlite:///main.db"

[databases.analytics]
url = "postgresql://me@db/analytics"
metadata = "app.analytics:metadata"
schemas = ["events", "reports"]
"""


def test_named_section_overrides_the_top_level(tmp_path):
    write(tmp_path / "still.toml", MULTI)
    cfg = load(tmp_path, name="analytics")
    assert cfg.name == "analytics"
    assert cfg.url == "postgresql://me@db/analytics"
    assert cfg.metadata == "app.analytics:metadata"
    assert cfg.schemas == ["events", "reports"]
    assert cfg.version_table == "shared_version"  # shared default
    assert cfg.exclude_tables == ["tmp_*"]

    main = load(tmp_path, name="main")
    assert (main.url, main.metadata) == ("sqlite:///main.db", "app.models:Base")


def test_without_a_name_the_top_level_is_used(tmp_path):
    write(tmp_path / "still.toml", MULTI)
    cfg = load(tmp_path)
    assert cfg.name is None and cfg.url is None
    assert cfg.metadata == "app.models:Base"


def test_named_section_in_pyproject(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        '[tool.still]\nversion_table = "v"\n[tool.still.databases.reporting]\nurl = "sqlite:///r.db"\n',
    )
    cfg = load(tmp_path, name="reporting")
    assert (cfg.url, cfg.version_table) == ("sqlite:///r.db", "v")


def test_unknown_name_lists_the_available_ones(tmp_path):
    write(tmp_path / "still.toml", MULTI)
    message = error(tmp_path, "still.toml", "'billing'", "databases.billing", "analytics, main", name="billing")
    assert "available" in message


def test_name_without_sections(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///x.db"\n')
    error(tmp_path, "still.toml", "databases.main", name="main")


def test_name_without_any_file(tmp_path):
    error(tmp_path, "'main'", "no configuration file", name="main")


def test_unknown_key_inside_a_section(tmp_path):
    write(tmp_path / "still.toml", '[databases.main]\nulr = "sqlite:///x.db"\n')
    error(tmp_path, "still.toml", "databases.main.ulr", "did you mean 'url'?", name="main")


def test_section_that_is_not_a_table(tmp_path):
    write(tmp_path / "still.toml", 'databases = ["main"]\n')
    error(tmp_path, "still.toml", "'databases'", "table")
    write(tmp_path / "still.toml", '[databases]\nmain = "sqlite:///x.db"\n')
    error(tmp_path, "still.toml", "databases.main", "table")


# ---------------------------------------------------------------------------- interpolation


def test_interpolation_in_strings_and_lists(tmp_path):
    write(
        tmp_path / "still.toml",
        'url = "postgresql://${DB_USER}:${DB_PASS}@db/app"\n'
        'schemas = ["${TENANT}", "shared"]\n'
        'exclude_tables = ["${TENANT}.tmp_*"]\n',
    )
    env = {"DB_USER": "me", "DB_PASS": "s3cret", "TENANT": "acme"}
    cfg = load(tmp_path, environ=env)
    assert cfg.url == "postgresql://me:s3cret@db/app"
    assert cfg.schemas == ["acme", "shared"]
    assert cfg.exclude_tables == ["acme.tmp_*"]


def test_double_dollar_is_a_literal_dollar(tmp_path):
    write(tmp_path / "still.toml", 'url = "postgresql://me:pa$$${X}word@db/app"\nversion_table = "v$$"\n')
    cfg = load(tmp_path, environ={"X": "-"})
    assert cfg.url == "postgresql://me:pa$-word@db/app"
    assert cfg.version_table == "v$"


def test_a_lone_dollar_is_kept(tmp_path):
    write(tmp_path / "still.toml", 'url = "postgresql://me:pa$word@db/app"\n')
    assert load(tmp_path).url == "postgresql://me:pa$word@db/app"


def test_unset_variable_names_file_key_and_variable(tmp_path):
    write(tmp_path / "still.toml", 'url = "${DATABASE_URL}"\n')
    message = error(tmp_path, environ={"OTHER": "x"})
    assert message == "still.toml: key 'url' uses ${DATABASE_URL}, which is not set"


def test_unset_variable_in_a_list_in_a_section_of_pyproject(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.still.databases.a]\nschemas = ["ok", "${SCHEMA}"]\n')
    error(tmp_path, "pyproject.toml", "tool.still.databases.a.schemas", "${SCHEMA}", "not set", name="a")


def test_unset_variable_in_an_unused_section_is_fine(tmp_path):
    write(tmp_path / "still.toml", '[databases.a]\nurl = "sqlite:///a.db"\n[databases.b]\nurl = "${B_URL}"\n')
    assert load(tmp_path, name="a").url == "sqlite:///a.db"


def test_empty_variable_counts_as_set(tmp_path):
    write(tmp_path / "still.toml", 'version_table_schema = "meta${SUFFIX}"\n')
    assert load(tmp_path, environ={"SUFFIX": ""}).version_table_schema == "meta"


def test_malformed_reference_is_an_error(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///${not a name}.db"\n')
    error(tmp_path, "still.toml", "'url'", "malformed", "$$")


def test_interpolation_uses_os_environ_by_default(tmp_path, monkeypatch):
    write(tmp_path / "still.toml", 'url = "sqlite:///${STILL_TEST_CONFIG_DB}.db"\n')
    monkeypatch.setenv("STILL_TEST_CONFIG_DB", "fromenv")
    monkeypatch.delenv("STILL_DATABASE_URL", raising=False)
    monkeypatch.delenv("STILL_CONFIG", raising=False)
    assert load_config(cwd=tmp_path).url == "sqlite:///fromenv.db"


@given(st.text())
def test_escaped_text_comes_back_unchanged(text):
    assert interpolate(text.replace("$", "$$"), {}) == text


# ---------------------------------------------------------------------------- url and -x


def test_url_precedence(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///file.db"\n')
    env = {"STILL_DATABASE_URL": "sqlite:///env.db"}
    assert load(tmp_path).url == "sqlite:///file.db"
    assert load(tmp_path, environ=env).url == "sqlite:///env.db"
    assert load(tmp_path, environ=env, url="sqlite:///cli.db").url == "sqlite:///cli.db"
    assert load(tmp_path, url="sqlite:///cli.db").url == "sqlite:///cli.db"


def test_url_precedence_over_a_named_section(tmp_path):
    write(tmp_path / "still.toml", MULTI)
    assert load(tmp_path, name="main", url="sqlite:///cli.db").url == "sqlite:///cli.db"


def test_url_from_environment_without_file(tmp_path):
    assert load(tmp_path, environ={"STILL_DATABASE_URL": "sqlite:///env.db"}).url == "sqlite:///env.db"


def test_overridden_file_url_needs_no_variables(tmp_path):
    write(tmp_path / "still.toml", 'url = "${DATABASE_URL}"\n')
    assert load(tmp_path, url="sqlite:///cli.db").url == "sqlite:///cli.db"


def test_x_arguments(tmp_path):
    cfg = load(tmp_path, x=["tenant=acme", "dry=", "a=b=c", "tenant=globex"])
    assert cfg.x == {"tenant": "globex", "dry": "", "a": "b=c"}


@pytest.mark.parametrize("bad", ["tenant", "=value", ""])
def test_bad_x_argument(tmp_path, bad):
    error(tmp_path, "-x", repr(bad), "key=value", x=["ok=1", bad])


# ---------------------------------------------------------------------------- errors in the file


def test_unknown_key_suggests_the_closest(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///x.db"\nschemes = ["main"]\n')
    error(tmp_path, "still.toml", "unknown key 'schemes'", "did you mean 'schemas'?")


def test_unknown_key_without_a_close_match_lists_the_keys(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.still]\nfrobnicate = 1\n')
    error(tmp_path, "pyproject.toml", "'tool.still.frobnicate'", "known keys", "exclude_tables")


@pytest.mark.parametrize("key", ["x", "source", "name"])
def test_command_line_only_keys_are_unknown_in_a_file(tmp_path, key):
    write(tmp_path / "still.toml", f'{key} = "y"\n')
    error(tmp_path, "still.toml", f"unknown key {key!r}")


@pytest.mark.parametrize(
    "line, key, expected",
    [
        ('schemas = "public"', "'schemas'", "must be a list of strings, not a string ('public')"),
        ('schemas = ["public", 3]', "'schemas'", "must be a list of strings, but item 1 is an integer (3)"),
        ("version_table = 5", "'version_table'", "must be a string, not an integer (5)"),
        ("url = true", "'url'", "must be a string, not a boolean (true)"),
        ("exclude_tables = { a = 1 }", "'exclude_tables'", "must be a list of strings"),
        ("script_location = 1.5", "'script_location'", "not a number (1.5)"),
        ('metadata = "app.models"', "'metadata'", "package.module:attribute"),
        ('version_table = ""', "'version_table'", "must not be empty"),
        ("schemas = []", "'schemas'", "at least one schema"),
        ('version_locations = "migrations/versions"', "'version_locations'",
         "must be a list of strings (directories), not a string ('migrations/versions')"),
        ('version_locations = ["a", 2]', "'version_locations'", "but item 1 is an integer (2)"),
        ("version_locations = []", "'version_locations'", "must name at least one directory"),
        ('version_locations = ["a", " "]', "'version_locations'", "must not contain an empty path (item 1)"),
    ],
)
def test_wrong_type(tmp_path, line, key, expected):
    write(tmp_path / "still.toml", line + "\n")
    error(tmp_path, "still.toml", key, expected)


def test_version_locations_default_to_script_location_versions(tmp_path):
    write(tmp_path / "conf" / "still.toml", 'script_location = "db"\n')
    cfg = load(tmp_path, path="conf/still.toml")
    assert cfg.version_locations is None
    assert cfg.version_dirs() == [tmp_path / "conf" / "db" / "versions"]
    assert Config().version_dirs() == [Path.cwd() / "migrations" / "versions"]


def test_version_locations_are_relative_to_the_config_file(tmp_path):
    write(tmp_path / "conf" / "still.toml",
          'version_locations = ["db/versions", "${LIBS}/audit", "/abs/elsewhere"]\n')
    cfg = load(tmp_path, path="conf/still.toml", environ={"LIBS": "libs"})
    assert cfg.version_locations == ["db/versions", "libs/audit", "/abs/elsewhere"]
    assert cfg.version_dirs() == [tmp_path / "conf" / "db" / "versions", tmp_path / "conf" / "libs" / "audit",
                                  Path("/abs/elsewhere")]


def test_version_locations_in_a_section_of_pyproject(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.still.databases.a]\nversion_locations = "v"\n')
    error(tmp_path, "pyproject.toml", "'tool.still.databases.a.version_locations'", "must be a list of strings",
          name="a")


def test_wrong_type_in_a_section_names_the_section_key(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.still.databases.a]\nschemas = "x"\n')
    error(tmp_path, "pyproject.toml", "'tool.still.databases.a.schemas'", "list of strings", name="a")


def test_invalid_toml_names_file_and_line(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///x.db"\nschemas = [\n"a" "b"]\n')
    message = error(tmp_path, "still.toml:3:", "invalid TOML")
    assert "(at line" not in message


def test_invalid_toml_in_a_pyproject_met_on_the_way_up(tmp_path):
    write(tmp_path / "pyproject.toml", "[project\n")
    error(tmp_path, "pyproject.toml:1:", "invalid TOML")


def test_invalid_toml_at_the_end_of_the_file(tmp_path):
    write(tmp_path / "still.toml", 'url = "sqlite:///x.db')
    error(tmp_path, "still.toml", "invalid TOML")


def test_not_utf8(tmp_path):
    (tmp_path / "still.toml").write_bytes(b'url = "\xff"\n')
    error(tmp_path, "still.toml", "invalid TOML", "UTF-8")


def test_file_outside_cwd_is_named_in_full(tmp_path):
    write(tmp_path / "still.toml", "bogus = 1\n")
    (tmp_path / "sub").mkdir()
    error(tmp_path / "sub", str(tmp_path / "still.toml"), "'bogus'")


# ---------------------------------------------------------------------------- helpers


def test_excludes_matches_table_and_schema_dot_table():
    cfg = Config(exclude_tables=["tmp_*", "audit.*", "public.legacy_?"])
    assert cfg.excludes("tmp_import", None)
    assert cfg.excludes("tmp_import", "public")
    assert cfg.excludes("anything", "audit")
    assert not cfg.excludes("anything", None)
    assert not cfg.excludes("anything", "public")
    assert cfg.excludes("legacy_1", "public")
    assert not cfg.excludes("legacy_1", "other")
    assert not cfg.excludes("legacy_10", "public")
    assert not cfg.excludes("TMP_import", None)  # case-sensitive
    assert not Config().excludes("users", "public")


def test_excludes_from_a_file(tmp_path):
    write(tmp_path / "still.toml", 'exclude_tables = ["alembic_version", "*.spatial_ref_sys"]\n')
    cfg = load(tmp_path)
    assert cfg.excludes("alembic_version", "public")
    assert cfg.excludes("spatial_ref_sys", "public")
    assert not cfg.excludes("spatial_ref_sys", None)


def test_display_url_masks_the_password(tmp_path):
    write(tmp_path / "still.toml", 'url = "postgresql+psycopg://me:${PW}@db:5432/app"\n')
    cfg = load(tmp_path, environ={"PW": "hunter2"})
    assert cfg.url == "postgresql+psycopg://me:hunter2@db:5432/app"
    shown = cfg.display_url()
    assert "hunter2" not in shown
    assert shown == "postgresql+psycopg://me:***@db:5432/app"
    assert Config().display_url() is None
    assert Config(url="sqlite:///x.db").display_url() == "sqlite:///x.db"


def test_config_is_frozen_and_strict():
    cfg = Config()
    with pytest.raises(AttributeError, match="Config is frozen: url cannot be set"):
        cfg.url = "sqlite://"  # type: ignore[misc]
    with pytest.raises(TypeError, match="Config has no setting 'unknown'"):
        Config(unknown="x")  # type: ignore[call-arg]


def test_tool_still_that_is_not_a_table(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool]\nstill = "yes"\n')
    error(tmp_path, "pyproject.toml", "'tool.still'", "must be a table")
