"""`still plan` and `still check`: their work, without typer.

The typer commands (still.cli.plan) and the fast path (still.cli.fast) both call `plan`
and `check`, so a line prints the same whichever way it was parsed. Each takes `root`,
the options given before the command (config, name, x, url), then the command's own, and
returns the exit code (check: 0 no drift, 1 drift).
"""

from __future__ import annotations

import enum
from typing import Optional

from still.cli.settings import config_for, require
from still.collector import paused_gc

PLAN_FORMATS = ("text", "json")
CHECK_FORMATS = ("text", "json", "github")
FAIL_ON = ("warning", "danger")
AGAINST = ("db", "history")


class Against(str, enum.Enum):  # what `check` and `generate` compare the models with
    db = "db"
    history = "history"


@paused_gc()  # the models' import and the comparison: see still.collector
def plan(root: dict, fmt: str = "text", sql: bool = False, rename: Optional[list[str]] = None, url=None,
         metadata=None, config_path=None, name=None, x=None) -> int:
    cfg = config_for(root, config_path, name, x, url, metadata)
    result, dialect = _compare(cfg, rename, metadata, missing_is_empty=True)
    from dataclasses import replace

    from still.cli.safety import for_live

    result = replace(result, plan=for_live(cfg, result.plan, result.current, dialect))
    statements = _statements(result, dialect) if sql else []
    costs = _costs(result, dialect)
    if fmt == "json":
        print(_report(cfg, result, dialect, statements, costs).model_dump_json(indent=2))
        return 0
    from still.cli.plan_view import print_plan

    print_plan(result.plan, statements, costs)
    return 0


@paused_gc()
def check(root: dict, fmt: str = "text", fail_on: Optional[str] = None, against: str = "db", url=None,
          metadata=None, config_path=None, name=None, x=None, lint: bool = False) -> int:
    from still.cli.plan_view import fails, github_annotations, print_plan

    cfg = config_for(root, config_path, name, x, url, metadata)
    if against == "history":
        from still.runtime.migrate import Run

        run = Run(cfg)
        result, _ = current_state(cfg, run, Against.history, models(cfg, metadata), [])
        dialect = run.offline_dialect()
        result = _safe(cfg, result, dialect.name)
    else:
        result, dialect = _compare(cfg, [], metadata)
    failing = fails(result.plan, fail_on)
    if fmt == "json":
        print(_report(cfg, result, dialect, [], _costs(result, dialect)).model_dump_json(indent=2))
    elif fmt == "github":
        for line in github_annotations(result.plan):
            print(line)
    else:
        print_plan(result.plan, None, _costs(result, dialect))
    if lint:  # the revision files too: what they would do to a live database
        from still.cli.linting import lint as run_lint

        code = run_lint(root, None, "github" if fmt == "github" else "text", fail_on or "warning",
                        url, config_path, name, x)
        failing = failing or code == 1
    return 1 if failing else 0


def models(cfg, explicit: Optional[str], hooks=None):
    """The MetaData to compare with: --metadata, else env.py's target_metadata(), else the
    `metadata` setting."""
    from still.metadata import load_metadata
    from still.runtime.env import hooked_metadata, project_hooks

    hooked = hooked_metadata(hooks or project_hooks(cfg), explicit)
    return hooked if hooked is not None else load_metadata(require(cfg, "metadata", "--metadata"),
                                                           cfg.metadata_loader)


def check_renames(result, renames: Optional[list[str]]) -> None:
    """Each `--rename` must name what is there: OLD in the current state, NEW in the models
    (a typo would otherwise be ignored and the plan would drop and add)."""
    from still.errors import StillError

    current, target = result.current, result.target
    schema = target.default_schema

    def tables(snap):
        return snap.schemas[schema].tables if schema in snap.schemas else {}

    table_renames = {new: old for old, _, new in (i.partition("=") for i in renames or []) if "." not in old}
    for item in renames or []:
        old, _, new = item.partition("=")
        if "." not in old:
            if old not in tables(current):
                raise StillError(f"--rename {item}: there is no table {old!r} in the current schema")
            if new not in tables(target):
                raise StillError(f"--rename {item}: there is no table {new!r} in the models")
            continue
        table, _, old_col = old.rpartition(".")
        now = tables(current).get(table_renames.get(table, table)) or tables(current).get(table)
        want = tables(target).get(table)
        if now is None or want is None:
            raise StillError(f"--rename {item}: there is no table {table!r} in both the current schema and the models")
        if old_col not in {c.name for c in now.columns}:
            raise StillError(f"--rename {item}: table {table!r} has no column {old_col!r} now")
        if new not in {c.name for c in want.columns}:
            raise StillError(f"--rename {item}: table {table!r} has no column {new!r} in the models")


def _compare(cfg, renames, explicit_metadata: Optional[str] = None, missing_is_empty: bool = False):
    """The database against the models. A SQLite file that does not exist yet is, with
    `missing_is_empty` (plan), an empty database, compared without creating the file;
    otherwise (check) an error saying to create it."""
    import sys

    from still.cli.settings import missing_sqlite_file, no_database_yet
    from still.compare import compare
    from still.db import connected, open_engine
    from still.errors import StillError
    from still.runtime.env import project_hooks

    hooks = project_hooks(cfg)
    metadata = models(cfg, explicit_metadata, hooks)
    url = require(cfg, "url", "--url")
    target = hooks.connect(url, dict(cfg.x)) if hooks.connect is not None else None
    missing = missing_sqlite_file(url) if target is None else None
    if missing and not missing_is_empty:
        raise StillError(no_database_yet(missing))
    if missing:
        print(f"note: the database file {missing} does not exist yet: planning against an empty "
              f"database", file=sys.stderr)
        url = "sqlite://"
    with connected(target if target is not None else open_engine(url)) as conn:
        result = compare(conn, metadata, cfg.schemas, cfg.excludes, cfg.version_table, renames or [],
                         include=hooks.include_object, log_table=cfg.log_table_name())
        dialect = conn.dialect
        conn.rollback()
    check_renames(result, renames)
    return _safe(cfg, result, dialect.name), dialect


def _safe(cfg, result, dialect: str):
    """The comparison with its plan in the safe forms `generate` writes (config `safe_forms`),
    so that `plan` and `check` show the statements and locks a generated revision has."""
    from dataclasses import replace

    from still.diff.safe_forms import safe_forms

    plan = safe_forms(result.plan, dialect, cfg.safe_forms)
    return result if plan is result.plan else replace(result, plan=plan)


def _statements(result, dialect) -> list[str]:
    from still.ops.ddl import plan_statements

    return [sql for _, stmts in plan_statements(result.plan, result.current, dialect) for sql in stmts]


def _costs(result, dialect) -> list:
    """What each operation costs a live database of this dialect and server version."""
    if result.plan.empty:
        return []
    from still.lint import costs

    return costs(result.plan.operations, result.current, dialect.name,
                 getattr(dialect, "server_version_info", None))


def _report(cfg, result, dialect, statements, costs=()):
    from still.db import mask
    from still.plan import PlanReport

    return PlanReport(dialect=dialect.name, url=mask(cfg.url), drift=not result.plan.empty,
                      operations=result.plan.operations, findings=result.plan.findings,
                      statements=tuple(statements), costs=tuple(costs))


def current_state(cfg, run, against: Against, metadata, renames):
    """The Comparison of the models with the chosen state, and the heads it stands on."""
    from still.compare import compare, compare_snapshot
    from still.errors import StillError

    from still.runtime.env import project_hooks

    options = dict(schemas=cfg.schemas, excludes=cfg.excludes, version_table=cfg.version_table,
                   renames=renames or [], include=project_hooks(cfg).include_object,
                   log_table=cfg.log_table_name())
    if against is Against.history:
        from still.runtime.replay import replay

        dialect = run.offline_dialect()
        snap, findings, heads = replay(run, dialect)
        return compare_snapshot(snap, dialect, metadata, findings=findings, **options), heads
    from dataclasses import replace

    from still.db import connected

    # a SQLite file that does not exist yet is an empty database: the first revision is for it
    with connected(run.engine()) as conn:
        current = run.version_table.heads(conn)
        if not run.graph.is_up_to_date(current):
            # exactly what is not applied, in the order upgrade would run it
            missing = [step.revision.revision for step in run.graph.upgrade_steps(current, "heads")]
            raise StillError(f"the database is not at head (missing {', '.join(missing[:5])}"
                             f"{'...' if len(missing) > 5 else ''}): run 'still upgrade head' first, "
                             f"or compare with --against history")
        result = compare(conn, metadata, **options)
        result = replace(result, server_version=getattr(conn.dialect, "server_version_info", None))
        conn.rollback()
    return result, tuple(run.graph.heads)
