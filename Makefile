# Markedsplassen for skytjenester – the two commands a newcomer needs:
#   make run    set up everything and start the site with demo data and the test identity provider
#   make test   set up everything and run all tests
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app marketplace
export PORT

.PHONY: run test install vendor migrate seed index bench migration clean browser-deps

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# htmx comes pinned from the npm registry (static/package-lock.json) into the git-ignored static/vendor/.
static/vendor/.installed: static/package.json static/package-lock.json
	cd static && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp static/node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	touch $@

vendor: static/vendor/.installed

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed demo

run: install vendor seed
	@echo "Markedsplassen kjører på http://127.0.0.1:$(PORT)/ (Ctrl+C avslutter)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install vendor
	bash tests/run_all.sh

bench: install vendor
	$(BIN)/python -m bench.run

# Pre-release: regenerate the single initial migration from the models (run after changing catalogue/models.py).
migration: install
	bash marketplace/migrations/regenerate.sh

clean:
	rm -rf $(VENV) static/node_modules static/vendor instance .pytest_cache
