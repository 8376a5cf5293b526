"""Rows for the round trips: every table of a generated schema (tests/properties) filled with
rows that keep its constraints, and what a plan must do with them.

`fill(url, spec)` inserts up to two rows per table (the second with NULL in every nullable
column of every other table, so that a column made NOT NULL meets a NULL) and returns what
the database holds. `kept(spec_a, spec_b)` pairs each column of A with the column of B that
carries its values (a declared rename of the table or the column followed), where the type
stays in its kind, so the values must read back equal (`same_values`).
"""

from __future__ import annotations

import datetime
import decimal
import math
import uuid
from typing import Optional

import sqlalchemy as sa

from tests.properties.strategies import ENUM_TYPES, KINDRED, TableSpec, build

ROWS = 2


def _value(type_key: str, i: int):
    """The i-th value of a type: distinct for each i, inside every generated CHECK (>= 0)."""
    n = i + 1  # an integer column holds the row's id: a foreign key added later finds its row
    if type_key in ("int", "bigint", "smallint", "dom_int", "my_unsigned"):
        return n
    if type_key in ("str20", "str50", "str20c", "text", "dom_str", "my_text100"):
        return f"v{i}"
    if type_key in ("bool", "my_bool"):
        return i == 0
    if type_key == "date":
        return datetime.date(2020, 1, n)
    if type_key in ("datetime", "my_datetime"):
        return datetime.datetime(2020, 1, 2, 3, 4, 5 + i)
    if type_key == "time":
        return datetime.time(1, 2, 3 + i)
    if type_key == "interval":
        return datetime.timedelta(hours=n)
    if type_key in ("uuid", "my_uuid"):
        return uuid.UUID(int=n)
    if type_key == "json":
        return {"k": i}
    if type_key in ("numeric", "numeric52", "numeric124"):
        return decimal.Decimal(f"{n}.25")
    if type_key in ("float", "real", "double"):
        return 0.5 + n
    if type_key == "text[]":
        return [f"v{i}"]
    if type_key == "int[]":
        return [n]
    if type_key == "my_enum":
        return "abc"[i]
    if type_key == "my_blob300":
        return f"b{i}".encode()
    raise AssertionError(f"no rows for type {type_key!r}: tests/rows.py must learn it")


def _keyed(t: TableSpec, col: str) -> bool:
    """Whether rows must differ in `col` (a UNIQUE or an EXCLUDE of `=` covers it)."""
    return (any(col in u for u in t.uniques) or col == t.twin_unique
            or any(key is not None and key[0] == col for key in (t.exclude, t.deferred)))


def _column_values(t: TableSpec, c, count: int) -> Optional[list]:
    """The values of column `c` for `count` rows, or None when the rows cannot have any."""
    if c.type in ENUM_TYPES:
        allowed = [v for v in t.enum if not (t.enum_check and c.type == "enum" and v == t.enum[0])]
        if c.type == "enum[]":  # arrays of the enum differ by length
            return [[allowed[0] if allowed else t.enum[0]] * (i + 1) for i in range(count)]
        values: list = [allowed[i % len(allowed)] if allowed else None for i in range(count)]
        if _keyed(t, c.name) and len(allowed) < count:
            values = [allowed[i] if i < len(allowed) else None for i in range(count)]
    else:
        values = [_value(c.type, i) for i in range(count)]
    if None in values and not c.nullable:
        return None
    return values


def rows_for(spec: list[TableSpec]) -> dict[str, list[dict]]:
    """Rows for every table of `spec`, parents first (a foreign key refers to an earlier
    table or its own), each row inside the table's constraints."""
    out: dict[str, list[dict]] = {}
    for index, t in enumerate(spec):
        for count in range(ROWS, 0, -1):
            rows = _rows(t, count, index % 2 == 1, out)
            if rows is not None:
                break
        out[t.name] = rows or []
    return out


def _rows(t: TableSpec, count: int, nulls: bool, done: dict) -> Optional[list[dict]]:
    rows = [{"id": i + 1} for i in range(count)]
    targets = dict(t.fks)
    for c in t.columns:
        values = _column_values(t, c, count)
        if values is None:
            return None
        for i, row in enumerate(rows):
            value = values[i]
            if c.name in targets:  # the parent row of the same id, if it has one
                parent = count if targets[c.name] == t.name else len(done[targets[c.name]])
                value = value if value is not None and value <= parent else None
            if nulls and i == 1 and c.nullable:
                value = None
            if value is None and not c.nullable:
                return None
            row[c.name] = value
    return rows


def fill(url: str, spec: list[TableSpec]) -> dict[str, list[tuple]]:
    """Insert `rows_for(spec)` into a database made by create_all(build(spec)); return what
    it holds (`read`)."""
    md = build(spec)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for name, rows in rows_for(spec).items():
                for row in rows:  # one by one: MySQL checks a foreign key per row
                    conn.execute(md.tables[name].insert(), row)
    finally:
        engine.dispose()
    return read(url, {t.name: ["id", *(c.name for c in t.columns)] for t in spec})


def read(url: str, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Each table's rows as the driver gives them, by id, in the columns named."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    out = {}
    try:
        with engine.connect() as conn:
            quote = conn.dialect.identifier_preparer.quote
            for table, cols in columns.items():
                listed = ", ".join(quote(c) for c in cols)
                out[table] = [tuple(r) for r in conn.exec_driver_sql(
                    f"SELECT {listed} FROM {quote(table)} ORDER BY {quote('id')}")]
    finally:
        engine.dispose()
    return out


def _same_kind(a: str, b: str) -> bool:
    return a == b or any(a in kin and b in kin for kin in KINDRED)


def kept(spec_a: list[TableSpec], spec_b: list[TableSpec]) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """A's table name -> (its name in B, [(column in A, column in B)]) for the columns whose
    values B keeps: the same column (or declared rename) in a type of the same kind."""
    out = {}
    for tb in spec_b:
        ta = next((t for t in spec_a if t.name == (tb.renamed_from or tb.name)), None)
        if ta is None:
            continue
        by_name = {c.name: c for c in ta.columns}
        pairs = [("id", "id")]
        for cb in tb.columns:
            ca = by_name.get(cb.renamed_from or cb.name)
            if ca is not None and _same_kind(ca.type, cb.type):
                pairs.append((ca.name, cb.name))
        out[ta.name] = (tb.name, pairs)
    return out


def same_value(a, b) -> bool:
    """A value and the value it became in a type of the same kind: 5 and 5, 1.25 and
    1.2500, 'v0' and 'v0' (CHAR pads are not generated), 1.5 as real and as double."""
    if a == b:
        return True
    if isinstance(a, (int, float, decimal.Decimal)) and isinstance(b, (int, float, decimal.Decimal)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        if isinstance(a, float) and math.isnan(a):
            return False
        return decimal.Decimal(str(a)) == decimal.Decimal(str(b))
    return False


# what a finding must say for a run over rows to fail: data the change cannot keep or place
DATA_CODES = {"not-null-needs-backfill", "type-narrowing", "type-change", "enum-value-removed",
              "domain-type-changed", "domain-check-blocked", "rows-break-constraint"}


def run_over_rows(engine, plan, before, findings) -> bool:
    """Run `plan` on a database at `before` holding rows: True when it ran; False when it
    failed, which it may only do when `findings` (the plan's, and what the rows there say,
    still.lint.rows) name a change the data may not survive — and then, where DDL is
    transactional, nothing has changed."""
    from still.errors import StillError
    from still.lint.rows import row_findings
    from still.ops.ddl import execute_plan

    with engine.connect() as conn:
        said = [*findings, *row_findings(conn, plan.operations, before)]
    url = engine.url.render_as_string(hide_password=False)
    tables = {t.name: [c.name for c in t.columns] for _, t in before.all_tables()}
    held = read(url, tables)
    try:
        with engine.begin() as conn:
            execute_plan(plan, before, conn)
    except (StillError, sa.exc.DBAPIError) as err:
        predicted = [f for f in said if f.code.value in DATA_CODES]
        assert predicted, f"the run failed over rows with no finding saying why: {err}"
        if engine.dialect.name != "mysql":  # MySQL commits each DDL statement
            assert read(url, tables) == held, "a failed run changed rows"
        return False
    return True


def assert_kept(url: str, held: dict, spec_a, spec_b, back: bool = False) -> None:
    """Every row of A is there with its values in the columns B keeps (`back`: after the
    way back, under A's names again)."""
    pairs = kept(spec_a, spec_b)
    names = {t.name: ["id", *(c.name for c in t.columns)] for t in spec_a}
    now = read(url, {(ta if back else tb): [ca if back else cb for ca, cb in cols]
                     for ta, (tb, cols) in pairs.items()})
    for ta, (tb, cols) in pairs.items():
        where = [names[ta].index(ca) for ca, _ in cols]
        was = [tuple(row[i] for i in where) for row in held[ta]]
        got = now[ta if back else tb]
        assert len(got) == len(was), f"table {ta}: {len(was)} rows, {len(got)} after"
        for old, new in zip(was, got):
            bad = [(c, a, b) for (c, _), a, b in zip(cols, old, new) if not same_value(a, b)]
            assert not bad, f"table {ta}: values changed {bad}"


def empty(url: str, spare=("still_version", "still_version_log")) -> None:
    """Delete every row of every table but `spare` (foreign keys set aside while it does)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            names = [n for n in sa.inspect(conn).get_table_names() if n not in spare]
            quote = conn.dialect.identifier_preparer.quote
            if conn.dialect.name == "postgresql":
                if names:
                    conn.exec_driver_sql(f"TRUNCATE {', '.join(map(quote, names))}")
            else:
                off, on = (("SET FOREIGN_KEY_CHECKS=0", "SET FOREIGN_KEY_CHECKS=1") if conn.dialect.name == "mysql"
                           else ("PRAGMA foreign_keys=OFF", "PRAGMA foreign_keys=ON"))
                conn.exec_driver_sql(off)
                for name in names:
                    conn.exec_driver_sql(f"DELETE FROM {quote(name)}")
                conn.exec_driver_sql(on)
            conn.commit()
    finally:
        engine.dispose()
