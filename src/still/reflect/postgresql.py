"""Live PostgreSQL database -> Snapshot, straight from `pg_catalog`.

Reflection runs a fixed number of catalog queries whatever the number of tables: one
for the schemas, then one per object kind across all of them (tables, columns,
constraints, indexes, enums, domains, sequences). Each kind has its own module
(`postgresql_<kind>.py`) holding its SQL and the conversion of its rows; this module
only runs them in order and assembles the snapshot.
"""

from __future__ import annotations

from typing import Iterable, Optional

from sqlalchemy.engine import Connection

from still import snapshot as s
from still.reflect import postgresql_columns as columns_
from still.reflect import postgresql_constraints as constraints_
from still.reflect import postgresql_domains as domains_
from still.reflect import postgresql_enums as enums_
from still.reflect import postgresql_indexes as indexes_
from still.reflect import postgresql_schemas as schemas_
from still.reflect import postgresql_sequences as sequences_



def reflect(connection: Connection, schemas: Optional[Iterable[str]] = None) -> s.Snapshot:
    wanted, path = schemas_.read_schemas(connection, schemas)
    scope = schemas_.Scope(connection, wanted)
    with schemas_.public_search_path(connection, path):
        tables = schemas_.read_tables(scope)
        cols = columns_.read_columns(scope, {table.oid: table.name for table in tables})
        cons = constraints_.read_constraints(scope, cols.names)
        idxs = indexes_.read_indexes(scope, cols.names)
        enums = enums_.read_enums(scope)
        domains = domains_.read_domains(scope)
        sequences = sequences_.read_sequences(scope, exclude=cols.owned_sequences)

    by_schema: dict[str, dict[str, s.Table]] = {}
    nothing = constraints_.TableConstraints()
    no_indexes = indexes_.TableIndexes()
    for table in tables:
        found = cons.get(table.oid, nothing)
        indexed = idxs.get(table.oid, no_indexes)
        by_schema.setdefault(table.schema, {})[table.name] = s.Table(
            name=table.name,
            columns=tuple(cols.columns.get(table.oid, ())),
            primary_key=found.primary_key,
            foreign_keys=tuple(found.foreign_keys),
            unique_constraints=tuple(found.unique_constraints),
            check_constraints=tuple(found.check_constraints),
            exclude_constraints=tuple(indexed.exclude_constraints),
            indexes=tuple(indexed.indexes),
            comment=table.comment,
        )
    # A schema appears in the snapshot when it holds something, as in a declared one.
    names = set(by_schema) | set(enums) | set(domains) | set(sequences)
    return s.Snapshot(
        dialect="postgresql",
        default_schema=schemas_.DEFAULT_SCHEMA,
        schemas={
            name: s.Schema(name=name, tables=by_schema.get(name, {}),
                           enums=enums.get(name, {}), domains=domains.get(name, {}),
                           sequences=sequences.get(name, {}))
            for name in names
        },
    )
