"""Plan -> the bodies of a revision's upgrade() and downgrade(), a summary and imports."""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from still.findings import Code, Finding
from still.plan import Plan
from still.snapshot import Domain, Snapshot
from still.render.ops import OpRenderer
from still.render.pyfmt import format_statement, format_with

INDENT = 4
AUTOCOMMIT = "with op.get_context().autocommit_block():\n"  # what OpRenderer puts outside the transaction


@dataclass(frozen=True)
class RenderedRevision:
    upgrade: str  # function body: 4-space indented lines, no `def`
    downgrade: str
    summary: str  # docstring lines: operation counts and every finding
    imports: list[str] = field(default_factory=list)  # beyond `from still import op` / `import sqlalchemy as sa`


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _label(schema: str, table: str, default_schema: str) -> str:
    return table if schema == default_schema else f"{schema}.{table}"


def _columns_of(op) -> set[str]:
    kind = op.op
    if kind in ("add_column", "drop_column"):
        return {op.column.name}
    if kind == "alter_column":
        return {op.old.name, op.new.name}
    if kind == "rename_column":
        return {op.old_name, op.new_name}
    if kind in ("create_table", "drop_table"):
        return {c.name for c in op.table.columns}
    if kind == "rename_sequence" and op.column_name:
        return {op.column_name}
    return set()


def _tables_of(op) -> set[str]:
    if op.op == "rename_table":
        return {op.old_name, op.new_name}
    return {op.target_table} if op.target_table else set()


def _enum_of(op) -> str | None:
    if op.op in ("create_enum", "drop_enum"):
        return op.enum.name
    return getattr(op, "enum_name", None)


def _domain_of(op) -> str | None:
    if op.op in ("create_domain", "drop_domain"):
        return op.domain.name
    return op.new.name if op.op == "alter_domain" else None


def _matches(finding: Finding, op, column: bool) -> bool:
    if finding.schema_name is not None and finding.schema_name != op.schema_name:
        return False
    if finding.table_name is None:
        enum = _enum_of(op)
        if enum is not None:
            return f"enum {op.schema_name}.{enum} " in finding.message
        domain = _domain_of(op)
        if domain is not None:
            return f"domain {op.schema_name}.{domain} " in finding.message
        return op.target_table is None
    if finding.table_name not in _tables_of(op):
        return False
    return not column or finding.column_name in _columns_of(op)


def place_findings(plan: Plan) -> tuple[list[Finding], dict[int, list[Finding]]]:
    """Findings with no operation to sit above, and the findings of each operation index:
    the first operation on the finding's column, else on its table (or schema object)."""
    top: list[Finding] = []
    at: dict[int, list[Finding]] = {}
    for finding in plan.findings:
        index = None
        passes = (True, False) if finding.column_name else (False,)
        for column in passes:
            index = next((i for i, op in enumerate(plan.operations) if _matches(finding, op, column)), None)
            if index is not None:
                break
        if index is None:
            top.append(finding)
        else:
            at.setdefault(index, []).append(finding)
    return top, at


def destruction(op, default_schema: str) -> str | None:
    """What an operation loses, for its DESTRUCTIVE comment (None if it loses nothing)."""
    if not op.destructive:
        return None
    kind = op.op
    if kind == "drop_table":
        return f"drops table {_label(op.schema_name, op.table.name, default_schema)} and all its rows"
    if kind == "drop_column":
        return (f"drops column {_label(op.schema_name, op.table_name, default_schema)}.{op.column.name} "
                f"and its data")
    if kind == "drop_schema":
        return f"drops schema {op.schema_name}"
    if kind == "drop_enum":
        return f"drops enum type {_label(op.schema_name, op.enum.name, default_schema)}"
    if kind == "drop_domain":
        return f"drops domain {_label(op.schema_name, op.domain.name, default_schema)}"
    if kind == "drop_sequence":
        return (f"drops sequence {_label(op.schema_name, op.sequence.name, default_schema)} "
                f"and its current value")
    if kind == "replace_enum":
        lost = [v for v in op.old_values if v not in op.new_values]
        return (f"removes value(s) {', '.join(lost)} from enum "
                f"{_label(op.schema_name, op.enum_name, default_schema)}; rows holding them fail to convert")
    return f"{kind} loses data"


def _body(plan: Plan, renderer: OpRenderer, with_findings: bool, before: Snapshot | None = None) -> str:
    """`before`: the snapshot the plan starts from; with it, an operation that works on
    existing rows while it blocks the application gets a REVIEW(lock) comment."""
    # a MySQL rename restates the column (see _restated in render/ops.py): only those
    # renders follow the snapshot from operation to operation
    start = before if renderer.dialect == "mysql" else None
    default = renderer.default_schema
    costs = _costs(plan, renderer.dialect, before)
    pad = " " * INDENT
    top, at = place_findings(plan) if with_findings else ([], {})
    lines: list[str] = [f"{pad}# REVIEW({f.code.value}): {_one_line(f.message)}" for f in top]
    group: object = object()
    block = None  # the index in `lines` of an autocommit block the next one may join
    for i, op in enumerate(plan.operations):
        key = (op.schema_name, op.target_table) if op.target_table else None
        if key != group:
            if lines:
                lines.append("")
            if key is not None:
                lines.append(f"{pad}# table {_label(key[0], key[1], default)}")
            group = key
        for finding in at.get(i, []):
            lines.append(f"{pad}# REVIEW({finding.code.value}): {_one_line(finding.message)}")
        if costs and costs[i].matters:
            lines.append(f"{pad}# REVIEW(lock): {_one_line(costs[i].text())}")
        lost = destruction(op, default)
        if lost:
            lines.append(f"{pad}# DESTRUCTIVE: {lost}")
        renderer.before = start
        for statement in renderer.render(op):
            if statement.startswith("#"):
                lines.append(pad + statement)
            elif statement.startswith(AUTOCOMMIT):
                # consecutive statements outside the transaction share one block: one
                # commit, not one per statement
                body = statement[len(AUTOCOMMIT):]
                if block is not None and block == len(lines) - 1:
                    lines[block] += "\n" + " " * (2 * INDENT) + format_statement(body, 2 * INDENT)
                else:
                    lines.append(pad + format_with(AUTOCOMMIT[len("with "):-2], body, indent=INDENT))
                    block = len(lines) - 1
            elif statement.startswith("with "):
                head, _, body = statement[len("with "):].partition(":\n")
                lines.append(pad + format_with(head, body, indent=INDENT))
            else:
                lines.append(pad + format_statement(statement, INDENT))
        start = _after(op, start)
    renderer.before = None
    if not any(line.strip() and not line.strip().startswith("#") for line in lines):
        lines.append(f"{pad}pass")
    return "\n".join(lines)


def _after(op, snap: Optional[Snapshot]) -> Optional[Snapshot]:
    if snap is None:
        return None
    try:
        return op.apply(snap)
    except Exception:  # noqa: BLE001 - a snapshot the plan does not fit: render without it
        return None


def summary(plan: Plan) -> str:
    counts = Counter(op.op for op in plan.operations)
    total = len(plan.operations)
    head = f"{total} operation{'s' if total != 1 else ''}"
    if counts:
        head += ": " + ", ".join(f"{n} {kind}" for kind, n in counts.items())
    lines = [head]
    lines += [f"REVIEW({f.code.value}): {_one_line(f.message)}" for f in plan.findings]
    return "\n".join(lines)


def render_plan(plan: Plan, dialect: str, snapshots: Iterable[Snapshot] = (),
                rewrite: Optional[Callable[[Plan, Snapshot], Plan]] = None) -> RenderedRevision:
    """The revision text for `plan` on `dialect`: upgrade() runs the plan's operations,
    downgrade() runs `plan.reverse()`; findings become REVIEW comments above the
    operation they concern, destructive operations get a DESTRUCTIVE comment.
    `snapshots` (the plan's source and target) tell which named types are domains.
    `rewrite(plan, before)` (the safe forms, still.cli.safety) applies to each direction
    from the snapshot it starts at: the downgrade is the plain plan reversed, then rewritten."""
    snapshots = tuple(snapshots)
    renderer = OpRenderer(dialect, domains_of(plan, snapshots))
    ends = tuple(snapshots)
    source, target = ends if len(ends) == 2 else (None, None)
    back = _with_own_findings(plan.reverse())
    if rewrite is not None and source is not None:
        plan, back = rewrite(plan, source), rewrite(back, target)
    upgrade = _body(plan, renderer, with_findings=True, before=source)
    downgrade = _body(back, renderer, with_findings=True, before=target)
    return RenderedRevision(upgrade=upgrade, downgrade=downgrade, summary=summary(plan),
                            imports=sorted(renderer.imports))


def _costs(plan: Plan, dialect: str, before: Snapshot | None) -> list:
    """Per operation, what it costs a live server (not SQLite: one process's file, where a
    REVIEW on every rebuild would be noise; `plan` still shows it)."""
    if before is None or not plan.operations or dialect == "sqlite":
        return []
    from still.lint import costs

    return costs(plan.operations, before, dialect)


def _with_own_findings(reverse: Plan) -> Plan:
    """A downgrade gets the findings its own column changes call for: the reverse of a
    widening narrows, and is marked as an upgrade that narrows is."""
    from still.diff.tables import alter_findings

    found = [f for op in reverse.operations if op.op == "alter_column"
             for f in alter_findings(op.schema_name, op.table_name, op)]
    found += [_value_removed(op) for op in reverse.operations if op.op == "replace_enum" and op.destructive]
    return reverse.model_copy(update={"findings": tuple(found)}) if found else reverse


def _value_removed(op) -> Finding:
    """The downgrade of an added enum value: PostgreSQL cannot drop a value, so the type is
    recreated without it (its columns rewritten), and rows holding it make that fail."""
    removed = [v for v in op.old_values if v not in op.new_values]
    return Finding.of(Code.ENUM_VALUE_REMOVED,
                      f"enum {op.schema_name}.{op.enum_name} loses value(s) {', '.join(removed)}: PostgreSQL cannot "
                      f"drop an enum value, so the type is recreated and its columns rewritten; rows holding "
                      f"them make the downgrade fail: update those rows first", op.schema_name)


def domains_of(plan: Plan, snapshots: Iterable[Snapshot]) -> dict:
    """(schema, name) -> Domain, from the plan's domain operations and the snapshots."""
    found: dict = {}
    for op in plan.operations:
        for domain in (getattr(op, "domain", None), getattr(op, "old", None), getattr(op, "new", None)):
            if isinstance(domain, Domain):
                found.setdefault((op.schema_name, domain.name), domain)
    for snap in snapshots:
        for schema in snap.schemas.values():
            for domain in schema.domains.values():
                found.setdefault((schema.name, domain.name), domain)
    return found


def function_body(body: str) -> str:
    """A rendered body as `write_revision(upgrade_body=...)` takes it: the writer indents
    every line but the first like its placeholder."""
    return textwrap.dedent(body)

