# Every target creates the virtual environment in .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
GRONINGEN := data/voorbeelden/groningen

.DEFAULT_GOAL := help

## Show the documented targets
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-z][a-z-]*:/{if (doc) printf "  make %-10s %s\n", substr($$1,1,length($$1)-1), doc; doc=""}' $(MAKEFILE_LIST)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

## Create .venv and install the project (done by every other target when needed)
install: $(INSTALLED)

## Run the main job on the bundled sample: ingest, compute, and every report in reports/<periode>/
report: $(INSTALLED)
	$(BIN)/python -m analysis run

## Print the stands and assessments of the sample in the terminal (after make report)
stand: $(INSTALLED)
	$(BIN)/python -m analysis stand
	$(BIN)/python -m analysis stand --gemeente "De Wolden" --periode 2024-H1
	$(BIN)/python -m analysis oordeel --periode 2024-H1
	$(BIN)/python -m analysis tempo --peildatum 2025-10-01

## Open JupyterLab on the notebooks, at the exploring ones in notebooks/verkennen (extra options: make lab LAB_ARGS=--no-browser)
lab: $(INSTALLED)
	$(BIN)/python -m jupyter lab notebooks --LabApp.default_url=/lab/tree/verkennen $(LAB_ARGS)

## Run the linters (style, and the layers of the pipeline) and the test suite
test: $(INSTALLED)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not zwaar"

## The heavy and exhaustive cases that make test leaves out (a killed run, more refused writes, a large export, a whole run on another kader), and every property test with all its examples
test-zwaar: $(INSTALLED)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m zwaar
	VOORBEELDEN=alle $(BIN)/python -m pytest -n 2 --dist loadfile -m eigenschap

## Corrupt the sample's sources at random, many times over (the property test; FOUT_VOORBEELDEN=N)
fuzz: $(INSTALLED)
	FOUT_VOORBEELDEN=$${FOUT_VOORBEELDEN:-1000} $(BIN)/python -m pytest tests/ingest/test_corruption_property.py

## Time the roll-forward, the ingest against its reading floor, the reporting run at national scale and the refusal of hostile input (prints figures)
bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench_rollforward.py
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_reports.py
	$(BIN)/python benchmarks/bench_hostile.py

## Write the reference of the exploration API (docs/api/verkenning.md) from its docstrings
docs: $(INSTALLED)
	$(BIN)/python docs/api/maak.py

## Regenerate the synthetic sample data in data/raw from its seeded generator
sample: $(INSTALLED)
	$(BIN)/python -m analysis voorbeelddata --overschrijven

## Generate the synthetic Groningen (with a herindeling) in data/voorbeelden/groningen/ and run it there with its kader
groningen: $(INSTALLED)
	$(BIN)/python -m analysis voorbeelddata --provincie Groningen --overschrijven --raw $(GRONINGEN)/raw
	$(BIN)/python -m analysis run --provincie Groningen --kader groningen --datum 2026-01-20 --raw $(GRONINGEN)/raw --processed $(GRONINGEN)/processed --reports $(GRONINGEN)/reports

## Remove processed data and reports (raw data is never touched)
clean:
	find data/processed reports -mindepth 1 ! -name .gitkeep -delete

.PHONY: help install report stand lab test test-zwaar fuzz docs sample groningen bench clean
