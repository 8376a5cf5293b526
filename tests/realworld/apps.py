"""The real-world corpus: each app's pinned version, how to load its models, the patches its
MetaData needs before `create_all` works, and how its own Alembic history is run.

This module is imported by the tests (the suite's venv) and by loader.py inside each app's
venv; everything that touches the app is imported lazily inside the functions, which run
only in the app's venv. The URLs they are given are still's (sync drivers: `sqlite:///...`,
`postgresql+psycopg://...`); an app that wants its own drivers converts them (`prefect_env`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class App:
    name: str
    version: str
    base: str  # "module:attr", the declarative base whose MetaData holds the models
    models: tuple[str, ...]  # the modules that declare tables on it (all are imported)
    history: str  # the Alembic script location, relative to site-packages
    run_history: Callable[[str], None]
    patch: Callable = lambda metadata, dialect: []  # fixes MetaData in place, returns what it changed
    setup: dict = field(default_factory=dict)  # dialect -> SQL run before create_all (as the history does)
    extra_requirements: tuple[str, ...] = ()
    sqlalchemy_floor: str = "2.0"  # the lowest SQLAlchemy the app's own models load under
    sqlalchemy_below: str = ""  # a SQLAlchemy series the app's dependencies refuse (and newer)
    dialects: tuple[str, ...] = ("sqlite", "postgresql")
    env: Callable[[str], dict] = lambda url: {}  # url -> environment of the app's processes on it
    # taking the history over with still (test_takeover.py):
    ini: str = ""  # the app's alembic.ini, relative to site-packages
    ini_cwd: str = ""  # where the app's own code runs Alembic from (relative paths in the ini), ditto
    versions: dict = field(default_factory=dict)  # dialect -> version_locations entry, when per dialect
    alembic_config: Callable = None  # url -> Alembic's Config for running the history by hand
    prepare: Callable[[str], None] = lambda url: None  # what the app does before its history runs
    upgrade: Callable = None  # (url, revision) -> the history by Alembic up to revision, when not plain
    current: Callable = None  # url -> `alembic current` as the app's code would run it, when not plain
    alembic_call: Callable = lambda command, *args: command(*args)  # how the app runs an Alembic command
    import_models: Callable = lambda: None  # what the app's env.py runs to import every model module
    # dialect -> the driver the app's code connects with where it is not still's (its
    # processes, still's included, get URLs on it; the tests' own reads keep still's)
    drivers: dict = field(default_factory=dict)
    # revision -> (url -> None): rows the app's server inserts when it starts, which a later
    # revision reads: a history run from empty stops at the revision and inserts them
    server_rows: dict = field(default_factory=dict)

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"

    def on_its_driver(self, text: str) -> str:
        for dialect, driver in self.drivers.items():
            for still_driver in STILL_DRIVERS[dialect]:
                if text.startswith(f"{dialect}+{still_driver}:"):
                    return f"{dialect}+{driver}:" + text.split(":", 1)[1]
        return text


STILL_DRIVERS = {"postgresql": ("psycopg",), "mysql": ("pymysql",)}


# --- patches: the minimum that lets `metadata.create_all()` run as the app ships it ---------

def drop_duplicate_indexes(metadata) -> list[str]:
    """Prefect's `artifact.key` has `index=True`, which the naming convention names
    `ix_artifact__key`, and `Artifact.__table_args__` declares `Index("ix_artifact__key",
    key)` as well: two identical indexes under one name, so `create_all` fails with "index
    ix_artifact__key already exists" on both dialects. Only an index whose name and
    columns repeat another one's is dropped; the first of the pair stays."""
    dropped = []
    for table in metadata.tables.values():
        seen = {}
        for index in list(table.indexes):
            key = (index.name, tuple(str(e) for e in index.expressions), index.unique)
            if key in seen:
                table.indexes.discard(index)
                dropped.append(f"{table.name}.{index.name}")
            else:
                seen[key] = index
    return dropped


def drop_indexes_without_columns(metadata) -> list[str]:
    """MLflow's `trace_tags` and `trace_request_metadata` declare
    `Index("index_<table>_request_id")` with no column at all, which compiles to
    `CREATE INDEX ... ON trace_tags ()`, a syntax error on both dialects. Such an index
    cannot exist in any database, so it is removed from the MetaData; nothing else is."""
    dropped = []
    for table in metadata.tables.values():
        for index in [ix for ix in table.indexes if not ix.expressions]:
            table.indexes.discard(index)
            dropped.append(f"{table.name}.{index.name}")
    return dropped


def prefect_patch(metadata, dialect) -> list[str]:
    changed = drop_duplicate_indexes(metadata)
    if dialect == "postgresql":
        changed += trigram_operator_class(metadata)
    return changed


def trigram_operator_class(metadata) -> list[str]:
    """Prefect's `trgm_ix_*` indexes are declared `Index(name, "name", postgresql_using="gin")`
    with no operator class; a varchar has no default GIN operator class, so `create_all`
    fails on PostgreSQL ("data type character varying has no default operator class for
    access method gin"). Prefect's own migrations create them `USING gin (name
    gin_trgm_ops)` after `CREATE EXTENSION pg_trgm`: the patch gives these indexes that
    operator class (App.setup creates the extension), nothing else."""
    changed = []
    for table in metadata.tables.values():
        for index in table.indexes:
            if index.name.startswith("trgm_ix_") and index.dialect_options["postgresql"]["using"] == "gin":
                index.dialect_options["postgresql"]["ops"] = {c.name: "gin_trgm_ops" for c in index.columns}
                changed.append(f"{table.name}.{index.name}: gin_trgm_ops")
    return changed


def mlflow_patch(metadata, dialect) -> list[str]:
    changed = drop_indexes_without_columns(metadata)
    if dialect == "postgresql":
        changed += fk_to_non_unique(metadata)
    return changed


def fk_to_non_unique(metadata) -> list[str]:
    """MLflow's `input_tags.input_uuid` references `inputs.input_uuid`, which is neither the
    key of `inputs` nor under a unique constraint or index, so PostgreSQL refuses the table
    ("there is no unique constraint matching given keys for referenced table inputs");
    SQLite accepts it. The patch drops such a foreign key, on PostgreSQL only; MLflow's
    history never creates it either."""
    import sqlalchemy as sa

    changed = []
    for table in metadata.tables.values():
        for fk in list(table.foreign_key_constraints):
            target = fk.referred_table
            keys = [{c.name for c in k.columns} for k in target.constraints
                    if isinstance(k, (sa.PrimaryKeyConstraint, sa.UniqueConstraint))]
            keys += [{c.name for c in ix.columns} for ix in target.indexes if ix.unique]
            if {e.column.name for e in fk.elements} not in keys:
                table.constraints.discard(fk)
                for element in fk.elements:
                    table.foreign_keys.discard(element)
                    element.parent.foreign_keys.discard(element)
                changed.append(f"{table.name}: foreign key ({', '.join(fk.column_keys)}) -> {target.name}")
    return changed


# --- each app's own migration entry point ---------------------------------------------------

def prefect_history(url: str) -> None:
    """Prefect's own entry point (`PrefectDBInterface.create_db`, which the server runs at
    start: alembic upgrade to head in a worker thread), on the database Prefect's setting
    names (see `prefect_env`)."""
    import asyncio

    from prefect.server.database import provide_database_interface

    asyncio.run(provide_database_interface().create_db())


def prefect_env(url: str) -> dict:
    """Prefect reads its database from its settings, on its async drivers."""
    async_url = url.replace("sqlite:", "sqlite+aiosqlite:", 1).replace("postgresql+psycopg:", "postgresql+asyncpg:", 1)
    return {"PREFECT_API_DATABASE_CONNECTION_URL": async_url}


def mlflow_history(url: str) -> None:
    """What MLflow's SqlAlchemyStore does on an empty database: create the initial tables
    (InitialBase) and upgrade to the heads with its alembic.ini and env.py."""
    import sqlalchemy as sa
    from mlflow.store.db.utils import _initialize_tables

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    _initialize_tables(engine)
    engine.dispose()


def prefect_upgrade(url: str, revision: str) -> None:
    """Prefect runs Alembic in a worker thread of its event loop (its env.py needs one)."""
    import asyncio

    from prefect.server.database.alembic_commands import alembic_upgrade
    from prefect.utilities.asyncutils import run_sync_in_worker_thread

    asyncio.run(run_sync_in_worker_thread(alembic_upgrade, revision=revision))


def prefect_call(command, *args) -> None:
    """An Alembic command in a worker thread of an event loop, as Prefect runs all of
    them (its env.py needs one)."""
    import asyncio

    from prefect.utilities.asyncutils import run_sync_in_worker_thread

    asyncio.run(run_sync_in_worker_thread(command, *args))


def prefect_current(url: str) -> None:
    from alembic import command

    prefect_call(command.current, prefect_config(url))


def prefect_config(url: str):
    from prefect.server.database.alembic_commands import alembic_config

    return alembic_config()


def mlflow_config(url: str):
    from mlflow.store.db.utils import _get_alembic_config

    return _get_alembic_config(url)


def mlflow_prepare(url: str) -> None:
    """MLflow creates its initial tables (InitialBase) before the first revision runs."""
    import sqlalchemy as sa
    from mlflow.store.db.utils import InitialBase

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    InitialBase.metadata.create_all(engine)
    engine.dispose()


def optuna_config(url: str):
    from pathlib import Path

    import optuna.storages._rdb as rdb
    from alembic.config import Config

    here = Path(rdb.__file__).parent
    config = Config(str(here / "alembic.ini"))
    config.set_main_option("script_location", str(here / "alembic"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def optuna_history(url: str) -> None:
    """What Optuna's `_VersionManager.upgrade()` (`optuna storage upgrade`) runs: alembic's
    upgrade to head with Optuna's alembic.ini and env.py, here from an empty database."""
    from alembic import command

    command.upgrade(optuna_config(url), "head")


def airflow_env(url: str) -> dict:
    """Airflow reads its metadata database from its config (the environment wins over
    airflow.cfg); it takes still's sync URLs as they are. It also opens an async engine at
    import, on asyncpg for PostgreSQL unless `sql_alchemy_conn_async` names another driver:
    psycopg's async side, which still's PostgreSQL driver brings (asyncpg comes only with
    Airflow's postgres extra, a provider and psycopg2 more)."""
    env = {"AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": url, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    if url.startswith("postgresql+"):
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"] = "postgresql+psycopg_async:" + url.split(":", 1)[1]
    return env


def airflow_import_models() -> None:
    """Airflow's env.py runs `models.import_all_models()`: the models live in lazily
    imported modules, so importing `airflow.models` alone leaves most tables out."""
    from airflow import models

    models.import_all_models()


def airflow_history(url: str) -> None:
    """`airflow db migrate --use-migration-files` (`initdb(use_migration_files=True)`): on an
    empty database Airflow's plain `db migrate` runs create_all and stamps head; this flag,
    which Airflow keeps to check that its migration files give the ORM's schema, runs the
    whole Alembic history with its env.py instead (on the database the environment names,
    see `airflow_env`)."""
    from airflow.utils.db import initdb

    initdb(use_migration_files=True)


def airflow_config(url: str):
    from airflow.utils.db import _get_alembic_config

    return _get_alembic_config()


def zenml_env(url: str) -> dict:
    """ZenML's env.py runs Alembic on the store of ZenML's global configuration, which
    ZENML_STORE_* variables set (its Alembic class, which the server uses, takes an engine).
    ZenML names its drivers by the bare scheme (`mysql://`) and adds PyMySQL itself."""
    store_url = url.replace("mysql+pymysql:", "mysql:", 1)
    if url.startswith("mysql"):
        store_url = zenml_account(url).replace("mysql+pymysql:", "mysql:", 1)
    return {"ZENML_STORE_URL": store_url, "ZENML_STORE_TYPE": "sql", "ZENML_ANALYTICS_OPT_IN": "false"}


ZENML_USER, ZENML_PASSWORD = "zenml_store", "zenml-store-password"


def zenml_account(url: str) -> str:
    """ZenML refuses a MySQL store without a password ("The username, password and database
    must be set", its only auth modes being a password and AWS IAM), and the test server's
    account has none: `url`'s database through an account with one, made on first use (this
    runs in the tests' process, where the server's admin URL works)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:  # '%%': PyMySQL formats the statement
        conn.exec_driver_sql(f"CREATE USER IF NOT EXISTS '{ZENML_USER}'@'%%' IDENTIFIED BY '{ZENML_PASSWORD}'")
        conn.exec_driver_sql(f"GRANT ALL PRIVILEGES ON *.* TO '{ZENML_USER}'@'%%'")
    engine.dispose()
    account = sa.engine.make_url(url).set(username=ZENML_USER, password=ZENML_PASSWORD)
    return account.render_as_string(hide_password=False)


def zenml_history(url: str) -> None:
    """`alembic upgrade heads` with ZenML's env.py, as its developers run the history (from
    the repository's alembic.ini, which names only the script location, see `zenml_config`).
    ZenML's own code never runs it from empty: `SqlZenStore.migrate_database` runs create_all
    and stamps head on an empty database, and its `Alembic.upgrade()` steps from the
    database's first current revision, so on an empty one it runs nothing. A deployment's
    server inserts its default workspace at start, which 41b28cae31ce reads (`server_rows`)."""
    from alembic import command

    for revision, insert in APPS["zenml"].server_rows.items():
        command.upgrade(zenml_config(url), revision)
        insert(url)
    command.upgrade(zenml_config(url), "heads")


def zenml_default_workspace(url: str) -> None:
    """The default workspace ZenML's server creates at start (`_initialize`, named by
    ZENML_DEFAULT_PROJECT_NAME, "default"): its 41b28cae31ce scopes existing artifacts to
    it and stops with "Default workspace not found" without it. The row as the table
    stands then: a UUID key, the name, empty text and now for the rest of its NOT NULL
    columns."""
    import datetime
    import uuid

    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        columns = sa.inspect(conn).get_columns("workspace")
        row = {}
        for column in columns:
            if column["name"] == "id":
                row["id"] = uuid.uuid4().hex
            elif column["name"] == "name":
                row["name"] = "default"
            elif not column["nullable"] and column.get("default") is None:
                row[column["name"]] = datetime.datetime.now() if isinstance(column["type"], sa.DateTime) else ""
        table = sa.table("workspace", *(sa.column(name) for name in row))
        conn.execute(table.insert().values(**row))
    engine.dispose()


def zenml_config(url: str):
    """The Config ZenML's Alembic class builds (ZenML ships no alembic.ini): the script
    location only; env.py finds the database in ZenML's configuration (`zenml_env`)."""
    from pathlib import Path

    from alembic.config import Config
    from zenml.zen_stores import migrations

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    return config


APPS = {app.name: app for app in (
    App(name="prefect", version="3.9.1",
        base="prefect.server.database.orm_models:Base", models=("prefect.server.database.orm_models",),
        history="prefect/server/database/_migrations",
        run_history=prefect_history, patch=prefect_patch, env=prefect_env,
        # imports sqlalchemy.dialects.postgresql.operators, new in SQLAlchemy 2.0.16, whatever
        # Prefect's `sqlalchemy>=2.0` says
        sqlalchemy_floor="2.0.16",
        setup={"postgresql": "CREATE EXTENSION IF NOT EXISTS pg_trgm"},
        ini="prefect/server/database/alembic.ini", alembic_config=prefect_config, upgrade=prefect_upgrade, current=prefect_current,
        alembic_call=prefect_call,
        versions={d: f"prefect/server/database/_migrations/versions/{d}" for d in ("sqlite", "postgresql")}),
    App(name="mlflow-skinny", version="3.18.0",
        base="mlflow.store.db.base_sql_model:Base",
        models=("mlflow.store.tracking.dbmodels.models", "mlflow.store.model_registry.dbmodels.models",
                "mlflow.store.workspace.dbmodels.models"),
        history="mlflow/store/db_migrations",
        run_history=mlflow_history, patch=mlflow_patch,
        # mlflow-skinny leaves out the database dependencies the full `mlflow` brings; the
        # history needs Alembic (the full package requires `alembic<2,!=1.10.0`).
        extra_requirements=("alembic==1.20.1",), dialects=("sqlite", "postgresql", "mysql"),
        ini="mlflow/store/db_migrations/alembic.ini", alembic_config=mlflow_config, prepare=mlflow_prepare),
    App(name="optuna", version="5.1.0",
        base="optuna.storages._rdb.models:BaseModel", models=("optuna.storages._rdb.models",),
        history="optuna/storages/_rdb/alembic",
        run_history=optuna_history, dialects=("sqlite", "postgresql", "mysql"),
        # `Mapped[TrialValueType]`, an enum declared in the class body, fails to load before
        # SQLAlchemy 2.0.26 (its issue 10899), whatever Optuna's `sqlalchemy>=1.4.2` says
        sqlalchemy_floor="2.0.26",
        ini="optuna/storages/_rdb/alembic.ini", ini_cwd="optuna/storages/_rdb",
        alembic_config=optuna_config),
    # Airflow runs on PostgreSQL, MySQL 8 and SQLite; its docs say "we DO NOT support MariaDB as a
    # backend" (its migrations are not tested there), and MySQL here is MariaDB.
    App(name="apache-airflow", version="3.3.2",
        sqlalchemy_floor="2.0.50",  # its own requirement: sqlalchemy[asyncio]>=2.0.50
        base="airflow.models.base:Base", models=("airflow.models",), import_models=airflow_import_models,
        history="airflow/migrations", run_history=airflow_history, env=airflow_env,
        # Airflow runs Alembic in-process with an absolute script_location, from any directory
        # (not from its package's own: airflow/logging would shadow the standard library's)
        ini="airflow/alembic.ini", alembic_config=airflow_config,
        # Airflow's PostgreSQL driver is psycopg2 (its postgres provider's): its 0017 sets an
        # integer column to `literal("0")`, which psycopg 3 binds as a typed VARCHAR that
        # PostgreSQL refuses ("column ... is of type integer but expression is of type
        # character varying"); psycopg2 sends the value untyped and PostgreSQL casts it
        drivers={"postgresql": "psycopg2"}, extra_requirements=("psycopg2-binary==2.9.13",)),
    # ZenML's SQL store knows two drivers, SQLite and MySQL (SQLDatabaseDriver); no PostgreSQL.
    App(name="zenml", version="0.98.0",
        # zenml[local] pins sqlmodel==0.0.38, which takes SQLAlchemy >=2.0.14,<2.1
        sqlalchemy_floor="2.0.14", sqlalchemy_below="2.1",
        base="sqlmodel:SQLModel", models=("zenml.zen_stores.schemas",),
        history="zenml/zen_stores/migrations", run_history=zenml_history, env=zenml_env,
        server_rows={"3b1776345020": zenml_default_workspace},
        extra_requirements=("zenml[local]==0.98.0",), dialects=("sqlite", "mysql"),
        alembic_config=zenml_config),
)}
