# The local model's file and checksum, shared by install_llm.sh and serve_llm.sh (sourced, not run).
MODEL_FILE=models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
MODEL_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
LLAMA_CPP_VERSION=0.3.36
