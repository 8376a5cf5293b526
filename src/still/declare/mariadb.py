"""`mariadb://` URLs: the MySQL rules (declare/mysql.py)."""

from still.declare.mysql import Rules  # noqa: F401
