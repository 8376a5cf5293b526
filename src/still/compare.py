"""The comparison `plan` and `check` run: the live database against the models.

Reflect the database, declare the models for its dialect, drop what the filters exclude
(saying so), collect the renames the models declare, and diff. Read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from still import snapshot as s
from still.declare.sa_compat import given_info
from still.diff import Renames, diff
from still.errors import StillError
from still.findings import Code, Finding
from still.plan import Plan
from still.server_versions import lacking


@dataclass(frozen=True)
class Comparison:
    current: s.Snapshot
    target: s.Snapshot
    plan: Plan


def declared_renames(metadata, default_schema: str) -> Renames:
    """`info={"still": {"renamed_from": "old"}}` on tables and columns."""
    tables, columns = [], []
    for table in metadata.tables.values():
        schema = table.schema or default_schema
        old = given_info(table).get("still", {}).get("renamed_from")
        if old:
            tables.append((schema, old, table.name))
        for col in table.columns:
            old_col = given_info(col).get("still", {}).get("renamed_from")
            if old_col:
                columns.append((schema, table.name, old_col, col.name))
    return Renames(tables=tuple(tables), columns=tuple(columns))


def parse_renames(items: Iterable[str], default_schema: str) -> Renames:
    """`--rename OLD=NEW` for tables, `--rename table.OLD=NEW` for columns."""
    tables, columns = [], []
    for item in items:
        old, sep, new = item.partition("=")
        if not sep or not old or not new or "." in new:
            raise StillError(f"--rename {item!r} must be OLD=NEW (a table) or TABLE.OLD=NEW (a column)")
        if "." in old:
            table, _, old_col = old.rpartition(".")
            columns.append((default_schema, table, old_col, new))
        else:
            tables.append((default_schema, old, new))
    return Renames(tables=tuple(tables), columns=tuple(columns))


def _merge(a: Renames, b: Renames) -> Renames:
    return Renames(tables=a.tables + b.tables, columns=a.columns + b.columns)


ALEMBIC_VERSION = "alembic_version"
_DERIVED = object()  # log_table: the applied-revisions log's default name, <version_table>_log


def _alembic_note(snap: s.Snapshot, version_table: str) -> dict:
    """Alembic's version table is never drift: left out, and said so once."""
    if version_table == ALEMBIC_VERSION:
        return {}
    return {(name, ALEMBIC_VERSION): Finding.of(
        Code.SKIPPED, f"table {name}.{ALEMBIC_VERSION} is Alembic's version table: left out of the comparison",
        name, ALEMBIC_VERSION)
        for name, schema in snap.schemas.items() if ALEMBIC_VERSION in schema.tables}


def filtered(snap: s.Snapshot, keep, side: str, findings: dict) -> s.Snapshot:
    """`snap` without the tables `keep(schema, table)` rejects; each one noted once."""
    schemas = {}
    for name, schema in snap.schemas.items():
        tables = {}
        for table_name, table in schema.tables.items():
            if keep(name, table_name):
                tables[table_name] = table
            else:
                findings.setdefault((name, table_name), Finding.of(
                    Code.SKIPPED, f"table {name}.{table_name} is skipped by the filters ({side})",
                    name, table_name))
        schemas[name] = schema.model_copy(update={"tables": tables})
    return snap.model_copy(update={"schemas": schemas})


def compare(connection, metadata, schemas: Optional[list[str]] = None,
            excludes: Callable[[str, Optional[str]], bool] = lambda table, schema: False,
            version_table: str = "still_version", renames: Iterable[str] = (),
            include: Optional[Callable] = None, log_table=_DERIVED) -> Comparison:
    """The live database against the models. `excludes(table, schema)` says which tables
    the filters skip (Config.excludes); `include` is env.py's include_object hook. The
    version table and the applied-revisions log (`log_table`, None when there is none)
    belong to still, not to the models: both are left out."""
    from still.collector import paused_gc
    from still.reflect import reflect

    from still.lint.rows import row_findings

    with paused_gc():
        found = compare_snapshot(reflect(connection, schemas), connection.dialect, metadata,
                                 schemas, excludes, version_table, renames, include=include, log_table=log_table)
    # the rows there: constraints the plan adds that they break, counted (read-only)
    broken = row_findings(connection, found.plan.operations, found.current)
    if not broken:
        return found
    plan = found.plan.model_copy(update={"findings": found.plan.findings + tuple(broken)})
    return Comparison(current=found.current, target=found.target, plan=plan)


def compare_snapshot(current: s.Snapshot, dialect, metadata, schemas: Optional[list[str]] = None,
                     excludes: Callable[[str, Optional[str]], bool] = lambda table, schema: False,
                     version_table: str = "still_version", renames: Iterable[str] = (),
                     findings: Iterable[Finding] = (), include: Optional[Callable] = None,
                     log_table=_DERIVED) -> Comparison:
    """A snapshot (reflected, or replayed from the revision files) against the models."""
    from still.collector import paused_gc

    with paused_gc():
        return _compare_snapshot(current, dialect, metadata, schemas, excludes, version_table,
                                 renames, findings, include, log_table)


def _compare_snapshot(current, dialect, metadata, schemas, excludes, version_table, renames,
                      findings, include, log_table) -> Comparison:
    from still.declare import declare
    from still.declare.base import invented_names

    with invented_names() as invented:
        target = declare(metadata, dialect, schemas)
    return compare_snapshots(current, target, dialect, schemas, excludes, version_table, renames, findings,
                             include, log_table, metadata=metadata, invented=frozenset(invented))


def compare_snapshots(current: s.Snapshot, target: s.Snapshot, dialect, schemas: Optional[list[str]] = None,
                      excludes: Callable[[str, Optional[str]], bool] = lambda table, schema: False,
                      version_table: str = "still_version", renames: Iterable[str] = (),
                      findings: Iterable[Finding] = (), include: Optional[Callable] = None,
                      log_table=_DERIVED, metadata=None, invented: frozenset = frozenset(),
                      sides: tuple[str, str] = ("in the database", "in the models"),
                      reflected: tuple[bool, bool] = (True, False)) -> Comparison:
    """Any two states of one dialect: `target` declared from `metadata` (whose renames and
    unrepresented features then count), or read from a database, a file or the history
    (`metadata` None). `sides` name the two states in the skipped-table notes; `reflected`
    says which of them env.py's include_object hook sees as reflected."""
    from still.include import filter_snapshot, include_filter

    if schemas is not None:
        def wanted(snap):
            return snap.model_copy(update={"schemas": {k: v for k, v in snap.schemas.items()
                                                       if k in schemas or k == snap.default_schema}})

        current, target = wanted(current), (wanted(target) if metadata is None else target)

    left_out = {version_table, ALEMBIC_VERSION, f"{ALEMBIC_VERSION}_log"}
    log_table = f"{version_table}_log" if log_table is _DERIVED else log_table
    if log_table:
        left_out.add(log_table)

    def keep(schema: str, table: str) -> bool:
        return table not in left_out and not excludes(table, schema)

    skipped: dict = {}
    alembic_note = _alembic_note(current, version_table)
    if metadata is None:
        alembic_note.update(_alembic_note(target, version_table))
    current = filtered(current, keep, sides[0], skipped)
    target = filtered(target, keep, sides[1], skipped)
    predicate = include_filter(include)
    current = filter_snapshot(current, predicate, reflected=reflected[0])
    target = filter_snapshot(target, predicate, reflected=reflected[1])
    skipped = {k: v for k, v in skipped.items() if k[1] not in left_out}
    skipped.update(alembic_note)
    wanted_renames = parse_renames(renames, target.default_schema)
    if metadata is not None:
        wanted_renames = _merge(declared_renames(metadata, target.default_schema), wanted_renames)
    plan = diff(current, target, wanted_renames, invented)
    notes = []
    if metadata is not None:
        from still.declare import rules_for

        notes = [Finding.of(Code.UNVERIFIABLE, message, schema, table, column)
                 for schema, table, column, message in rules_for(dialect).unrepresented(metadata)]
    from still.diff.incomplete_models import incomplete_models

    # first: it explains the drops below (models that leave tables out; another state may mean it)
    loud = incomplete_models(current, plan.operations) if metadata is not None else None
    plan = plan.model_copy(update={"findings": ((loud,) if loud else ()) + plan.findings + tuple(findings)
                                   + tuple(notes) + tuple(lacking(plan.operations, dialect))
                                   + tuple(skipped.values())})
    return Comparison(current=current, target=target, plan=plan)
