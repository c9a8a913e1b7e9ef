# eventwire: two commands on a fresh machine (Python 3.11): `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DB ?= eventwire.duckdb
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test eval bench clean-db

$(BIN)/eventwire: pyproject.toml requirements.lock requirements-nodeps.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (or run: make PYTHON=python3 ...)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -r requirements-nodeps.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(BIN)/eventwire

install: $(BIN)/eventwire

run: install
	$(BIN)/eventwire ingest samples/ --db $(DB)
	$(BIN)/eventwire summary --db $(DB)
	$(BIN)/eventwire serve --db $(DB) --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/eventwire eval

bench: install
	$(BIN)/python bench/run.py --per-corpus 0

clean-db:
	rm -f $(DB) $(DB).wal
