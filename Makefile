# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DOCS ?= 400
SHARED ?= ../shared/corpus
HOST ?= 127.0.0.1:8000

.PHONY: run test setup demo lint

$(VENV)/.installed: requirements.txt
	@echo "== installing the site's packages into $(VENV) (a minute or two the first time)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	@echo "== installing the test and lint tools (requirements-dev.txt)"
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
	@echo "== migrating the database"
	$(PY) manage.py migrate --noinput

# Demo data: generated determinations, plus the real ones when ../shared is beside the checkout.
demo: setup
	@echo "== generating $(DEMO_DOCS) demo determinations into var/demo"
	$(PY) manage.py generate_corpus --count $(DEMO_DOCS) --out var/demo --seed 1 --demo
	@echo "== ingesting them (parse, store, index)"
	$(PY) manage.py ingest var/demo
	@echo "== ingesting the real documents in $(SHARED), if it is there"
	-test -d $(SHARED) && $(PY) manage.py ingest $(SHARED)/seeds $(SHARED)/dwc-2016

run: demo
	@echo "== serving http://$(HOST)/ (Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .

test: $(VENV)/.dev-installed
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(PY) -m pytest
