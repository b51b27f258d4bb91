# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/seeds dbt_project/tests -type f 2>/dev/null) dbt_project/dbt_project.yml dbt_project/profiles.yml

export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run test install prepare browser lint bench fuzz dev clean

run: prepare ## install if needed, write the sample if raw/ is empty, run the nightly job, publish
	$(BIN)/uppfoljning run

# Tests run in parallel processes, one per core up to four (each holds a nightly of the sample);
# a file's tests stay in one process, so module fixtures are built once. TEST_WORKERS=0: one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

test: prepare browser ## install if needed and run every test
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

install: $(STAMP)

# The environment is rebuilt only when the lock file or pyproject.toml changed.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# pip 23 (Python 3.11's own) rejects the lock's extras in hash mode; 24.3 reads it
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==24.3.1
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

# dbt's manifest is built ahead of time so that loading the Dagster definitions never parses dbt.
prepare: $(STAMP) $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml

$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir . --target-path target
	touch $@

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml $(STAMP)
	mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $@
	# create the instance's storage once, before two processes race to create it
	$(BIN)/dagster instance migrate > /dev/null

# The report tests open the reports in Debian's Chromium, and the PDFs are drawn by its
# headless shell (never `playwright install`, which downloads a browser build); installed here
# where they are missing.
browser:
	@command -v chromium > /dev/null && command -v chromium-headless-shell > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-headless-shell > /dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check orchestration tests

bench: prepare ## municipal-scale benchmarks: make bench DATASET=M (default S)
	$(BIN)/python tests/benchmarks/run.py --dataset $(or $(DATASET),S)

fuzz: $(STAMP) ## every reader fed random and mutated files, 20 x the cases of make test
	FUZZ_SCALE=$(or $(FUZZ_SCALE),20) $(BIN)/pytest -q -p no:cacheprovider tests/fuzz

dev: prepare ## the Dagster UI on http://127.0.0.1:3000
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

clean:
	rm -rf warehouse/*.duckdb warehouse/published warehouse/quarantine $(DAGSTER_HOME) dbt_project/target
