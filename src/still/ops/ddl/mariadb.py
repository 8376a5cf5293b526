"""`mariadb://` URLs: the MySQL DDL (ops/ddl/mysql.py)."""

from still.ops.ddl.mysql import TRANSACTIONAL_DDL, plan_statements, statements  # noqa: F401
