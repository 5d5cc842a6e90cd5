# Two commands on a fresh clone:
#   make demo   sets up and starts a demo workshop (prints the facilitator and participant links)
#   make test   sets up and runs every test: lint, unit, widget, notebooks, real browser
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: demo test setup chromium bench

demo: setup
	$(BIN)/codesign demo --lan

test: setup chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --nbval-lax tests notebooks

bench: setup chromium
	$(BIN)/python benchmarks/bench_pages.py

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# Browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "Browser tests need Chromium: run 'sudo apt-get install -y chromium' and try again."; exit 1; fi; }
