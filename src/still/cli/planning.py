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
         metadata=None, config_path=None, name=None, x=None, from_=None, to=None) -> int:
    cfg = config_for(root, config_path, name, x, url, metadata)
    result, dialect, described = compare_states(cfg, from_, to, rename, metadata, missing_is_empty=True)
    from dataclasses import replace

    from still.cli.safety import for_live

    # what a generated revision would hold: the safe forms (config safe_forms) and what has none
    result = _safe(cfg, result, dialect.name)
    result = replace(result, plan=for_live(cfg, result.plan, result.current, dialect))
    statements = _statements(result, dialect) if sql else []
    costs = _costs(result, dialect)
    if fmt == "json":
        print(_report(described, result, dialect, statements, costs).model_dump_json(indent=2))
        return 0
    from still.cli.plan_view import print_plan

    print_plan(result.plan, statements, costs, _same(from_, to, described))
    return 0


@paused_gc()
def check(root: dict, fmt: str = "text", fail_on: Optional[str] = None, against: str = "db", url=None,
          metadata=None, config_path=None, name=None, x=None, lint: bool = False, from_=None, to=None) -> int:
    from still.cli.plan_view import fails, github_annotations, print_plan

    cfg = config_for(root, config_path, name, x, url, metadata)
    result, dialect, described = compare_states(cfg, against_alias(against, from_), to, [], metadata)
    result = _safe(cfg, result, dialect.name)
    failing = fails(result.plan, fail_on)
    if fmt == "json":
        print(_report(described, result, dialect, [], _costs(result, dialect)).model_dump_json(indent=2))
    elif fmt == "github":
        for line in github_annotations(result.plan):
            print(line)
    else:
        print_plan(result.plan, None, _costs(result, dialect), _same(against_alias(against, from_), to, described))
    if lint:  # the revision files too: what they would do to a live database
        from still.cli.linting import lint as run_lint

        code = run_lint(root, None, "github" if fmt == "github" else "text", fail_on or "warning",
                        url, config_path, name, x)
        failing = failing or code == 1
    return 1 if failing else 0


def _same(from_: Optional[str], to: Optional[str], described) -> Optional[str]:
    """What an empty plan says when the states are not the database and the models."""
    if from_ in (None, "db") and to in (None, "models"):
        return None
    from still.db import mask

    return f"No changes: {mask(described[0])} matches {mask(described[1])}."


def against_alias(against: Optional[str], from_: Optional[str]) -> Optional[str]:
    """`--against db|history`, the older spelling of `--from db|history`."""
    if against in (None, "db"):
        return from_
    if from_ is not None:
        from still.errors import StillError

        raise StillError(f"--against {against} and --from {from_}: give one (--against {against} is "
                         f"--from {against})")
    return against


def compare_states(cfg, from_: Optional[str], to: Optional[str], renames, explicit_metadata,
                   missing_is_empty: bool = False):
    """(Comparison, the --from side's dialect, (from, to) as the report names them)."""
    from still.sources import DB, MODELS, compare_sources, parse_source

    compared = compare_sources(cfg, parse_source(from_, "--from", DB), parse_source(to, "--to", MODELS),
                               renames, explicit_metadata, missing_is_empty=missing_is_empty)
    check_renames(compared.result, renames)
    return compared.result, compared.dialect, compared.described


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


def _report(described, result, dialect, statements, costs=()):
    from still.db import mask
    from still.plan import PlanReport

    return PlanReport(dialect=dialect.name, url=mask(described[0]), to=mask(described[1]),
                      drift=not result.plan.empty,
                      operations=result.plan.operations, findings=result.plan.findings,
                      statements=tuple(statements), costs=tuple(costs))
