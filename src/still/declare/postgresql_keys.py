"""How PostgreSQL stores three things of keys that SQLAlchemy sends it: operator classes
(`postgresql_ops` on an Index, `ops` on an ExcludeConstraint), EXCLUDE constraints, and
DEFERRABLE / INITIALLY on primary keys, unique constraints, foreign keys and EXCLUDE."""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

from still import snapshot as s
from still.declare.as_created import exclude_elements
from still.sqlkeys import called_function, split_opclass

# The operator classes PostgreSQL uses for a type when none is named, per access method
# (`opcdefault` in pg_opclass of PostgreSQL 15): pg_get_indexdef, and so reflection, leaves
# such a class out, so a model that names one explicitly means no operator class at all.
# Default classes of extensions (btree_gist's gist_int4_ops, ...) are not listed: a model
# naming one of those shows as a change.
DEFAULT_OPCLASSES = {
    "brin": frozenset("""
        bit_minmax_ops box_inclusion_ops bpchar_minmax_ops bytea_minmax_ops
        char_minmax_ops date_minmax_ops float4_minmax_ops float8_minmax_ops
        inet_inclusion_ops int2_minmax_ops int4_minmax_ops int8_minmax_ops
        interval_minmax_ops macaddr8_minmax_ops macaddr_minmax_ops name_minmax_ops
        numeric_minmax_ops oid_minmax_ops pg_lsn_minmax_ops range_inclusion_ops
        text_minmax_ops tid_minmax_ops time_minmax_ops timestamp_minmax_ops
        timestamptz_minmax_ops timetz_minmax_ops uuid_minmax_ops varbit_minmax_ops """.split()),
    "btree": frozenset("""
        array_ops bit_ops bool_ops bpchar_ops bytea_ops char_ops date_ops enum_ops
        float4_ops float8_ops inet_ops int2_ops int4_ops int8_ops interval_ops jsonb_ops
        macaddr8_ops macaddr_ops money_ops multirange_ops name_ops numeric_ops oid_ops
        oidvector_ops pg_lsn_ops range_ops record_ops text_ops tid_ops time_ops
        timestamp_ops timestamptz_ops timetz_ops tsquery_ops tsvector_ops uuid_ops
        varbit_ops xid8_ops """.split()),
    "gin": frozenset("""
        array_ops jsonb_ops tsvector_ops """.split()),
    "gist": frozenset("""
        box_ops circle_ops multirange_ops point_ops poly_ops range_ops tsquery_ops
        tsvector_ops """.split()),
    "hash": frozenset("""
        aclitem_ops array_ops bool_ops bpchar_ops bytea_ops char_ops cid_ops date_ops
        enum_ops float4_ops float8_ops inet_ops int2_ops int4_ops int8_ops interval_ops
        jsonb_ops macaddr8_ops macaddr_ops multirange_ops name_ops numeric_ops oid_ops
        oidvector_ops pg_lsn_ops range_ops record_ops text_ops tid_ops time_ops
        timestamp_ops timestamptz_ops timetz_ops uuid_ops xid8_ops xid_ops """.split()),
    "spgist": frozenset("""
        box_ops inet_ops poly_ops quad_point_ops range_ops text_ops """.split()),
}


def stored_opclass(given: Optional[str], method: Optional[str]) -> Optional[str]:
    """The operator class as reflection reports it, for what a model wrote
    (`TEXT_PATTERN_OPS`, `public.gin_trgm_ops`, `tsvector_ops (siglen = '100')`): unquoted
    names fold to lower case, the schema is not kept, parameters read `name=value`; the
    method's default class without parameters is no class at all."""
    if not given:
        return None
    name, _, params = given.strip().partition("(")
    name = name.strip()
    if name.endswith('"'):
        name = name[name.rindex('"', 0, len(name) - 1) + 1:-1]
    else:
        name = name.rsplit(".", 1)[-1].lower()
    options = []
    for option in params.rstrip().removesuffix(")").split(",") if params else ():
        key, _, value = option.partition("=")
        options.append(f"{key.strip().lower()}={value.strip().strip(chr(39))}")
    if options:
        return f"{name}({','.join(options)})"
    if name in DEFAULT_OPCLASSES.get(method or "btree", ()):
        return None
    return name


def index_keys(rules, expr, ops: Optional[dict], method: Optional[str]) -> tuple:
    """The keys one element of an index or EXCLUDE makes, with their operator classes:
    one written in a text key (`text("name gin_trgm_ops")`), or the one the compiler writes
    after the element: `ops[expr.key]`, asked of elements that have a key (a column, a
    labelled expression), never of `desc(...)` or text, exactly as SQLAlchemy's PostgreSQL
    compiler asks."""
    keys = tuple(_written_opclass(rules, k, method) for k in rules.index_keys(expr))
    key = getattr(expr, "key", None) if ops else None
    if key is None or key not in ops:
        return keys
    # the compiler writes the text after the key as it is: an ordering there (Airflow's
    # postgresql_ops={"id": "DESC"}) is the key's ordering, not a class
    text, descending, nulls = _split_ordering(ops[key])
    update: dict = {"opclass": stored_opclass(text, method)}
    if descending is not None:
        update["descending"] = descending
    if nulls is not None:
        update["nulls"] = None if nulls == ("first" if update.get("descending") else "last") else nulls
    return tuple(k.model_copy(update=update) for k in keys)


def _split_ordering(text: str) -> tuple[Optional[str], Optional[bool], Optional[str]]:
    """`text_pattern_ops DESC NULLS LAST` -> ("text_pattern_ops", True, "last")."""
    words = text.split()
    nulls = None
    if len(words) >= 2 and words[-2].upper() == "NULLS" and words[-1].upper() in ("FIRST", "LAST"):
        nulls, words = words[-1].lower(), words[:-2]
    descending = None
    if words and words[-1].upper() in ("ASC", "DESC"):
        descending, words = words[-1].upper() == "DESC", words[:-1]
    return (" ".join(words) or None), descending, nulls


def _written_opclass(rules, key: s.IndexElement, method: Optional[str]) -> s.IndexElement:
    if key.expression is None:
        return key
    body, opclass = split_opclass(key.expression)
    if opclass is None:
        return key
    plain = rules.index_keys(sa.text(body))[0]  # a bare name is a column key
    return plain.model_copy(update={"descending": key.descending, "nulls": key.nulls,
                                    "opclass": stored_opclass(opclass, method)})


def deferrability(constraint) -> tuple[bool, Optional[str]]:
    """(deferrable, initially) as pg_constraint reports them, for every kind of constraint:
    INITIALLY DEFERRED implies DEFERRABLE, and a deferrable constraint is reported with
    its initial mode, IMMEDIATE unless said otherwise."""
    initially = (constraint.initially or "").upper() or None
    deferrable = bool(constraint.deferrable) or initially == "DEFERRED"
    if not deferrable:
        return False, None
    return True, initially or "IMMEDIATE"


def exclude_constraints(rules, table, constraints: list, named) -> tuple:
    """The ExcludeConstraints of `table` as CREATE TABLE leaves them; `named` names one the
    model leaves unnamed as PostgreSQL does (`<table>_<columns>_excl`)."""
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    out = []
    for cons in constraints:
        if not isinstance(cons, ExcludeConstraint) or not rules.creates(cons):
            continue
        method = (cons.using or "gist").lower()
        elements, columns = [], []
        for expr, operator in exclude_elements(rules.dialect, cons):
            for key in index_keys(rules, expr, cons.ops, method):
                elements.append(s.ExcludeElement(**key.model_dump(), operator=operator.strip()))
                columns.append(_unique(key_column_name(key), columns))
        where = getattr(cons, "where", None)
        deferrable, initially = deferrability(cons)
        out.append(s.ExcludeConstraint(
            name=named(cons, "excl", columns), elements=tuple(elements), method=method,
            where=None if where is None else rules.expression(rules.sql(where)),
            deferrable=deferrable, initially=initially))
    return tuple(out)


def key_column_name(key: s.IndexElement) -> str:
    """The name PostgreSQL gives an index key when it names the index after its keys
    (ChooseIndexColumnNames): the column, or a called function's name, else `expr`."""
    if key.column is not None:
        return key.column
    return called_function(key.expression or "") or "expr"


def _unique(name: str, taken: list[str]) -> str:
    # a key name repeated within one index is numbered: expr, expr1, expr2
    candidate, attempt = name, 0
    while candidate in taken:
        attempt += 1
        candidate = f"{name}{attempt}"
    return candidate
