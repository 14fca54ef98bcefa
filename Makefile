# pos_tui: `make run` opens the till on a demo store; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= var/demo.db
DEMO_SKUS ?= 20000
DEMO_DAYS ?= 30
PYTEST_WORKERS ?= 2

.PHONY: run test lint types install demo bench clean help-pages

$(BIN)/pos: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(BIN)/pos

install: $(BIN)/pos

$(DEMO_DB): | $(BIN)/pos
	mkdir -p $(dir $(DEMO_DB))
	$(BIN)/pos demo --db $(DEMO_DB) --skus $(DEMO_SKUS) --days $(DEMO_DAYS) --seed 1

demo: $(DEMO_DB)

run: $(BIN)/pos $(DEMO_DB)
	POS_DEMO=1 $(BIN)/pos --db $(DEMO_DB)

lint: $(BIN)/pos
	$(BIN)/ruff check pos_tui tests benchmarks

# The help pages `pos` prints without typer (pos_tui/cli/help_pages.py), written again from what
# typer prints: after changing an option or a report that tests/test_cli_shortcuts.py names.
help-pages: $(BIN)/pos
	$(BIN)/python -c "from pathlib import Path; from pos_tui.cli.main import help_pages_source; \
	Path('pos_tui/cli/help_pages.py').write_text(help_pages_source(), encoding='utf-8')"

types: $(BIN)/pos
	$(BIN)/mypy --strict pos_tui/domain pos_tui/ledger

test: lint types
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -p no:cacheprovider

bench: $(BIN)/pos
	$(BIN)/python benchmarks/bench_foundation.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
