"""How a failed revision is reported: one line naming the revision, what failed and what
was rolled back (or, where DDL commits itself, what of it is applied)."""

from __future__ import annotations

from typing import Optional

from still.errors import StillError


def _one_line(text: str) -> str:
    return " ".join(text.split())


def dialect_label(dialect) -> str:
    return "MariaDB" if getattr(dialect, "is_mariadb", False) else {"mysql": "MySQL"}.get(dialect.name, dialect.name)


def _failed_unrolled(step, err: BaseException, applied: list[str], label: str, heads) -> BaseException:
    """The failure where DDL cannot be rolled back: what of the revision is in the database
    now, and what the version table says (it changes only after a revision's last statement)."""
    if isinstance(err, KeyboardInterrupt):
        return err
    base = _failed(step, err, None)
    # what ran after the last DDL statement was rolled back with the transaction
    ddl = [i for i, sql in enumerate(applied) if sql.lstrip()[:8].upper().split(" ")[0] in _DDL_WORDS]
    rolled_back = len(applied) - (ddl[-1] + 1 if ddl else 0)
    failed_at = len(applied) + 1
    applied = applied[:len(applied) - rolled_back]
    done = "; ".join(_one_line(sql)[:80] for sql in applied)
    ran = (f"statements 1-{len(applied)} of it ({done}) are applied" if len(applied) > 1 else
           f"statement 1 of it ({done}) is applied" if applied else "none of its DDL ran")
    version = ", ".join(heads) if heads else "base"
    undone = f", the {rolled_back} after the last DDL statement were rolled back" if rolled_back else ""
    return StillError(f"{base}; statement {failed_at} of this revision failed and its DDL was not rolled "
                      f"back ({label} commits each DDL statement): {ran}{undone}; the version table still "
                      f"says {version}")


def _failed_committed(step, err: BaseException, applied: list[str], heads) -> BaseException:
    """The failure of a revision that left its transaction (an autocommit block, where
    CONCURRENTLY index builds run): what it committed stays."""
    if isinstance(err, KeyboardInterrupt):
        return err
    done = "; ".join(_one_line(sql)[:80] for sql in applied)
    ran = (f"statements 1-{len(applied)} of it ({done}) are applied" if len(applied) > 1 else
           f"statement 1 of it ({done}) is applied" if applied else "none of its statements is applied")
    version = ", ".join(heads) if heads else "base"
    return StillError(f"{_failed(step, err, None)}; it committed inside op.get_context().autocommit_block(), "
                      f"so only what followed was rolled back: {ran}; the version table still says {version}")


_DDL_WORDS = {"CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE"}


def _failed(step, err: BaseException, transaction: Optional[str]) -> BaseException:
    if isinstance(err, KeyboardInterrupt):
        return err
    rev = step.revision
    what = f"{'upgrade' if step.direction == 'up' else 'downgrade'} of revision {rev.revision}"
    if rev.message:
        what += f" ({_one_line(rev.message)})"
    detail = str(err) if isinstance(err, StillError) else f"{type(err).__name__}: {err}"
    detail = detail.strip().splitlines()[0] if detail.strip() else type(err).__name__
    if transaction == "all":
        tail = "; rolled back: nothing was changed"
    elif transaction == "per-revision":
        tail = "; rolled back: schema and version table are as they were before this revision"
    else:
        tail = ""
    return StillError(f"{what} failed: {detail}{tail}")

