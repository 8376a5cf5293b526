"""`${VAR}` in configuration values: taken from the environment, `$$` a literal `$`."""

from __future__ import annotations

import re
from typing import Any, Mapping

from still.errors import StillError

_DOLLAR = re.compile(r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)\}|(\{[^}]*\}?))")


def interpolate(text: str, environ: Mapping[str, str]) -> str:
    """`text` with `${VAR}` replaced from `environ` and `$$` made a literal `$`.

    A `$` followed by anything else stays as it is (`$` is common in passwords). Raises
    KeyError(VAR) for an unset variable and ValueError for a malformed `${...}`.
    """
    def replace(match: re.Match) -> str:
        if match.group(1):
            return "$"
        if match.group(2):
            variable = match.group(2)
            if variable not in environ:
                raise KeyError(variable)
            return environ[variable]
        raise ValueError(f"${match.group(3)}")

    return _DOLLAR.sub(replace, text)


def interpolate_value(value: Any, key: str, shown: str, environ: Mapping[str, str]) -> Any:
    if isinstance(value, list):
        return [interpolate_value(item, key, shown, environ) for item in value]
    if not isinstance(value, str):
        return value
    try:
        return interpolate(value, environ)
    except KeyError as err:
        raise StillError(f"{shown}: key {key!r} uses ${{{err.args[0]}}}, which is not set") from None
    except ValueError as err:
        raise StillError(
            f"{shown}: key {key!r} has a malformed {err.args[0]}: write ${{NAME}} for a variable or $$ for a literal $"
        ) from None
