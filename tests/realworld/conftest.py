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


@pytest.fixture
def new_db(request, tmp_path):
    """dialect -> the URL of a new, empty database (as many as a test asks for)."""
    made = []

    def make(dialect: str) -> str:
        n = next(_counter)
        if dialect == "sqlite":
            return f"sqlite:///{tmp_path / f'db{n}.db'}"
        admin = request.getfixturevalue("pg_admin_engine")
        name = f"still_rw_{os.getpid()}_{n}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
        made.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield make
    if made:
        admin = request.getfixturevalue("pg_admin_engine")
        with admin.connect() as conn:
            for name in made:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
