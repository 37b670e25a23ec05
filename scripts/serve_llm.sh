#!/usr/bin/env bash
# Serves the local model over an OpenAI-compatible API on 127.0.0.1 (llama.cpp's server).
#   bash scripts/serve_llm.sh           serve on port $LLM_PORT (default 8081)
#   bash scripts/serve_llm.sh --check   only say whether the runtime and model are installed
# LLM_THREADS (default 2) sets the CPU threads used for generation.
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/llm_model.sh
PY=.venv/bin/python
PORT="${LLM_PORT:-8081}"
THREADS="${LLM_THREADS:-2}"

if [[ ! -x $PY ]] || ! "$PY" -c 'import llama_cpp.server' 2>/dev/null; then
  echo "llama-cpp-python's server is not installed: run 'make llm' first." >&2
  exit 3
fi
if [[ ! -f $MODEL_FILE ]]; then
  echo "The local model is missing ($MODEL_FILE): run 'make llm' first." >&2
  exit 3
fi
if [[ ${1:-} == --check ]]; then
  echo "Local LLM installed: $MODEL_FILE"
  exit 0
fi

# The alias the server answers to is the model name the bot asks for, from the same Settings.
ALIAS="$("$PY" -c 'from bot.settings import Settings; print(Settings().llm_model)')"

cat >&2 <<MSG
Serving $MODEL_FILE as "$ALIAS" on http://127.0.0.1:$PORT/v1 ($THREADS threads).
Point the bot at it, for example in .env or the environment:
  BATTERYBOT_GENERATOR=llm
  BATTERYBOT_LLM_BASE_URL=http://127.0.0.1:$PORT/v1
Then: .venv/bin/batterybot ask "Which companies lead South Korea's battery industry?"
Stop the server with Ctrl-C.
MSG

# Passive OpenMP threads yield the CPU when idle, so a busy 2-core machine does not stall them.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec "$PY" -m llama_cpp.server --model "$MODEL_FILE" --host 127.0.0.1 --port "$PORT" \
  --n_ctx 4096 --n_threads "$THREADS" --model_alias "$ALIAS"
