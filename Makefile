# Flywheel: two commands on a fresh machine, `make run` and `make test`.
# Each target sets up the virtual environment on first use.

PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEVTOOLS := $(VENV)/.installed-test
SCENARIO ?= flywheel

.PHONY: run test bench viz lint setup browser-deps clean docs lock

# Installs come from the lock files in requirements/ (exact versions of every package, for
# Linux, macOS and Windows): runtime.txt for running the model, test.txt adds the test and
# dev tools (pytest, playwright, ruff). `make lock` regenerates both with uv.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME): requirements/runtime.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/runtime.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(RUNTIME)

$(DEVTOOLS): requirements/test.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/test.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(DEVTOOLS) $(RUNTIME)

setup: $(DEVTOOLS)

run: $(RUNTIME)
	$(BIN)/flywheel run $(SCENARIO) --out results/$(SCENARIO)

test: $(DEVTOOLS) browser-deps
	$(BIN)/python -m pytest -q

# The dashboard (viz/) on 127.0.0.1; prints its address. Its front-end files come from the
# solara-assets Python package (copied to .solara-assets/ on first start): no Node, no browser.
viz: $(RUNTIME)
	$(BIN)/python -m viz.server

# Headless Chromium (Debian's) for the browser tests only, and the dashboard's front-end files
# in .solara-assets/ (from solara-assets). Installs only what is missing: quiet on a second run.
APT_ENV := DEBIAN_FRONTEND=noninteractive
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser-deps: $(RUNTIME)
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		echo "browser-deps: apt-get install$$missing"; \
		$(SUDO) env $(APT_ENV) apt-get update -qq && \
		$(SUDO) env $(APT_ENV) apt-get install -y -qq --no-install-recommends $$missing \
			>/dev/null; \
	fi
	@$(BIN)/python -m viz.assets

bench: $(RUNTIME)
	$(BIN)/python -m benchmarks.run_all

docs: $(RUNTIME)
	$(BIN)/python -m model.config.reference > docs/parameters.md
	$(BIN)/python docs/import_graph.py

lint: $(DEVTOOLS)
	$(BIN)/ruff check .

# Re-resolve the lock files from pyproject.toml (newest versions PyPI has); commit the result.
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile --quiet --universal --python-version 3.12 pyproject.toml \
		-o requirements/runtime.txt
	$(BIN)/uv pip compile --quiet --universal --python-version 3.12 --extra test --extra dev \
		--constraint requirements/runtime.txt pyproject.toml -o requirements/test.txt

clean:
	rm -rf $(VENV) results .pytest_cache
