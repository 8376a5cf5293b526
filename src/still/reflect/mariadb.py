"""`mariadb://` URLs: SQLAlchemy's MariaDB dialect is MySQL's, under its own name."""

from still.reflect.mysql import equivalent_types, reflect  # noqa: F401
