# One task runner for setup, run, test, lint, eval, bench. Every target sets itself up.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test test-unit lint eval eval-browser bench soak llm index clean dataset \
	dataset-check bench-distractors bench-second-doc bench-third-doc bench-llm-field

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "batterybot needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade "pip>=24"
	# torch first and pinned, so the CPU wheel is used rather than a multi-GB CUDA build
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock torch==2.13.0
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(BIN)/batterybot index build --keep-last-good

# The main job: the Slack bot when tokens are set, a terminal chat otherwise.
run: index
	$(BIN)/batterybot start

test: index
	$(BIN)/batterybot corpus check
	$(BIN)/python -m pytest -q -p no:cacheprovider
	# Gates at the measured level: grounding must be perfect, the rest must not regress.
	$(BIN)/batterybot eval run evals/datasets/grounding.jsonl --out .data/eval-gate --quiet \
	  --min faithfulness=1.0 --min citation_validity=1.0 --min key_coverage=0.9 \
	  --min abstention_accuracy=0.92 --min evidence_recall_at_5=0.98
	$(BIN)/batterybot eval run evals/datasets/field.jsonl --out .data/eval-gate-field --quiet \
	  --min faithfulness=1.0 --min citation_validity=1.0 --min pass_rate=0.95 \
	  --min abstention_recall=1.0 --min abstention_precision=1.0

test-unit: install
	$(BIN)/python -m pytest -q -m "not integration"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The report is always written; the screenshot uses a browser already installed (see
# evals/screenshot.py) and otherwise says what to install. Nothing is installed here.
eval: index
	$(BIN)/batterybot eval run evals/datasets/grounding.jsonl --out evals/out/extractive
	$(BIN)/python -m evals.screenshot evals/out/extractive/report.html evals/out/extractive/report.png --if-available

# Explicit, on request only: the Debian/Ubuntu Chromium package the report screenshot uses.
eval-browser:
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install chromium

bench: index
	$(BIN)/python -m benchmarks.run_all --out benchmarks/results.json

# Two bot processes on one PostgreSQL 15 (installed with apt if absent) and one chroma server.
soak: install
	$(BIN)/python -m benchmarks.soak --out benchmarks/soak.json

llm: install
	bash scripts/install_llm.sh

# The generated dev/test question sets: the local model writes, the checks keep or discard.
dataset: llm
	$(BIN)/python -m evals.generate.questions --threads $${LLM_THREADS:-2}

# Re-validate the recorded model replies without the model (same files as `make dataset`).
dataset-check: install
	$(BIN)/python -m evals.generate.questions --replay

bench-distractors: install
	$(BIN)/python -m benchmarks.distractors --out benchmarks/distractors.json

bench-second-doc: install
	$(BIN)/python -m benchmarks.bench_second_doc --out benchmarks/second_doc.json

bench-third-doc: install
	$(BIN)/python -m benchmarks.bench_second_doc --doc-dir evals/third_doc --out benchmarks/third_doc.json

bench-llm-field: llm
	$(BIN)/python -m benchmarks.llm_field --out benchmarks/llm_field.json

clean:
	rm -rf $(VENV) .data evals/out
