# Two commands on a fresh clone:
#   make demo   sets up and starts a demo workshop (prints the facilitator and participant links)
#   make test   sets up and runs every test: lint, unit, widget, notebooks, real browser
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: demo test setup chromium postgresql bench audit audit-pip-audit messages

demo: setup
	$(BIN)/codesign demo --lan

test: setup chromium postgresql
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --nbval-lax --doctest-modules codesign_widgets tests notebooks

bench: setup chromium
	$(BIN)/python benchmarks/bench_pages.py
	$(BIN)/python benchmarks/bench_scoring.py
	$(BIN)/python benchmarks/bench_network.py
	$(BIN)/python benchmarks/bench_redraw.py
	$(BIN)/python benchmarks/bench_map_files.py
	$(BIN)/python benchmarks/bench_languages.py

# Known vulnerabilities in the installed set, from PyPI's advisory data (tools/audit_dependencies.py,
# standard library only). Fails on a vulnerable package (exit 1), and when PyPI cannot be reached
# or too many packages could not be checked (exit 2), so nothing passes silently.
audit: setup
	$(BIN)/python tools/audit_dependencies.py

# The same with pip-audit, for machines where PyPI's per-version JSON API (or OSV) answers:
# it checks versions older than the latest release too. Through the proxy here every package
# is skipped, which --strict turns into a failure.
audit-pip-audit: setup
	$(BIN)/python -m pip install --quiet "pip-audit>=2.7"
	$(BIN)/pip-audit --vulnerability-service pypi --skip-editable --strict

# The pages' words: extract every marked string (babel.cfg) into the template, then add the new
# ones to each language's catalogue (codesign_widgets/locale/<lang>/LC_MESSAGES/codesign.po).
# Translate the empty msgstr lines, then run the tests (tests/test_i18n.py finds gaps).
LOCALE = codesign_widgets/locale
messages: setup
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project=codesign-studio \
	  --copyright-holder="codesign-studio contributors" -o $(LOCALE)/codesign.pot .
	$(BIN)/pybabel update -i $(LOCALE)/codesign.pot -d $(LOCALE) -D codesign --no-fuzzy-matching \
	  --ignore-obsolete

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

# The store tests also run on a PostgreSQL server the test session starts (initdb in a temporary
# folder): Debian's postgresql. Without it they skip on a laptop and fail under CI=true.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q postgresql; \
	  else echo "Note: the PostgreSQL store tests will be skipped: run 'sudo apt-get install -y postgresql' to run them."; fi; }
