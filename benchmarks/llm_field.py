"""LLM mode on the field set: pass count and latency against the extractive mode, same index.

    python -m benchmarks.llm_field [--out benchmarks/llm_field.json]

Needs the local model (`make llm`). Starts llama.cpp's OpenAI-compatible server on a free port
on 127.0.0.1 (scripts/serve_llm.sh), builds the shipped corpus's index in a temp dir, then runs
`batterybot eval run` on the field set twice in fresh processes: extractive, then LLM. The LLM
figures say how many answers the model wrote and how many fell back to the extractive answer
(and why), so a pass count is never read as the model's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from benchmarks.bench_llm import SERVE_SCRIPT, start_server, wait_ready
from benchmarks.distractors import (
    build,
    cli_env,
    eval_figures,
    field_dataset,
    write_corpus,
    write_figures,
)
from bot.settings import REPO_ROOT
from tests.servers import free_port, stop_process

ANSWER_TIMEOUT_S = 120.0


def generators(out: Path) -> dict[str, object]:
    """Who wrote each answer of an eval run, and the notes of those the model did not."""
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    written = Counter((r.get("answer") or {}).get("generator") for r in rows)
    fallbacks = Counter(
        note
        for r in rows
        if (r.get("answer") or {}).get("generator") == "extractive"
        for note in (r["answer"].get("notes") or ["(refused before writing)"])
    )
    return {"generator": dict(written), "fallback_notes": dict(fallbacks)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--field", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks/llm_field.json")
    args = parser.parse_args(argv)
    field = args.field or field_dataset()
    ready = subprocess.run(["bash", str(SERVE_SCRIPT), "--check"], capture_output=True, text=True)
    if ready.returncode != 0:
        print(ready.stderr.strip() or "the local LLM is not installed: run 'make llm'")
        return 3

    port = free_port()
    server = start_server(port)
    try:
        wait_ready(port, server)
        with tempfile.TemporaryDirectory(prefix="bench-llm-field-") as tmp:
            work = Path(tmp)
            env = cli_env(write_corpus(work / "corpus", []), work / "data")
            build(env, work)
            extractive = eval_figures(field, env, work, "extractive")
            llm_env = {
                **env,
                "BATTERYBOT_GENERATOR": "llm",
                "BATTERYBOT_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1",
                "BATTERYBOT_LLM_TIMEOUT_S": str(ANSWER_TIMEOUT_S),
            }
            llm = eval_figures(field, llm_env, work, "llm")
            llm |= generators(work / "eval-llm")
    finally:
        stop_process(server)
    figures = {
        "extractive": extractive,
        "llm": llm,
        "llm_p50_s": round(llm["metrics"]["latency_p50_ms"] / 1000, 2),
        "llm_p95_s": round(llm["metrics"]["latency_p95_ms"] / 1000, 2),
        "machine": f"{os.cpu_count()} CPUs",
    }
    print(
        f"extractive {extractive['passed']}/{extractive['cases']}, LLM {llm['passed']}/"
        f"{llm['cases']} at p50 {figures['llm_p50_s']} s, p95 {figures['llm_p95_s']} s",
        file=sys.stderr,
    )
    write_figures(args.out, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
