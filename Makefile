# Two commands on a fresh clone:
#   make demo   sets up and starts a demo workshop (prints the facilitator and participant links)
#   make test   sets up and runs every test: lint, unit, widget, notebooks, real browser
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: demo test setup chromium postgresql nginx axe jupyterhub-proxy bench soak audit audit-pip-audit messages

demo: setup
	$(BIN)/codesign demo --lan

test: setup chromium postgresql nginx axe
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --nbval-lax --doctest-modules codesign_widgets tests notebooks

bench: setup chromium
	$(BIN)/python benchmarks/bench_pages.py
	$(BIN)/python benchmarks/bench_scoring.py
	$(BIN)/python benchmarks/bench_network.py
	$(BIN)/python benchmarks/bench_redraw.py
	$(BIN)/python benchmarks/bench_map_files.py
	$(BIN)/python benchmarks/bench_room.py --phones 30
	$(BIN)/python benchmarks/bench_cheap_phone.py
	$(BIN)/python benchmarks/bench_languages.py
	$(BIN)/python benchmarks/bench_connections.py

# A workshop-sized soak: 60 simulated phones (tests/protocol_phone.py) add a card every 10 s
# each for 10 minutes; every acknowledged card must be stored once and no phone show an error.
# The test suite runs a shorter version of the same test (tests/browser/test_soak.py).
soak: setup
	CODESIGN_SOAK_PHONES=60 CODESIGN_SOAK_SECONDS=600 CODESIGN_SOAK_EVERY=10 \
	  $(BIN)/python -m pytest tests/browser/test_soak.py -q -s -p no:cacheprovider

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
	  --copyright-holder="codesign-studio contributors" --width 100 -o $(LOCALE)/codesign.pot .
	$(BIN)/pybabel update -i $(LOCALE)/codesign.pot -d $(LOCALE) -D codesign --no-fuzzy-matching --width 100 \
	  --ignore-obsolete

setup: $(VENV)/.installed jupyterhub-proxy

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,jupyterhub]"
	touch $@

# Browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "Browser tests need Chromium: run 'sudo apt-get install -y chromium' and try again."; exit 1; fi; }

# The accessibility tests inject axe-core into pages (never shipped to phones). npm fetches
# the pinned release once into .cache/; the tests read it from there, offline.
AXE_VERSION = 4.14.1
AXE_JS = .cache/axe-core-$(AXE_VERSION)/axe.min.js
axe: $(AXE_JS)
$(AXE_JS):
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q npm; \
	  else echo "The accessibility tests need npm to fetch axe-core once: run 'sudo apt-get install -y npm' and try again."; exit 1; fi; }
	mkdir -p .cache/axe-tmp
	cd .cache/axe-tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	tar -xzf .cache/axe-tmp/axe-core-$(AXE_VERSION).tgz -C .cache/axe-tmp
	rm -rf .cache/axe-core-$(AXE_VERSION)
	mv .cache/axe-tmp/package .cache/axe-core-$(AXE_VERSION)
	rm -rf .cache/axe-tmp

# JupyterHub's proxy for the test that runs the hub as a JupyterHub service
# (tests/browser/test_jupyterhub.py): npm fetches the pinned release once into .cache/; the
# test runs it from there, offline. Without npm the test is skipped (fails under CI=true).
CHP_VERSION = 5.3.0
CHP = .cache/chp-$(CHP_VERSION)/node_modules/.bin/configurable-http-proxy
jupyterhub-proxy: $(CHP)
$(CHP):
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q npm; \
	  else echo "Note: the JupyterHub test will be skipped: run 'sudo apt-get install -y npm' and make setup again."; exit 0; fi; }
	@command -v npm >/dev/null && npm install --silent --no-audit --no-fund \
	  --prefix .cache/chp-$(CHP_VERSION) configurable-http-proxy@$(CHP_VERSION) || true

# The store tests also run on a PostgreSQL server the test session starts (initdb in a temporary
# folder): Debian's postgresql. Without it they skip on a laptop and fail under CI=true.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q postgresql; \
	  else echo "Note: the PostgreSQL store tests will be skipped: run 'sudo apt-get install -y postgresql' to run them."; fi; }

# The scale-out test puts two participant servers behind Debian's nginx with the shipped
# example config (deploy/nginx-codesign.conf); nginx runs as the user running the tests.
nginx:
	@test -x /usr/sbin/nginx || command -v nginx >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q nginx; \
	  else echo "Note: the scale-out browser test will be skipped: run 'sudo apt-get install -y nginx' to run it."; fi; }
