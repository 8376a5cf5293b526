"""`mariadb://` URLs: the MySQL DDL (ops/ddl/mysql.py)."""

from still.ops.ddl.mysql import (TRANSACTIONAL_DDL, foreign_key_index_rename, plan_statements,  # noqa: F401
                                 server_side, statements)
