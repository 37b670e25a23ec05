"""Answer latency of the extractive chain: warm answer() p50/p95 and cold start to first answer.

Warm: every question of the grounding eval set (standalone questions, and every turn of each
conversation answered with its thread so far) is answered once to warm caches, then timed on a
second pass. Cold: a fresh `python -c` process imports the chain, loads the model, opens the
index and answers one question; timed from process start to the answer being printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot.settings import REPO_ROOT

DATASET = REPO_ROOT / "evals" / "datasets" / "grounding.jsonl"
TARGETS = {"warm_p50_ms": 100.0, "warm_p95_ms": 250.0, "cold_start_s": 6.0}
COLD_RUNS = 3
COLD_QUESTION = "Which companies lead South Korea's battery industry?"
COLD_SCRIPT = f"""
from bot.settings import Settings
from bot.chain import AnswerChain
answer = AnswerChain.from_settings(Settings(), "extractive").answer({COLD_QUESTION!r})
print("ANSWERED", answer.abstained, flush=True)
"""


def conversations(dataset: Path = DATASET) -> list[list[str]]:
    """Each case as its list of turns (a standalone question is a one-turn conversation)."""
    rows = [json.loads(line) for line in dataset.read_text().splitlines() if line.strip()]
    return [row.get("turns") or [row["question"]] for row in rows]


def answer_pass(chain: Any, convs: list[list[str]]) -> list[tuple[float, float, str]]:
    """(wall ms, CPU ms, question) of every answer() call, each turn with its thread so far."""
    from bot.records import Turn

    timings = []
    for turns in convs:
        history: list[Turn] = []
        for question in turns:
            started, cpu = time.perf_counter(), time.process_time()
            answer = chain.answer(question, tuple(history))
            wall_ms = (time.perf_counter() - started) * 1000
            timings.append((wall_ms, (time.process_time() - cpu) * 1000, question))
            history += [Turn("user", question), Turn("assistant", answer.text)]
    return timings


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def cold_start_s() -> float:
    """Seconds from starting a fresh interpreter to its first printed answer."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", COLD_SCRIPT],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("ANSWERED"):
            elapsed = time.perf_counter() - started
            proc.wait(timeout=60)
            return elapsed
    err = proc.stderr.read() if proc.stderr else ""
    proc.wait(timeout=60)
    raise RuntimeError(
        f"cold-start process printed no answer (exit {proc.returncode}): {err[-500:]}"
    )


def ensure_index(settings: Any) -> dict[str, Any]:
    """Bring the default index up to date, as `batterybot index build` would (a no-op if current)."""
    from bot.indexing import build_index_from_settings

    report = build_index_from_settings(settings)
    return {"chunks": report.chunks, "was_up_to_date": report.up_to_date}


def run() -> dict[str, Any]:
    """Warm p50/p95 over the eval set and cold start to first answer, against their targets."""
    from bot.chain import AnswerChain
    from bot.settings import Settings

    settings = Settings()
    index = ensure_index(settings)
    colds = [cold_start_s() for _ in range(COLD_RUNS)]

    built = time.perf_counter()
    chain = AnswerChain.from_settings(settings, "extractive")
    chain_build_s = time.perf_counter() - built
    convs = conversations()
    answer_pass(chain, convs)  # warm-up pass
    timed = answer_pass(chain, convs)
    warm = [wall for wall, _, _ in timed]
    cpu = [c for _, c, _ in timed]

    figures: dict[str, Any] = {
        "dataset": str(DATASET.relative_to(REPO_ROOT)),
        "cases": len(convs),
        "answers_timed": len(warm),
        "index": index,
        "warm_p50_ms": round(statistics.median(warm), 1),
        "warm_p95_ms": round(percentile(warm, 95), 1),
        "warm_max_ms": round(max(warm), 1),
        "warm_mean_ms": round(statistics.fmean(warm), 1),
        # CPU time (all threads) is less sensitive to other processes sharing the cores
        "warm_cpu_p50_ms": round(statistics.median(cpu), 1),
        "warm_cpu_p95_ms": round(percentile(cpu, 95), 1),
        "slowest": [[round(w, 1), q] for w, _, q in sorted(timed, reverse=True)[:5]],
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
        "cold_start_s": round(statistics.median(colds), 2),
        "cold_start_runs_s": [round(c, 2) for c in colds],
        "chain_build_in_process_s": round(chain_build_s, 2),
        "targets": TARGETS,
    }
    figures["meets_targets"] = {k: figures[k] <= v for k, v in TARGETS.items()}
    print(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    result = run()
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
