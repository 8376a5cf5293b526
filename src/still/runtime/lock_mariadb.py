"""`mariadb://` URLs: the MySQL migration lock (runtime/lock_mysql.py)."""

from still.runtime.lock_mysql import acquire  # noqa: F401
