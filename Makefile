# Flywheel: two commands on a fresh machine, `make run` and `make test`.
# Each target sets up the virtual environment on first use.

PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCENARIO ?= flywheel

.PHONY: run test bench viz lint setup browser-deps clean docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/flywheel run $(SCENARIO) --out results/$(SCENARIO)

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest -q

# The dashboard (viz/) on 127.0.0.1; prints its address. Its front-end files come from the
# solara-assets Python package (copied to .solara-assets/ on first start): no Node, no browser.
viz: $(STAMP)
	$(BIN)/python -m viz.server

# Headless Chromium (Debian's) for the browser tests only, and the dashboard's front-end files
# in .solara-assets/ (from solara-assets). Installs only what is missing: quiet on a second run.
APT_ENV := DEBIAN_FRONTEND=noninteractive
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser-deps: $(STAMP)
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		echo "browser-deps: apt-get install$$missing"; \
		$(SUDO) env $(APT_ENV) apt-get update -qq && \
		$(SUDO) env $(APT_ENV) apt-get install -y -qq --no-install-recommends $$missing \
			>/dev/null; \
	fi
	@$(BIN)/python -m viz.assets

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run_all

docs: $(STAMP)
	$(BIN)/python -m model.reference > docs/parameters.md

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) results .pytest_cache
