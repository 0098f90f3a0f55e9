# Two commands on a fresh clone: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install migrate demo lint messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is required"'
	@echo "==> Creating the virtual environment in $(VENV) and installing the platform (a few minutes the first time) …"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	@echo "==> Migrating the database (var/db.sqlite3 unless DATABASE_URL says otherwise) …"
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	@echo "==> Loading the demo market (about a minute the first time; skipped when it is already there) …"
	$(BIN)/python manage.py seed_demo --if-empty

# Local platform: embedded SQLite under var/, Celery tasks eager in-process (no broker configured).
run: export DJANGO_DEBUG ?= true
run: demo
	@echo "==> Starting the platform on http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Needs GNU gettext; the compiled catalogues are committed so a fresh clone does not.
messages: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(BIN)/python -m pip install --quiet polib
	$(BIN)/python scripts/fill_catalogue.py
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) var/*.sqlite3
