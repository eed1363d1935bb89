# Two commands on a fresh machine with Python ≥ 3.11:
#   make run   — set up and serve the chapter on http://127.0.0.1:5000 (SQLite, nothing else)
#   make test  — set up and run the whole test suite (browser tests use /usr/bin/chromium),
#                then rebuild the accessibility conformance report from that run

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test lint bench screenshots clean

$(STAMP): pyproject.toml package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@# plotly.js's basic bundle, pinned by package-lock.json's integrity hash; without npm the
	@# app serves the full plotly.js that the plotly package ships.
	npm ci --no-audit --no-fund --loglevel=error \
	  || echo "npm ci failed: the app will serve the plotly package's full plotly.js instead"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/flask --app app run --host 127.0.0.1 --port $${PORT:-5000}

# The whole suite, its JUnit XML kept, then the accessibility conformance report rebuilt from
# it (ACCESSIBILITY.md and web/accessibility_results.json); exits as the tests did, or 1 when
# the report names a test the suite does not have.
test: $(STAMP)
	$(BIN)/ruff check .
	mkdir -p artifacts
	status=0; $(BIN)/python -m pytest --junitxml=artifacts/junit.xml || status=$$?; \
	  $(BIN)/python scripts/acr.py --junit artifacts/junit.xml && exit $$status

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m benchmarks

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshot.py --full

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis artifacts
