"""`from alembic import context` inside a revision file: the parts of Alembic's
EnvironmentContext a revision body reads while still runs it.

`configure()` and `run_migrations()` belong to an Alembic env.py, which still does not
run; they fail with a message saying so.
"""

from __future__ import annotations

import contextlib
from typing import Any, Optional

from still import op
from still.errors import StillError


class _Config:
    """`context.config`: the options Alembic's Config has, answered from still's settings."""

    attributes: dict = {}
    cmd_opts = None

    @property
    def config_file_name(self) -> Optional[str]:
        cfg = _cfg()
        return str(cfg.source) if cfg is not None and cfg.source else None

    def get_main_option(self, name: str, default: Optional[str] = None) -> Optional[str]:
        cfg = _cfg()
        if cfg is None:
            return default
        values = {"sqlalchemy.url": cfg.url, "script_location": str(cfg.script_path()),
                  "version_locations": " ".join(str(p) for p in cfg.version_dirs())}
        value = values.get(name)
        return default if value is None else value

    def get_section_option(self, section: str, name: str, default: Optional[str] = None) -> Optional[str]:
        return self.get_main_option(name, default) if section == "alembic" else default

    def get_section(self, name: str, default: Any = None) -> Any:
        return default


def _cfg():
    from still.runtime.executor import current

    return getattr(current(), "cfg", None)


config = _Config()
get_x_argument = op.get_x_argument
is_offline_mode = op.is_offline_mode
get_tag_argument = op.get_tag_argument
get_bind = op.get_bind
get_context = op.get_context
execute = op.execute
autocommit_block = op.autocommit_block


def begin_transaction():
    """Inside a revision still already holds the transaction: nothing to begin."""
    return contextlib.nullcontext()


def configure(*args, **kw):
    raise StillError("context.configure() belongs in an Alembic env.py, which still does not run; "
                     "still configures itself from still.toml")


def run_migrations(*args, **kw):
    raise StillError("context.run_migrations() belongs in an Alembic env.py, which still does not run")
