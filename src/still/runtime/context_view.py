"""What `op.get_context()` returns: the migration context of the running revision, with
the attributes Alembic's MigrationContext has that revision bodies read."""

from __future__ import annotations

from typing import Optional


class MigrationContext:
    def __init__(self, executor):
        self._ex = executor

    @property
    def dialect(self):
        return self._ex.dialect

    @property
    def as_sql(self) -> bool:
        return self._ex.offline

    @property
    def bind(self):
        """The connection online; offline (--sql) one that writes what it is given."""
        return self._ex.connection()

    connection = bind

    @property
    def version_table(self) -> str:
        cfg = getattr(self._ex, "cfg", None)
        return cfg.version_table if cfg is not None else "still_version"

    @property
    def version_table_schema(self) -> Optional[str]:
        cfg = getattr(self._ex, "cfg", None)
        return cfg.version_table_schema if cfg is not None else None

    @property
    def opts(self) -> dict:
        return {"as_sql": self.as_sql, "literal_binds": self.as_sql, "transactional_ddl": self._ex.transactional_ddl,
                "version_table": self.version_table, "version_table_schema": self.version_table_schema,
                "tag": self._ex.tag, "x_arguments": dict(self._ex.x)}

    def autocommit_block(self):
        return self._ex.autocommit_block()

    def execute(self, sql, execution_options=None) -> None:
        self._ex.execute(sql, execution_options)

    def in_transaction(self) -> bool:
        return not self._ex.in_autocommit
