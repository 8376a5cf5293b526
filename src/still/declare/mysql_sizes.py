"""The TEXT or BLOB type MySQL and MariaDB store for a length given to one.

`TEXT(1000)` and `BLOB(1000)` are not kept as written: the server makes the column the
smallest of TINY/-/MEDIUM/LONG that holds that many characters of the column's character
set (MariaDB's TEXT and BLOB pages; SQLAlchemy's `Text(n)`, `UnicodeText(n)` and
`LargeBinary(n)` send such a length). Characters are counted at their character set's
widest: 1,000 utf8mb4 characters take up to 4,000 bytes, so `text`, while 255 latin1
characters fit a `tinytext`. A TEXT of the `binary` character set is a BLOB.
"""

from __future__ import annotations

from typing import Optional

# the widest character of each character set that has one of more than a byte (MariaDB's
# information_schema.CHARACTER_SETS.MAXLEN); every other character set has single bytes
WIDEST = {"utf8mb4": 4, "utf8mb3": 3, "utf8": 3, "utf16": 4, "utf16le": 4, "utf32": 4, "ucs2": 2,
          "big5": 2, "gbk": 2, "gb2312": 2, "sjis": 2, "cp932": 2, "euckr": 2, "ujis": 3,
          "eucjpms": 3, "gb18030": 4}
# (largest length in bytes, prefix) from the smallest type up: TINY holds 2^8 - 1 bytes...
_SIZES = ((255, "tiny"), (65535, ""), (16777215, "medium"))


def sized(type_: str) -> bool:
    """Whether `type_` (canonical) is a TEXT or BLOB with a length the server resolves."""
    return type_.startswith(("text(", "blob(")) and type_.endswith(")")


def stored_type(type_: str, charset: Optional[str]) -> str:
    """The type the server stores for `text(n)`/`blob(n)` in `charset` (None: a BLOB's,
    which has none)."""
    base, _, rest = type_.partition("(")
    length = int(rest[:-1])
    if base == "text" and charset == "binary":
        base = "blob"
    width = 1 if base == "blob" else WIDEST.get(charset or "", 1)
    octets = length * width
    prefix = next((name for top, name in _SIZES if octets <= top), "long")
    return prefix + base
