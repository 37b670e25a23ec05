"""Run a dataset through the answer chain and write what an evaluator reads.

Outputs in the run directory: results.jsonl (one line per case), summary.json (per metric,
overall and per kind), ragas.jsonl (RAGAS/DeepEval-readable rows) and report.html.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.records import Answer, Turn
from evals.dataset import EvalCase
from evals.metrics import SupportFn, cosine
from evals.ragas import ragas_row
from evals.report import render_report
from evals.scoring import (
    HEADLINE,
    LOWER_IS_BETTER,
    EvalResult,
    SimilarityFn,
    failed_case,
    score_case,
    summarise,
)

AnswerFn = Callable[[str, Sequence[Turn]], Answer]


def guard_support(similarity: Callable[[str, Sequence[str]], float] | None = None) -> SupportFn:
    """The grounding guard's sentence scorer as a yes/no support check."""
    from bot.guard import sentence_support

    def support(sentence: str, cited_texts: Sequence[str]) -> bool:
        return sentence_support(sentence, list(cited_texts), similarity).supported

    return support


def embedding_similarity(embeddings: Any) -> SimilarityFn:
    """Cosine of two texts' embeddings with the project's sentence-embedding model."""

    def similarity(text: str, reference: str) -> float:
        first, second = embeddings.embed_documents([text, reference])
        return cosine(first, second)

    return similarity


def answer_case(case: EvalCase, answer_fn: AnswerFn) -> tuple[Answer, float, list[str]]:
    """Answer each turn in order with the thread so far; return the last answer, its latency
    in ms, and the earlier assistant answers."""
    history: list[Turn] = []
    earlier: list[str] = []
    for i, question in enumerate(case.turns):
        started = time.perf_counter()
        answer = answer_fn(question, tuple(history))
        latency_ms = (time.perf_counter() - started) * 1000
        if i < len(case.turns) - 1:
            history += [Turn("user", question), Turn("assistant", answer.text)]
            earlier.append(answer.text)
    return answer, latency_ms, earlier


def run_cases(
    cases: Sequence[EvalCase],
    answer_fn: AnswerFn,
    support: SupportFn | None = None,
    progress: bool = True,
    desc: str = "eval",
    similarity: SimilarityFn | None = None,
    workers: int = 1,
) -> list[EvalResult]:
    """Answer and score every case, `workers` at a time, in the set's order; a case whose answer
    fails is recorded as failed, not raised."""
    from tqdm import tqdm

    def one(case: EvalCase) -> EvalResult:
        try:
            answer, latency_ms, earlier = answer_case(case, answer_fn)
        except Exception as exc:  # one broken case must not lose the others' results
            return failed_case(case, f"{type(exc).__name__}: {exc}")
        return score_case(case, answer, latency_ms, support, earlier, similarity)

    bar = tqdm(total=len(cases), desc=desc, unit="case", disable=not progress, leave=False)
    with bar, ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = []
        for result in pool.map(one, cases):
            results.append(result)
            bar.update()
    return results


def evaluate(
    cases: Sequence[EvalCase],
    answer_fn: AnswerFn,
    support: SupportFn | None = None,
    repeat: int = 1,
    progress: bool = True,
    similarity: SimilarityFn | None = None,
    workers: int = 1,
) -> tuple[list[EvalResult], dict[str, Any]]:
    """Run the cases `repeat` times; return the last run's results and its summary, which
    (for repeats) carries the spread of every metric and the cases whose outcome varied."""
    runs = []
    for i in range(repeat):
        desc = f"eval {i + 1}/{repeat}" if repeat > 1 else "eval"
        runs.append(run_cases(cases, answer_fn, support, progress, desc, similarity, workers))
    summaries = [summarise(results) for results in runs]
    summary = summaries[-1]
    if repeat > 1:
        outcomes: dict[str, set[bool]] = {}
        for results in runs:
            for r in results:
                outcomes.setdefault(r.case.id, set()).add(r.passed)
        summary["repeats"] = {
            "n": repeat,
            "spread": spread(summaries),
            "unstable_cases": sorted(cid for cid, seen in outcomes.items() if len(seen) > 1),
        }
    return runs[-1], summary


# --- files -----------------------------------------------------------------------------------


def result_row(result: EvalResult) -> dict[str, Any]:
    """One line of results.jsonl."""
    case = result.case
    return {
        "id": case.id,
        "kind": case.kind,
        "question": case.question,
        "turns": list(case.turns),
        "answer_keys": list(case.answer_keys),
        "any_of": [list(g) for g in case.any_of],
        "evidence": list(case.evidence),
        "must_not": list(case.must_not),
        "reference": case.reference,
        "answer": result.answer.to_json() if result.answer else None,
        "history": list(result.history),
        "metrics": result.metrics,
        "checks": result.checks,
        "passed": result.passed,
        "violations": list(result.violations),
        "error": result.error,
        "latency_ms": round(result.latency_ms, 2),
    }


def write_run(
    out_dir: Path,
    results: Sequence[EvalResult],
    summary: dict[str, Any],
    comparison: Comparison | None = None,
    reference_ids: Callable[[EvalCase], list[str]] | None = None,
    history: Sequence[tuple[str, dict[str, Any]]] = (),
) -> None:
    """Write results.jsonl, summary.json, ragas.jsonl and report.html into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_jsonl(out_dir / "results.jsonl", [result_row(r) for r in results])
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    rows = [ragas_row(r, reference_ids(r.case) if reference_ids else []) for r in results]
    _write_jsonl(out_dir / "ragas.jsonl", rows)
    label = f"{out_dir.name} ({summary['run_at']})" if summary.get("run_at") else out_dir.name
    trend = [*history, (label, summary)] if history else []
    html = render_report(results, summary, comparison, trend)
    (out_dir / "report.html").write_text(html, encoding="utf-8")


def _write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def run_label() -> str:
    """When a run was made, as it labels the run in a trend chart (UTC, to the minute)."""
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime())


def load_history(directory: Path, exclude: Path | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(label, summary) of every run directory under `directory` but `exclude` (the run being
    written), oldest first: by the time the run was made where its summary says so, else by the
    summary file's modification time."""
    found = []
    for path in sorted(directory.glob("*/summary.json")):
        if exclude is not None and path.parent.resolve() == exclude.resolve():
            continue
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not a finished run: nothing to draw
        if not isinstance(summary, dict) or not isinstance(summary.get("metrics"), dict):
            continue
        stamp = summary.get("run_at") or time.strftime(
            "%Y-%m-%d %H:%M", time.gmtime(path.stat().st_mtime)
        )
        found.append((stamp, path.parent.name, summary))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(f"{name} ({stamp})", summary) for stamp, name, summary in found]


# --- baseline, thresholds, repeats ------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """How a run differs from a baseline run: metric deltas and cases that flipped."""

    deltas: dict[str, tuple[float | None, float | None]]  # name -> (baseline, now)
    flipped: tuple[tuple[str, bool, bool], ...]  # (case id, passed before, passed now)


def load_baseline(run_dir: Path) -> tuple[dict[str, Any], dict[str, bool]]:
    """A previous run's summary and pass/fail per case id."""
    summary_path, results_path = run_dir / "summary.json", run_dir / "results.jsonl"
    if not summary_path.is_file() or not results_path.is_file():
        raise FileNotFoundError(
            f"{run_dir} is not an eval run directory (it needs summary.json and results.jsonl)"
        )
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    passed = {}
    for line in results_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            passed[row["id"]] = bool(row["passed"])
    return summary, passed


def compare(
    summary: dict[str, Any],
    results: Sequence[EvalResult],
    baseline_summary: dict[str, Any],
    baseline_passed: dict[str, bool],
) -> Comparison:
    """Deltas of the headline metrics and the cases whose pass/fail changed."""
    now, before = summary["metrics"], baseline_summary.get("metrics", {})
    deltas = {name: (before.get(name), now.get(name)) for name in HEADLINE}
    flipped = tuple(
        (r.case.id, baseline_passed[r.case.id], r.passed)
        for r in results
        if r.case.id in baseline_passed and baseline_passed[r.case.id] != r.passed
    )
    return Comparison(deltas, flipped)


def parse_thresholds(items: Sequence[str]) -> dict[str, float]:
    """Parse 'metric=value' items; raise ValueError naming what is wrong."""
    thresholds = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in HEADLINE:
            raise ValueError(
                f"--min {item!r}: expected METRIC=VALUE with METRIC one of: {', '.join(HEADLINE)}"
            )
        try:
            thresholds[name] = float(value)
        except ValueError:
            raise ValueError(f"--min {item!r}: {value!r} is not a number") from None
    return thresholds


def shortfalls(
    metrics: dict[str, float | None], thresholds: dict[str, float]
) -> list[tuple[str, float | None, float]]:
    """(metric, value, threshold) for each metric that missed its threshold (latency: a maximum)."""
    missed = []
    for name, bound in thresholds.items():
        value = metrics.get(name)
        if value is None or ((value > bound) if name in LOWER_IS_BETTER else (value < bound)):
            missed.append((name, value, bound))
    return missed


def spread(summaries: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean, min, max and standard deviation of each headline metric across repeated runs."""
    out = {}
    for name in HEADLINE:
        values = [s["metrics"][name] for s in summaries if s["metrics"].get(name) is not None]
        if values:
            out[name] = {
                "mean": statistics.fmean(values),
                "min": min(values),
                "max": max(values),
                "stdev": statistics.stdev(values) if len(values) > 1 else 0.0,
            }
    return out
