"""Plans for people (rich text grouped by table), for machines (JSON) and for CI (GitHub
workflow annotations)."""

from __future__ import annotations

from still.cli.settings import plural
from still.findings import Code, Finding
from still.plan import Plan
from still.snapshot import Computed

SIGN_STYLE = {"+": "green", "-": "red", "~": "yellow"}
SEVERITY_STYLE = {"info": "blue", "warning": "yellow", "danger": "bold red"}


def _option(value) -> str:
    if isinstance(value, bool):  # SQLite's AUTOINCREMENT
        return "on" if value else "off"
    return value or "default"


def _col(col) -> str:
    text = f"{col.name} {col.type}"
    if not col.nullable:
        text += " NOT NULL"
    if col.default is not None:
        text += f" DEFAULT {col.default}"
    if col.computed is not None:
        text += f" {_generated(col.computed)}"
    return text


def _generated(computed) -> str:
    # STORED and VIRTUAL differ in what is kept on disk: a plan line shows which
    return f"GENERATED ALWAYS AS ({computed.expression}) {'STORED' if computed.persisted else 'VIRTUAL'}"


def _show(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Computed):
        return _generated(value)
    if hasattr(value, "model_dump"):
        return ", ".join(f"{k}={v}" for k, v in value.model_dump().items() if v not in (None, False))
    return str(value)


def describe(op) -> tuple[str, str]:
    """A sign (+ - ~) and a one-line description of an operation."""
    kind = op.op
    if kind == "create_schema":
        return "+", f"schema {op.schema_name}"
    if kind == "drop_schema":
        return "-", f"schema {op.schema_name}"
    if kind == "create_table":
        return "+", f"table ({', '.join(_col(c) for c in op.table.columns)})"
    if kind == "drop_table":
        return "-", "table"
    if kind == "rename_table":
        return "~", f"rename table {op.old_name} → {op.new_name}"
    if kind == "set_table_comment":
        return "~", f"comment: {_show(op.old_comment)} → {_show(op.new_comment)}"
    if kind == "set_table_options":
        changes = ", ".join(f"{key} {_option(getattr(op.old_options, key))} → "
                            f"{_option(getattr(op.new_options, key))}" for key in op.old_options.changed(op.new_options))
        return "~", f"table options: {changes}"
    if kind == "add_column":
        return "+", f"column {_col(op.column)}"
    if kind == "drop_column":
        return "-", f"column {op.column.name}"
    if kind == "alter_column":
        changes = ", ".join(f"{f} {_show(getattr(op.old, f))} → {_show(getattr(op.new, f))}" for f in op.changed())
        return "~", f"column {op.new.name}: {changes}"
    if kind == "rename_column":
        return "~", f"rename column {op.old_name} → {op.new_name}"
    if kind in ("create_index", "drop_index"):
        ix = op.index
        keys = ", ".join((e.column or f"({e.expression})") + (f" {e.opclass}" if e.opclass else "")
                         + (" DESC" if e.descending else "") for e in ix.elements)
        extra = f" WHERE {ix.where}" if ix.where else ""
        return ("+" if kind == "create_index" else "-"), f"{'unique ' if ix.unique else ''}index {ix.name} ({keys}){extra}"
    if kind in ("add_constraint", "drop_constraint"):
        c = op.constraint
        detail = getattr(c, "expression", None) or ", ".join(getattr(c, "columns", ())) or ", ".join(
            f"{e.column or e.expression} WITH {e.operator}" for e in getattr(c, "elements", ()))
        if not getattr(c, "enforced", True):
            detail += " NOT ENFORCED"
        if op.kind == "foreign_key":
            detail += f" → {c.referred_table}({', '.join(c.referred_columns)})"
        label = op.kind.replace("_", " ")
        detail += " NOT VALID" if getattr(op, "not_valid", False) else ""
        detail += f" USING INDEX {op.using_index}" if getattr(op, "using_index", None) else ""
        return ("+" if kind == "add_constraint" else "-"), f"{label} {c.name or '(unnamed)'} ({detail})"
    if kind == "validate_constraint":
        return "~", f"validate {op.kind.replace('_', ' ')} {op.constraint.name}"
    if kind == "rename_index":
        return "~", f"rename index {op.old_name} → {op.new_name}"
    if kind == "rename_constraint":
        return "~", f"rename {op.kind.replace('_', ' ')} {op.old_name} → {op.new_name}"
    if kind == "create_enum":
        return "+", f"enum {op.enum.name} ({', '.join(op.enum.values)})"
    if kind == "drop_enum":
        return "-", f"enum {op.enum.name}"
    if kind == "add_enum_value":
        return "~", f"enum {op.enum_name}: add value {op.value!r}"
    if kind == "replace_enum":
        return "~", f"enum {op.enum_name}: ({', '.join(op.old_values)}) → ({', '.join(op.new_values)})"
    if kind == "create_sequence":
        return "+", f"sequence {op.sequence.name}"
    if kind == "drop_sequence":
        return "-", f"sequence {op.sequence.name}"
    if kind == "rename_sequence":
        owner = f" (owned by column {op.column_name})" if op.column_name else ""
        return "~", f"rename sequence {op.old_name} → {op.new_name}{owner}"
    return "~", kind


def _group(op) -> str:
    table = op.target_table
    return f"table {op.schema_name}.{table}" if table else f"schema {op.schema_name}"


NO_CHANGES = "No changes: the database matches the models."


def print_plan(plan: Plan, statements: list[str] | None = None, costs=(), same: str | None = None) -> None:
    """The plan on stdout (rich text on a terminal). An empty plan printed to a file or pipe
    is one plain line: no need to load rich for it (`still check` in CI). `same` is what an
    empty plan says (default: the database matches the models)."""
    import os
    import sys

    forced = os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE")  # rich's own overrides
    if plan.empty and not plan.findings and not statements and not forced and not sys.stdout.isatty():
        print(same or NO_CHANGES)
        return
    from rich.console import Console
    from rich.markup import escape

    # not a terminal: no wrapping at all (a file, grep, a CI log keep each line whole)
    console = Console(soft_wrap=not sys.stdout.isatty())
    for f in plan.findings:
        if f.code is Code.METADATA_INCOMPLETE:  # above the drops it explains, not after them
            console.print(f"[bold red]{escape(f.message)}[/]\n")
    if plan.empty:
        console.print(f"[green]{escape(same or NO_CHANGES)}[/]")
    groups: dict[str, list] = {}  # by table, in order of first appearance; plan order inside
    costs = list(costs) or [None] * len(plan.operations)
    for op, cost in zip(plan.operations, costs):
        groups.setdefault(_group(op), []).append((op, cost))
    for group, group_ops in groups.items():
        console.print(f"\n[bold]{escape(group)}[/]")
        for op, cost in group_ops:
            sign, text = describe(op)
            console.print(f"  [{SIGN_STYLE[sign]}]{sign} {escape(text)}[/]")
            if cost is not None and cost.lock != "none":
                style = "yellow" if cost.matters else "dim"
                console.print(f"      [{style}]lock: {escape(cost.text())}[/]")
    if plan.findings:
        console.print("\n[bold]Findings[/]")
        for f in plan.findings:
            console.print(f"  [{SEVERITY_STYLE[f.severity]}]{f.severity:<7}[/] {f.code.value}: {escape(f.message)}")
    if statements:
        console.print("\n[bold]SQL[/]")
        for sql in statements:
            console.print(escape(sql.strip() + ";"), highlight=False, soft_wrap=True)
    if not plan.empty:
        counts = {s: sum(1 for op in plan.operations if describe(op)[0] == s) for s in "+~-"}
        console.print(f"\n{plural(len(plan.operations), 'operation')}: {counts['+']} to add, {counts['~']} to change, "
                      f"{counts['-']} to drop; {plural(len(plan.findings), 'finding')}")


def github_annotations(plan: Plan) -> list[str]:
    """GitHub Actions workflow commands: one error per drifting operation, findings by severity."""
    level = {"danger": "error", "warning": "warning", "info": "notice"}

    def clean(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    lines = []
    for op in plan.operations:
        sign, text = describe(op)
        lines.append(f"::error title=still drift ({_group(op)})::{clean(f'{sign} {text}')}")
    for f in plan.findings:
        lines.append(f"::{level[f.severity]} title={f.code.value}::{clean(f.message)}")
    return lines


def fails(plan: Plan, fail_on: str | None) -> bool:
    return not plan.empty or (fail_on is not None and any(f.at_least(fail_on) for f in plan.findings))


__all__ = ["plural", "print_plan", "github_annotations", "describe", "fails", "Finding"]
