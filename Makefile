# wagtail-heurecivique — two commands on a fresh machine: `make demo` and `make test`.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
# Catalogs live inside the apps (so that they ship in the wheel) and in locale/.
LOCALE_DIRS := wagtail_heurecivique workflows

.PHONY: help install messages compilemessages demo serve test lint benchmark bench loadtest fuzz migrations-check makemigrations wheel clean

help:
	@echo "make demo       install, migrate SQLite, load demo data, serve http://127.0.0.1:8000 (admin / changeme)"
	@echo "make test       install what the tests need and run them"
	@echo "make lint       ruff and the import layers (import-linter)"
	@echo "make benchmark  speed and memory goals (pytest -m benchmark)"
	@echo "make loadtest   signups under load: gunicorn + PostgreSQL + Redis for 60 s (not part of make test)"
	@echo "make fuzz       the public doors' property-based tests with 1,000 examples each"
	@echo "make messages   update the French catalogs after changing strings"

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

compilemessages: install
	$(MANAGE) compilemessages -l fr --ignore=.venv --ignore='.venv*' > /dev/null

messages: install
	@for dir in $(LOCALE_DIRS); do \
		(cd $$dir && $(CURDIR)/$(PY) -m django makemessages --settings=example_site.settings.dev --pythonpath=$(CURDIR) -l fr --no-obsolete) || exit 1; \
	done
	$(MAKE) compilemessages

demo: compilemessages
	$(MANAGE) migrate --noinput
	$(MANAGE) heurecivique_setup
	$(MANAGE) load_demo
	@echo ""
	@echo "  L'Heure Civique — site de démonstration"
	@echo "  Site:           http://127.0.0.1:8000/"
	@echo "  Administration: http://127.0.0.1:8000/admin/  (admin / changeme)"
	@echo "  Référents:      referente.bois, referent.beaumont; coordination: coordination (mot de passe: changeme)"
	@echo ""
	$(MANAGE) runserver 127.0.0.1:8000

serve: install
	$(MANAGE) runserver 127.0.0.1:8000

# One pytest worker per core (pytest-xdist, a test database each); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

test: compilemessages
	@scripts/install-chromium.sh
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

benchmark: compilemessages
	PY=$(PY) scripts/benchmark.sh $(PYTEST_ARGS)

bench: benchmark

# Off by default: gunicorn (4 workers), a throwaway PostgreSQL and Redis, 60 s of signups on
# loopback (scripts/loadtest.py; LOADTEST_ARGS="--seconds 120 --clients 16").
loadtest: compilemessages
	$(PY) scripts/loadtest.py $(LOADTEST_ARGS)

# The property-based tests of the public doors with 1,000 examples each (25 in `make test`).
fuzz: compilemessages
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/site/test_public_input_properties.py $(PYTEST_ARGS)

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

makemigrations: install
	@$(PY) -c "import wagtail, sys; sys.exit(0 if wagtail.VERSION[:2] == (7, 4) else 'Generate migrations on Wagtail 7.4, the lowest supported release.')"
	$(MANAGE) makemigrations wagtail_heurecivique heurecivique_workflows home

wheel: compilemessages
	rm -rf dist build
	$(PY) -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) dist build *.egg-info db.sqlite3 .pytest_cache
