# Every target that runs code depends on `install`, so each works alone on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test bench schemas clean

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

bench: install
	$(BIN)/python bench/reflect.py --write-results
	$(BIN)/python bench/revisions.py --write-results
	$(BIN)/python bench/migrate.py --write-results
	$(BIN)/python bench/realworld.py

schemas: install
	$(BIN)/python -m still.schemas schemas

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
