"""The one error type users see: a message that fits on one line, with what to do next."""


class StillError(Exception):
    """An expected failure (bad input, unreachable database, ...): exit code 2, no traceback."""

    exit_code = 2


class NoSuchObject(StillError, ValueError):
    """A revision names an index or constraint the table does not have. A ValueError too, as
    Alembic's batch mode raises it ("No such constraint: ..."), which revisions catch to
    drop what may not be there (Airflow's `except ValueError: pass`)."""
