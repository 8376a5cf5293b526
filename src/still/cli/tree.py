"""A Snapshot as a rich Tree: schemas, tables, columns, keys, constraints and indexes."""

from __future__ import annotations

from rich.markup import escape
from rich.tree import Tree

from still.cli.settings import plural

from still import snapshot as s
from still.ops.ddl.sa_build import key_sql


def _column(col: s.Column, pk: set[str]) -> str:
    parts = [f"[bold]{escape(col.name)}[/] [cyan]{escape(col.type)}[/]"]
    if col.name in pk:
        parts.append("[yellow]PK[/]")
    if not col.nullable:
        parts.append("NOT NULL")
    if col.autoincrement:
        parts.append("[magenta]autoincrement[/]")
    if col.identity:
        parts.append(f"[magenta]identity {'always' if col.identity.always else 'by default'}[/]")
    if col.default is not None:
        parts.append(f"default [green]{escape(col.default)}[/]")
    if col.computed:
        kind = "stored" if col.computed.persisted else "virtual"
        parts.append(f"generated [green]{escape(col.computed.expression)}[/] {kind}")
    if col.collation:
        parts.append(f"collate {escape(col.collation)}")
    if col.comment:
        parts.append(f"[dim]-- {escape(col.comment)}[/]")
    return " ".join(parts)


def _index(ix: s.Index) -> str:
    keys = []
    for el in ix.elements:
        key = escape(el.column or f"({el.expression})")
        if el.opclass:
            key += f" {escape(el.opclass)}"
        if el.descending:
            key += " DESC"
        if el.nulls:
            key += f" NULLS {el.nulls.upper()}"
        keys.append(key)
    text = f"{'unique ' if ix.unique else ''}index [bold]{escape(ix.name)}[/] ({', '.join(keys)})"
    if ix.method:
        text += f" using {ix.method}"
    if ix.include:
        text += f" include ({', '.join(map(escape, ix.include))})"
    if ix.where:
        text += f" where {escape(ix.where)}"
    return text


def _table(table: s.Table, node: Tree) -> None:
    pk = set(table.primary_key.columns) if table.primary_key else set()
    for col in table.columns:
        node.add(_column(col, pk))
    if table.primary_key:
        node.add(f"[yellow]primary key[/] {escape(table.primary_key.name or '')} "
                 f"({', '.join(table.primary_key.columns)}){_deferrable(table.primary_key)}")
    for fk in table.foreign_keys:
        opts = "".join(f" {label} {v}" for label, v in (("on delete", fk.ondelete), ("on update", fk.onupdate)) if v)
        opts += _deferrable(fk)
        node.add(f"[blue]foreign key[/] {escape(fk.name or '')} ({', '.join(fk.columns)}) → "
                 f"{fk.referred_schema}.{fk.referred_table}({', '.join(fk.referred_columns)}){opts}")
    for uq in table.unique_constraints:
        node.add(f"[blue]unique[/] {escape(uq.name or '')} ({', '.join(uq.columns)}){_deferrable(uq)}")
    for ck in table.check_constraints:
        node.add(f"[blue]check[/] {escape(ck.name or '')} ({escape(ck.expression)})")
    for ex in table.exclude_constraints:
        keys = ", ".join(f"{escape(key_sql(e))} WITH {escape(e.operator)}" for e in ex.elements)
        where = f" WHERE {escape(ex.where)}" if ex.where else ""
        node.add(f"[blue]exclude[/] {escape(ex.name or '')} using {ex.method} ({keys}){where}{_deferrable(ex)}")
    for ix in table.indexes:
        node.add(_index(ix))


def _deferrable(cons) -> str:
    return f" deferrable initially {cons.initially or 'IMMEDIATE'}" if cons.deferrable else ""


def snapshot_tree(snap: s.Snapshot) -> Tree:
    root = Tree(f"[bold]{snap.dialect}[/] database")
    for schema in snap.schemas.values():
        snode = root.add(f"schema [bold]{escape(schema.name)}[/] ({plural(len(schema.tables), 'table')})")
        for enum in schema.enums.values():
            snode.add(f"[magenta]enum[/] {escape(enum.name)} ({', '.join(map(escape, enum.values))})")
        for seq in schema.sequences.values():
            snode.add(f"[magenta]sequence[/] {escape(seq.name)} start {seq.start} increment {seq.increment}")
        for table in schema.tables.values():
            label = f"table [bold green]{escape(table.name)}[/]"
            if table.comment:
                label += f" [dim]-- {escape(table.comment)}[/]"
            _table(table, snode.add(label))
    return root
