import itertools
import os

import pytest

_counter = itertools.count()


@pytest.fixture
def pg_url_2(pg_admin_engine):
    """A second fresh PostgreSQL database, for comparing two ways of reaching a state."""
    name = f"still_test2_{os.getpid()}_{next(_counter)}"
    with pg_admin_engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
    yield pg_admin_engine.url.set(database=name).render_as_string(hide_password=False)
    with pg_admin_engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def mysql_url_2(mysql_admin_engine):
    """A second fresh MySQL database (schema), for comparing two ways of reaching a state."""
    name = f"still_test2_{os.getpid()}_{next(_counter)}"
    with mysql_admin_engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE `{name}`")
    yield mysql_admin_engine.url.set(database=name).render_as_string(hide_password=False)
    with mysql_admin_engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
