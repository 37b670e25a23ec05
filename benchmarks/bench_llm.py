"""LLM-mode latency: p50/p95 per answer from the local model behind llama.cpp's OpenAI server."""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.llm import NOT_IN_CORPUS, Context, GeneratorError, make_llm_generator
from bot.settings import REPO_ROOT, Settings
from tests.servers import free_port, stop_process

SERVE_SCRIPT = REPO_ROOT / "scripts" / "serve_llm.sh"
DOCUMENT = REPO_ROOT / "corpus" / "documents" / "asia-battery-dominance.md"
STARTUP_TIMEOUT_S = 180.0
ANSWER_TIMEOUT_S = 120.0
# The first request evaluates the fixed prompt prefix (rules, worked examples) that llama.cpp
# then reuses; on a busy 2-core machine that alone can take minutes.
WARM_UP_TIMEOUT_S = 400.0

# (question, anchors of the paragraphs given as context): the right paragraph plus a
# neighbour, the way retrieval hands over more than the one passage that answers.
QUESTIONS = (
    ("Which companies lead South Korea's battery industry?", ("south-korea", "japan")),
    (
        "What share of battery manufacturing facilities does China operate?",
        ("production-and-exports", "china"),
    ),
    ("What is Japan's battery strategy?", ("japan", "south-korea")),
    ("How has China secured lithium supplies?", ("raw-materials", "china")),
    ("What does the Inflation Reduction Act do?", ("us-eu-responses", "outlook")),
    ("Which Chinese firms have expanded rapidly?", ("china", "overview")),
    ("What is the European Battery Alliance aiming for?", ("us-eu-responses", "raw-materials")),
    ("What is the price of a Tesla Model 3?", ("overview", "outlook")),  # not in the corpus
)

_ANCHOR = re.compile(r"<!--\s*anchor:\s*([\w-]+)\s*-->\s*\n(.+?)(?=\n\s*<!--|\Z)", re.DOTALL)
_CITATION = re.compile(r"\[(\d+)\]")


def run() -> dict:
    """Time LLMGenerator answers against the local model; skipped with a reason if not installed."""
    ready = subprocess.run(
        ["bash", str(SERVE_SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    if ready.returncode != 0:
        reason = ready.stderr.strip() or "the local LLM is not installed (run 'make llm')"
        print(f"bench_llm skipped: {reason}")
        return {"skipped": reason}

    paragraphs = dict(_ANCHOR.findall(DOCUMENT.read_text(encoding="utf-8")))
    port = free_port()
    server = start_server(port)
    try:
        started = time.perf_counter()
        try:
            wait_ready(port, server)
        except RuntimeError as exc:
            print(f"bench_llm failed: {exc}")
            return {"error": str(exc)}
        load_s = time.perf_counter() - started
        settings = Settings(
            generator="llm",
            llm_base_url=f"http://127.0.0.1:{port}/v1",
            llm_timeout_s=ANSWER_TIMEOUT_S,
        )
        warm_up_s = _warm_up(settings, paragraphs)
        result = _measure(make_llm_generator(settings), paragraphs, load_s)
        return {"warm_up_s": warm_up_s, **result}
    finally:
        stop_process(server)


def _warm_up(settings: Settings, paragraphs: dict[str, str]) -> float | None:
    slow = make_llm_generator(settings.model_copy(update={"llm_timeout_s": WARM_UP_TIMEOUT_S}))
    started = time.perf_counter()
    try:
        slow.generate("What is this passage about?", [Context(1, paragraphs["overview"], "x")])
    except GeneratorError as exc:
        print(f"bench_llm warm-up failed: {exc}")
        return None
    return round(time.perf_counter() - started, 2)


def _measure(generator, paragraphs: dict[str, str], load_s: float) -> dict:
    rows = []
    for question, anchors in QUESTIONS:
        contexts = [
            Context(n=i, text=paragraphs[a].strip(), title=a) for i, a in enumerate(anchors, 1)
        ]
        started = time.perf_counter()
        try:
            text, error = generator.generate(question, contexts), None
        except GeneratorError as exc:
            text, error = "", str(exc)
        seconds = time.perf_counter() - started
        cited = {int(n) for n in _CITATION.findall(text)}
        rows.append(
            {
                "question": question,
                "seconds": round(seconds, 2),
                "answer": text,
                "error": error,
                "abstained": text.strip() == NOT_IN_CORPUS,
                "citations_valid": bool(cited) and cited <= set(range(1, len(contexts) + 1)),
            }
        )
    warm = [r["seconds"] for r in rows]
    answered = [r for r in rows if not r["abstained"] and not r["error"]]
    return {
        "server_start_s": round(load_s, 2),
        "p50_s": round(statistics.median(warm), 2),
        "p95_s": round(_percentile(warm, 95), 2),
        "answers": len(rows),
        "errors": sum(1 for r in rows if r["error"]),
        "abstained": sum(1 for r in rows if r["abstained"]),
        "answered_with_valid_citations": sum(1 for r in answered if r["citations_valid"]),
        "answered": len(answered),
        "rows": rows,
    }


def _percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def start_server(port: int) -> subprocess.Popen:
    """The local model behind llama.cpp's OpenAI-compatible server on 127.0.0.1:port."""
    return subprocess.Popen(
        ["bash", str(SERVE_SCRIPT)],
        env={**os.environ, "LLM_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the LLM server exited early with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the LLM server did not start within {STARTUP_TIMEOUT_S:g} s")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark alone and write its figures to a JSON file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "llm.json")
    args = parser.parse_args(argv)
    result = run()
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    summary = {k: v for k, v in result.items() if k != "rows"}
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
