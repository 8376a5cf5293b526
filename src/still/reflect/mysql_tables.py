"""MySQL/MariaDB tables and their options, from `information_schema.TABLES`.

A table's engine and default collation are kept in the snapshot only where they differ
from what a table made without options gets: the server's `default_storage_engine` and
its database's default collation. Those defaults are read by the first query of every
reflection and remembered on the dialect (`remember_defaults`), where declare finds them,
so that `mysql_charset="utf8mb4"` on a model is no drift on a database whose default it is.
Where no reflection has told them (offline, replaying the revision files), the server's
own defaults are assumed (`defaults`).
"""

from __future__ import annotations

from typing import Optional

from still import snapshot as s
from still.reflect.mysql_types import canonical_collation

FIRST_SQL = "SELECT DATABASE(), @@default_storage_engine, @@collation_database"

TABLES_SQL = """
SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.TABLE_COLLATION, t.TABLE_COMMENT, t.ENGINE,
       d.DEFAULT_COLLATION_NAME
FROM information_schema.TABLES t
JOIN information_schema.SCHEMATA d ON d.SCHEMA_NAME = t.TABLE_SCHEMA
WHERE t.TABLE_SCHEMA IN :schemas AND t.TABLE_TYPE = 'BASE TABLE'
ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME
"""

# the server's own spelling of each engine name (ENGINE=myisam is stored as MyISAM)
ENGINES = {name.lower(): name for name in (
    "InnoDB", "MyISAM", "Aria", "MEMORY", "CSV", "ARCHIVE", "BLACKHOLE", "MRG_MyISAM",
    "FEDERATED", "CONNECT", "ROCKSDB", "S3", "SEQUENCE", "SPIDER", "COLUMNSTORE", "NDBCLUSTER")}
ENGINES["heap"] = "MEMORY"
ENGINES["merge"] = "MRG_MyISAM"

FALLBACK_ENGINE = "InnoDB"  # default_storage_engine of every MySQL >= 5.5 and MariaDB
_ATTRIBUTE = "_still_table_defaults"


def canonical_engine(name: Optional[str]) -> Optional[str]:
    return ENGINES.get(name.lower(), name) if name else None


def charset_of(collation: str) -> str:
    """The character set a collation belongs to (`utf8mb4_bin` -> `utf8mb4`)."""
    return collation.split("_", 1)[0]


def remember_defaults(dialect, engine: Optional[str], collations: dict) -> None:
    """What reflection found a table without options gets: the server's engine and, per
    snapshot schema key, the database's default collation."""
    known = dict(getattr(dialect, _ATTRIBUTE, (None, {}))[1])
    known.update({k: canonical_collation(v) for k, v in collations.items() if v})
    setattr(dialect, _ATTRIBUTE, (canonical_engine(engine) or FALLBACK_ENGINE, known))


def remembered_defaults(dialect) -> Optional[tuple[str, dict]]:
    """(engine, collations per schema key) a reflection remembered on `dialect`, or None
    (another dialect, or none read yet): what a snapshot file keeps of its server."""
    return getattr(dialect, _ATTRIBUTE, None)


def defaults(dialect, schema: str, assume: bool = True) -> tuple[str, Optional[str]]:
    """(default engine, default collation) of `schema`: as a reflection read them, else
    (`assume`) what the server's own configuration gives where nothing is set — MariaDB's
    utf8mb4_general_ci as Debian ships it (a dialect that has not met its server assumes a
    current MariaDB, as server_traits does), MySQL 8's utf8mb4_0900_ai_ci, older MySQL's
    latin1_swedish_ci — or None (`assume=False`)."""
    engine, collations = getattr(dialect, _ATTRIBUTE, (FALLBACK_ENGINE, {}))
    collation = collations.get(schema)
    if collation is None and assume:
        version = dialect.server_version_info
        if getattr(dialect, "is_mariadb", False) or version is None:
            collation = "utf8mb4_general_ci"
        else:
            collation = "utf8mb4_0900_ai_ci" if version >= (8,) else "latin1_swedish_ci"
    return engine, collation


def relative_options(engine: Optional[str], collation: Optional[str], default_engine: Optional[str],
                     default_collation: Optional[str]) -> s.TableOptions:
    """The options a snapshot keeps: those that are not the defaults."""
    engine = canonical_engine(engine)
    collation = canonical_collation(collation)
    return s.TableOptions(engine=engine if engine != canonical_engine(default_engine) else None,
                          collation=collation if collation != canonical_collation(default_collation) else None)


# text types CONVERT TO CHARACTER SET makes bigger when the new charset needs more bytes
# per character (TEXT -> MEDIUMTEXT), and JSON, which is LONGTEXT of utf8mb4_bin on MariaDB
_GROWN_BY_CONVERSION = frozenset({"tinytext", "text", "mediumtext", "json"})


def taken_by_conversion(column) -> bool:
    """Whether `ALTER TABLE ... CONVERT TO CHARACTER SET` changes more of `column` than the
    collation it follows from the table: a collation of its own, or a type it widens."""
    return column.collation is not None or column.type in _GROWN_BY_CONVERSION
