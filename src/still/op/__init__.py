"""The operations revision files call: `from still import op`.

Signatures follow Alembic's `op` so existing revision bodies run unchanged. Each call
builds a typed, reversible `still.ops` operation (using the current snapshot for what
it replaces or drops) and hands it to the executor of the running migration, which
runs it on the database or writes it to the offline script. One module per kind of
thing; this package only gathers them.
"""

from __future__ import annotations

from still.op.batch import BatchOperations, batch_alter_table
from still.op.columns import add_column, alter_column, drop_column
from still.op.constraints import (
                                  create_check_constraint,
                                  create_foreign_key,
                                  create_primary_key,
                                  create_unique_constraint,
                                  drop_constraint,
                                  rename_constraint,
                                  validate_constraint,
)
from still.op.data import (
                                  autocommit_block,
                                  bulk_insert,
                                  execute,
                                  f,
                                  get_bind,
                                  get_context,
                                  get_tag_argument,
                                  get_x_argument,
                                  inline_literal,
                                  is_offline_mode,
)
from still.op.indexes import create_index, drop_index, rename_index
from still.op.postgresql import create_exclude_constraint
from still.op.tables import (
                                  alter_table_options,
                                  create_table,
                                  create_table_comment,
                                  drop_table,
                                  drop_table_comment,
                                  rename_table,
)
from still.op.types import (
                                  add_enum_value,
                                  alter_domain,
                                  alter_sequence,
                                  create_domain,
                                  create_enum,
                                  create_schema,
                                  create_sequence,
                                  drop_domain,
                                  drop_enum,
                                  drop_schema,
                                  drop_sequence,
                                  rename_sequence,
                                  replace_enum,
)

__all__ = [
    "BatchOperations", "add_column", "add_enum_value", "alter_column", "alter_domain", "alter_sequence",
    "alter_table_options", "autocommit_block", "batch_alter_table", "bulk_insert", "create_check_constraint",
    "create_domain", "create_enum", "create_exclude_constraint", "create_foreign_key", "create_index",
    "create_primary_key", "create_schema", "create_sequence", "create_table", "create_table_comment",
    "create_unique_constraint", "drop_column", "drop_constraint", "drop_domain", "drop_enum", "drop_index",
    "drop_schema", "drop_sequence", "drop_table", "drop_table_comment", "execute", "f", "get_bind",
    "get_context", "get_tag_argument", "get_x_argument", "inline_literal", "is_offline_mode", "rename_constraint",
    "rename_index", "rename_sequence", "rename_table", "replace_enum", "validate_constraint",
]
