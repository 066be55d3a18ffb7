# Two commands on a fresh machine (Python 3.11+ and make):
#   make demo   installs, loads the BNM demo programme and its users, serves http://127.0.0.1:8000
#   make test   installs and runs the whole suite (checks, then pytest)
# DATABASE_URL=postgres://… selects PostgreSQL for either; SQLite (db.sqlite3) otherwise.

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n auto

.PHONY: demo test install serve checks lock clean system-packages

$(BIN)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 ou plus récent est requis ($(PYTHON))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

install: $(BIN)/.installed

demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

serve: install
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

checks: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/bandit -q -c pyproject.toml -r procurement manage.py gunicorn.conf.py --severity-level high

# LibreOffice converts the generated documents to PDF in the documents tests; the browser tests drive
# the distribution's Chromium and inject axe-core from node_modules (npm); the single sign-on tests
# start npm's oidc-provider with node; the eForms tests run the SDK's schematron rules with npm's node-schematron.
# Debian packages; root.
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends
system-packages:
	command -v soffice >/dev/null || (apt-get update -qq && $(APT_INSTALL) libreoffice-writer-nogui libreoffice-calc-nogui || $(APT_INSTALL) libreoffice-writer libreoffice-calc)
	command -v chromium >/dev/null || (apt-get update -qq && $(APT_INSTALL) chromium)
	command -v npm >/dev/null || (apt-get update -qq && $(APT_INSTALL) nodejs npm)
	test -f node_modules/axe-core/axe.min.js -a -f node_modules/oidc-provider/package.json -a -f node_modules/node-schematron/package.json || npm ci --no-audit --no-fund

# The browser journeys run apart, in one process: each ends by emptying its live-server database.
# The rest shares the demo through tests/demo_snapshot.py (one load per worker) and hashes with MD5.
test: system-packages checks
	$(BIN)/pytest $(PYTEST_ARGS) -m "not browser"
	$(BIN)/pytest -p no:xdist -m browser tests/browser

# Re-pins requirements.lock from the ranges in pyproject.toml (needs the network to PyPI).
lock:
	rm -rf /tmp/procurement-lock && $(PYTHON) -m venv /tmp/procurement-lock
	/tmp/procurement-lock/bin/pip install --quiet --upgrade pip
	/tmp/procurement-lock/bin/pip install --quiet ".[test]"
	/tmp/procurement-lock/bin/pip freeze --exclude procurement > requirements.lock

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
