"""The version table: one row per current head, `version_num varchar(32) primary key`.

The same SQL text serves online runs and offline scripts, so what `--sql` writes is
exactly what an online run executes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from still.revisions.ids import VERSION_NUM_LENGTH  # defined with the ids it bounds


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def qualified(dialect, schema: Optional[str], name: str) -> str:
    """A table's name quoted for `dialect`, with its schema when it has one."""
    q = dialect.identifier_preparer
    return f"{q.quote_schema(schema)}.{q.quote(name)}" if schema else q.quote(name)


@dataclass(frozen=True)
class VersionTable:
    name: str = "still_version"
    schema: Optional[str] = None

    def qualified(self, dialect) -> str:
        return qualified(dialect, self.schema, self.name)

    def create_sql(self, dialect) -> str:
        constraint = dialect.identifier_preparer.quote(f"{self.name}_pkc")
        return (f"CREATE TABLE {self.qualified(dialect)} (\n    version_num VARCHAR({VERSION_NUM_LENGTH}) NOT NULL,\n"
                f"    CONSTRAINT {constraint} PRIMARY KEY (version_num)\n)")

    def exists(self, connection) -> bool:
        import sqlalchemy as sa

        return sa.inspect(connection).has_table(self.name, schema=self.schema)

    def ensure(self, connection) -> bool:
        """Create the table when missing; True when it was created."""
        if self.exists(connection):
            return False
        connection.exec_driver_sql(self.create_sql(connection.dialect))
        return True

    def heads(self, connection) -> tuple[str, ...]:
        """The revisions the database is at (empty when the table does not exist)."""
        if not self.exists(connection):
            return ()
        rows = connection.exec_driver_sql(f"SELECT version_num FROM {self.qualified(connection.dialect)}")
        return tuple(sorted(row[0] for row in rows))

    def change_sql(self, dialect, delete: tuple[str, ...], insert: tuple[str, ...]) -> list[str]:
        """Statements that remove the `delete` rows and add the `insert` rows; one UPDATE
        when a single head moves, as it does on a straight line of revisions."""
        table = self.qualified(dialect)
        if len(delete) == 1 and len(insert) == 1:
            return [f"UPDATE {table} SET version_num={_literal(insert[0])} "
                    f"WHERE {table}.version_num = {_literal(delete[0])}"]
        out = [f"DELETE FROM {table} WHERE {table}.version_num = {_literal(rev)}" for rev in delete]
        out += [f"INSERT INTO {table} (version_num) VALUES ({_literal(rev)})" for rev in insert]
        return out

    def apply(self, connection, delete: tuple[str, ...], insert: tuple[str, ...]) -> None:
        from still.errors import StillError

        for sql in self.change_sql(connection.dialect, delete, insert):
            result = connection.exec_driver_sql(sql)
            if sql.startswith(("UPDATE", "DELETE")) and result.rowcount != 1:
                raise StillError(f"the version table {self.name} does not hold the expected revision "
                                 f"({', '.join(delete)}); someone changed it meanwhile: check 'still current'")
