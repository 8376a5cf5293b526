"""`mariadb://` URLs: the MySQL type spellings (render/types_mysql.py); SQLAlchemy takes
the index options as mariadb_* there."""

from still.render.types_mysql import (DEFAULT_SCHEMA, EXPLICIT_AUTOINCREMENT,  # noqa: F401
                                      INDEXES_IN_CREATE_TABLE, prefix_key, render_type)

INDEX_METHOD_KEYWORD = "mariadb_prefix"
INDEX_LENGTH_KEYWORD = "mariadb_length"
