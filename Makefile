# The front door. `make` lists the targets; every target sets up .venv by itself.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATASET ?= $(shell cat data/default-dataset.txt)
DATA ?= data/$(DATASET)
PARAMS ?=# empty: params/<the codebook's dataset id>, if there is one
OUT ?= outputs
JOBS ?= $(shell nproc)
FORCE ?=
EXECUTOR ?=
UNSAFE ?=
# The reports' language, en or es: not LANG or LANGUAGE, which the shell's locale already uses.
REPORT_LANGUAGE ?= en
CHROMIUM := /usr/bin/chromium
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# A variable as one shell word: OUT="my outputs" stays one argument, DATA="x; rm -rf ~" runs nothing.
q = '$(subst ','\'',$(1))'

.PHONY: help venv test lint check-data codebook gallery reports pdf screenshots lab bench stress clean requirements translations

help: ## List the targets
	@echo "Usage: make TARGET [DATASET=tfs|synthetic|graduate-tacoma] [REPORT_LANGUAGE=en|es] [OUT=outputs] [JOBS=n] [FORCE=1]"
	@echo "       (or DATA=folder PARAMS=folder for a dataset elsewhere)"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@echo "Setting up $(VENV) from requirements.txt (first run only)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	@touch $@

venv: $(STAMP) ## Create or update the virtual environment

$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests..."
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium > /dev/null

# Two processes (pytest-xdist), each test file whole in one of them so that a file's fixtures are built
# once; the 25 slowest steps listed at the end, so that every log says where the time went.
test: $(STAMP) $(CHROMIUM) ## Run the tests in two processes (installs what they need)
	$(BIN)/pytest -n 2 --dist loadfile --durations=25

lint: $(STAMP) ## Check the code with ruff
	$(BIN)/ruff check .

check-data: $(STAMP) ## Validate DATASET and print what does not add up in its published figures
	@$(BIN)/impact-reports check-data --data $(call q,$(DATA))

codebook: $(STAMP) ## Draft a codebook beside EXPORT=file (DICTIONARY=the tool's definition, FORCE=1 replaces one)
	@$(BIN)/impact-reports draft $(call q,$(EXPORT)) $(if $(DICTIONARY),--dictionary $(call q,$(DICTIONARY))) \
	  $(if $(FORCE),--force)

gallery: $(STAMP) ## Render every chart for every site into OUT/gallery/ (PNG)
	@$(BIN)/impact-reports gallery --data $(call q,$(DATA)) --out $(call q,$(OUT))

reports: $(STAMP) ## Render DATASET's reports to OUT/html/<dataset>/ (REPORT_LANGUAGE=es: .../<dataset>/es/; JOBS=n, FORCE=1)
	@$(BIN)/impact-reports reports --data $(call q,$(DATA)) $(if $(PARAMS),--params $(call q,$(PARAMS))) --out $(call q,$(OUT)) \
	  --jobs $(call q,$(JOBS)) --language $(call q,$(REPORT_LANGUAGE)) $(if $(FORCE),--force) \
	  $(if $(EXECUTOR),--executor $(call q,$(EXECUTOR))) $(if $(UNSAFE),--allow-unsafe)

pdf: $(STAMP) $(CHROMIUM) ## Print each report of OUT to PDF beside its HTML (only those rendered since their last PDF)
	@$(BIN)/impact-reports pdf --out $(call q,$(OUT))

screenshots: $(STAMP) $(CHROMIUM) ## Open every report in headless Chromium, check it, save OUT/screenshots/
	@$(BIN)/python devtools/browser.py --out $(call q,$(OUT))

stress: $(STAMP) ## Twenty forced renders in a row at JOBS=4, then two runs at once (OUT/stress/)
	@$(BIN)/python devtools/stress.py --out $(call q,$(OUT)/stress) --runs 20 --jobs 4

bench: $(STAMP) ## Time make reports against the plain papermill + nbconvert loop (SITES=100,1000 DASK=1; AUDIT=1: the disclosure audit alone; ROWS=n: only loading an export of n rows)
	@$(BIN)/python devtools/bench.py $(if $(SITES),--scale $(call q,$(SITES))) $(if $(DASK),--dask) \
	  $(if $(AUDIT),--audit) $(if $(ROWS),--rows $(call q,$(ROWS)))

lab: $(STAMP) ## Open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

clean: ## Remove everything generated (OUT)
	rm -rf -- $(call q,$(OUT))

translations: $(STAMP) ## Gather the reports' messages into src/helpers/locale/messages.pot and add new ones to each language's catalogue
	@$(BIN)/python -c "from helpers.language import extract; extract()"
	@for po in src/helpers/locale/*/LC_MESSAGES/messages.po; do \
	  $(BIN)/pybabel -q update --no-wrap --ignore-obsolete -i src/helpers/locale/messages.pot \
	    -o $$po -l $$(basename $$(dirname $$(dirname $$po))); done
	@$(BIN)/python -c "from helpers.language import untranslated as u; print('untranslated (es):', len(u('es')))"

requirements: ## Re-pin requirements.txt from pyproject.toml (needs network)
	@$(BIN)/pip install --quiet uv
	@grep -v '^-e' requirements.txt > requirements.txt.pins  # keep today's pins where they still fit
	@$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet --no-header \
	  -o requirements.txt.pins
	@{ echo "# Pinned by 'make requirements' (uv pip compile pyproject.toml --extra dev); do not edit by hand."; \
	  grep -v '^#' requirements.txt.pins | sed '/^$$/d'; echo "-e ."; } > requirements.txt.new \
	  && mv requirements.txt.new requirements.txt && rm requirements.txt.pins
