"""Reflection of standalone PostgreSQL sequences, and the defaults that decide which
sequence options a snapshot spells out (shared with the declaring side)."""

from __future__ import annotations


from still import snapshot as s
from still.reflect.postgresql_schemas import Scope

SEQUENCES_SQL = """
SELECT c.oid, n.nspname, c.relname, pg_catalog.format_type(sq.seqtypid, NULL),
       sq.seqstart, sq.seqincrement, sq.seqmin, sq.seqmax, sq.seqcache, sq.seqcycle
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = c.oid
WHERE c.relkind = 'S'
  AND c.relnamespace = ANY (CAST(:nsp AS pg_catalog.oid[]))
  AND NOT c.oid = ANY (CAST(:owned AS pg_catalog.oid[]))
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend e
      WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
        AND e.objid = c.oid AND e.deptype IN ('e', 'i'))
"""

TYPE_BOUNDS = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def default_bounds(type_name: str, increment: int) -> tuple[int, int]:
    """PostgreSQL's MINVALUE/MAXVALUE when none is given, for a sequence of that type."""
    low, high = TYPE_BOUNDS.get(type_name, TYPE_BOUNDS["bigint"])
    return (1, high) if increment > 0 else (low, -1)


def sequence_options(type_name: str, start: int, increment: int, minvalue: int,
                     maxvalue: int, cache: int) -> dict:
    """Options as the snapshot keeps them: a bound is None when it is the type's default."""
    low, high = default_bounds(type_name, increment)
    return dict(
        start=start,
        increment=increment,
        minvalue=None if minvalue == low else minvalue,
        maxvalue=None if maxvalue == high else maxvalue,
        cache=cache,
    )


def read_sequences(scope: Scope, exclude: set[int]) -> dict[str, dict[str, s.Sequence]]:
    """Sequences that stand alone: not behind an identity column (an internal dependency)
    and not the SERIAL sequence of a column (`exclude`, found while reading columns)."""
    out: dict[str, dict[str, s.Sequence]] = {}
    rows = scope.rows(SEQUENCES_SQL, owned="{" + ",".join(str(oid) for oid in exclude) + "}")
    for oid, schema, name, type_name, start, inc, low, high, cache, cycle in rows:
        out.setdefault(schema, {})[name] = s.Sequence(
            name=name, cycle=cycle,
            **sequence_options(type_name, start, inc, low, high, cache))
    return out
