"""The one error type users see: a message that fits on one line, with what to do next."""


class StillError(Exception):
    """An expected failure (bad input, unreachable database, ...): exit code 2, no traceback."""

    exit_code = 2
