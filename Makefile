# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DOCS ?= 400
SHARED ?= ../shared/corpus
HOST ?= 127.0.0.1:8000

.PHONY: run test setup demo

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

# Demo data: generated determinations, plus the real ones when ../shared is beside the checkout.
demo: setup
	$(PY) manage.py generate_corpus --count $(DEMO_DOCS) --out var/demo --seed 1
	$(PY) manage.py ingest var/demo
	-test -d $(SHARED) && $(PY) manage.py ingest $(SHARED)/seeds $(SHARED)/dwc-2016

run: demo
	$(PY) manage.py runserver $(HOST)

test: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest
