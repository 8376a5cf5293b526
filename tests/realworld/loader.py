"""Runs inside an app's venv (tests/realworld on PYTHONPATH; STILL_REALWORLD_APP and
STILL_REALWORLD_DIALECT name the app and the dialect under test).

As a module, `loader:metadata` is the app's patched MetaData, for `still --metadata`.
As a script: `python loader.py create_all URL` builds the models' schema, `python loader.py
history URL` runs the app's own Alembic history, `python loader.py names URL` prints the
constraint names the MetaData gives (JSON), `python loader.py patches URL` what the patches
changed, one per line; `alembic_upgrade URL REV` runs the history by Alembic up to REV,
`prepare URL` does what the app does before its history, `site` prints site-packages,
`compare_metadata URL` runs Alembic's autogenerate comparison and prints how many diffs.
"""

from __future__ import annotations

import importlib
import os
import sys

from apps import APPS

APP = APPS[os.environ["STILL_REALWORLD_APP"]]
DIALECT = os.environ["STILL_REALWORLD_DIALECT"]


def load():
    for module in APP.models:
        importlib.import_module(module)
    APP.import_models()
    module, attr = APP.base.split(":")
    metadata = getattr(importlib.import_module(module), attr).metadata
    return metadata, APP.patch(metadata, DIALECT)


metadata, patched = load()


def create_all(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        if DIALECT in APP.setup:
            conn.exec_driver_sql(APP.setup[DIALECT])
        metadata.create_all(conn)
    engine.dispose()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "create_all":
        create_all(*args)
    elif command == "history":
        APP.run_history(*args)
    elif command == "names":  # {table: the constraint names the MetaData gives}, as JSON
        import json

        print(json.dumps({t.name: sorted(str(c.name) for c in t.constraints
                                         if c.name is not None and type(c.name).__name__ != "_NoneName")
                          for t in metadata.tables.values()}))
    elif command == "alembic_upgrade":  # URL REV: the app's history by Alembic, up to REV
        from alembic import command as alembic_command

        url, rev = args
        APP.prepare(url)
        if APP.upgrade is not None:
            APP.upgrade(url, rev)
        else:
            alembic_command.upgrade(APP.alembic_config(url), rev)
    elif command == "alembic_downgrade":  # URL REV: Alembic's downgrade with the app's config
        from alembic import command as alembic_command

        import logging

        logging.basicConfig(level=logging.WARNING)  # "Running downgrade X -> Y" on stderr,
        logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)  # as the ini would
        url, rev = args
        APP.alembic_call(alembic_command.downgrade, APP.alembic_config(url), rev)
    elif command == "alembic_current":  # URL: `alembic current` with the app's config
        from alembic import command as alembic_command

        if APP.current is not None:
            APP.current(args[0])
        else:
            alembic_command.current(APP.alembic_config(args[0]))
    elif command == "compare_metadata":  # URL: Alembic's autogenerate comparison; prints how many diffs
        import sqlalchemy as sa
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext

        engine = sa.create_engine(args[0], poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            print(len(compare_metadata(MigrationContext.configure(conn), metadata)))
        engine.dispose()
    elif command == "prepare":
        APP.prepare(*args)
    elif command == "site":
        import sysconfig

        print(sysconfig.get_paths()["purelib"])
    elif command == "patches":
        print("\n".join(patched))
    else:
        sys.exit(f"error: unknown command {command}")
