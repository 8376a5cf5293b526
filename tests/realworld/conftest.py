"""Fixtures of the real-world corpus: each app's venv (made once a run), and fresh databases."""

from __future__ import annotations

import itertools
import os

import pytest

from tests.realworld.venvs import venv_python

_counter = itertools.count()


@pytest.fixture(scope="session")
def app_python():
    """app -> the python of its venv, made on first use (see venvs.py)."""
    made = {}

    def get(app):
        if app.name not in made:
            made[app.name] = venv_python(app)
        return made[app.name]
    return get


# dialect -> (the admin engine's fixture, CREATE DATABASE, DROP DATABASE) for a database `{}`
SERVERS = {
    "postgresql": ("pg_admin_engine", 'CREATE DATABASE "{}" TEMPLATE template0', 'DROP DATABASE IF EXISTS "{}" WITH (FORCE)'),
    "mysql": ("mysql_admin_engine", "CREATE DATABASE `{}`", "DROP DATABASE IF EXISTS `{}`"),
}


@pytest.fixture
def new_db(request, tmp_path):
    """dialect -> the URL of a new, empty database (as many as a test asks for)."""
    made = []

    def make(dialect: str) -> str:
        n = next(_counter)
        if dialect == "sqlite":
            return f"sqlite:///{tmp_path / f'db{n}.db'}"
        fixture, create, _ = SERVERS[dialect]
        admin = request.getfixturevalue(fixture)
        name = f"still_rw_{os.getpid()}_{n}"
        with admin.connect() as conn:
            conn.exec_driver_sql(create.format(name))
        made.append((dialect, name))
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield make
    for dialect, name in made:
        fixture, _, drop = SERVERS[dialect]
        with request.getfixturevalue(fixture).connect() as conn:
            conn.exec_driver_sql(drop.format(name))
