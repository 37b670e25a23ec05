"""Two runs side by side (two generators, two commits, two index versions): one page with both
columns, the deltas, and the cases that flipped between pass and fail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.charts import bars_svg
from evals.console import format_delta, format_value
from evals.report import CHART_METRICS, CSS, esc
from evals.scoring import HEADLINE, LOWER_IS_BETTER


@dataclass(frozen=True)
class Run:
    """One finished run as its directory holds it: summary and one row per case."""

    label: str
    summary: dict[str, Any]
    rows: dict[str, dict[str, Any]]  # case id -> results.jsonl row


@dataclass(frozen=True)
class MetricRow:
    name: str
    a: float | None
    b: float | None
    n_a: int | None
    n_b: int | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def better(self) -> bool | None:
        """Whether b is better than a; None when equal or not comparable."""
        if not self.delta:
            return None
        return (self.delta < 0) if self.name in LOWER_IS_BETTER else (self.delta > 0)


@dataclass(frozen=True)
class Flip:
    id: str
    kind: str
    question: str
    passed_a: bool
    passed_b: bool
    failed_a: tuple[str, ...]
    failed_b: tuple[str, ...]
    answer_a: str
    answer_b: str


@dataclass(frozen=True)
class SideBySide:
    a: Run
    b: Run
    metrics: tuple[MetricRow, ...]
    flipped: tuple[Flip, ...]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]


DIFFERENT_CASES = (
    "The runs cover different cases: each metric above is over its own run's cases, so compare "
    "runs of the same set (or the same --ids) for like-for-like deltas."
)


class RunDirError(ValueError):
    """A directory that is not a finished eval run."""


def load_run(directory: Path, label: str | None = None) -> Run:
    """Read a run directory (summary.json and results.jsonl)."""
    summary_path, results_path = directory / "summary.json", directory / "results.jsonl"
    if not summary_path.is_file() or not results_path.is_file():
        raise RunDirError(
            f"{directory} is not an eval run directory (it needs summary.json and results.jsonl)"
        )
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        lines = results_path.read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
    except ValueError as exc:
        raise RunDirError(f"{directory}: unreadable run files ({exc})") from exc
    return Run(label or directory.name, summary, {row["id"]: row for row in rows})


def side_by_side(a: Run, b: Run) -> SideBySide:
    """Headline metrics of both runs with their case counts, and the cases that flipped."""
    metrics = tuple(
        MetricRow(
            name,
            a.summary.get("metrics", {}).get(name),
            b.summary.get("metrics", {}).get(name),
            a.summary.get("counts", {}).get(name),
            b.summary.get("counts", {}).get(name),
        )
        for name in HEADLINE
    )
    flipped = tuple(
        _flip(a.rows[cid], b.rows[cid])
        for cid in a.rows
        if cid in b.rows and bool(a.rows[cid]["passed"]) != bool(b.rows[cid]["passed"])
    )
    only_a = tuple(cid for cid in a.rows if cid not in b.rows)
    only_b = tuple(cid for cid in b.rows if cid not in a.rows)
    return SideBySide(a, b, metrics, flipped, only_a, only_b)


def _failed(row: dict[str, Any]) -> tuple[str, ...]:
    failed = tuple(name for name, ok in row.get("checks", {}).items() if not ok)
    return failed or (("error",) if row.get("error") else ())


def _answer_text(row: dict[str, Any]) -> str:
    answer = row.get("answer") or {}
    return answer.get("answer") or row.get("error") or ""


def _flip(row_a: dict[str, Any], row_b: dict[str, Any]) -> Flip:
    return Flip(
        row_a["id"],
        row_a.get("kind", ""),
        row_a.get("question", ""),
        bool(row_a["passed"]),
        bool(row_b["passed"]),
        _failed(row_a),
        _failed(row_b),
        _answer_text(row_a),
        _answer_text(row_b),
    )


def to_json(sbs: SideBySide) -> dict[str, Any]:
    """compare.json: both labels, every metric with both values and the delta, the flips."""
    return {
        "a": sbs.a.label,
        "b": sbs.b.label,
        "metrics": {
            r.name: {"a": r.a, "b": r.b, "delta": r.delta, "n_a": r.n_a, "n_b": r.n_b}
            for r in sbs.metrics
        },
        "flipped": [
            {"id": f.id, "kind": f.kind, "passed_a": f.passed_a, "passed_b": f.passed_b}
            for f in sbs.flipped
        ],
        "only_a": list(sbs.only_a),
        "only_b": list(sbs.only_b),
    }


def compare_text(sbs: SideBySide) -> str:
    """The side-by-side table and the flipped cases, for the terminal."""
    a, b = sbs.a.label[:14], sbs.b.label[:14]
    lines = [f"  {'metric':<22}{a:>15}{b:>15}{'delta':>11}"]
    for r in sbs.metrics:
        if r.a is None and r.b is None:
            continue
        delta = format_delta(r.delta, r.name) if r.delta is not None else "-"
        mark = {True: " better", False: " worse", None: ""}[r.better]
        lines.append(
            f"  {r.name:<22}{format_value(r.a, r.name):>15}{format_value(r.b, r.name):>15}"
            f"{delta:>11}{mark}"
        )
    if sbs.flipped:
        lines.append(f"Cases that flipped ({len(sbs.flipped)}):")
        lines += [
            f"  {f.id} [{f.kind}]: {_verdict(f.passed_a)} -> {_verdict(f.passed_b)}"
            + (f" (failed {', '.join(f.failed_b)})" if f.failed_b else "")
            for f in sbs.flipped
        ]
    else:
        lines.append("No case flipped between pass and fail.")
    for label, ids in ((sbs.a.label, sbs.only_a), (sbs.b.label, sbs.only_b)):
        if ids:
            lines.append(f"Only in {label}: {', '.join(ids)}")
    if sbs.only_a or sbs.only_b:
        lines.append(DIFFERENT_CASES)
    return "\n".join(lines)


def _verdict(passed: bool) -> str:
    return "pass" if passed else "fail"


def render_compare(sbs: SideBySide) -> str:
    """One self-contained HTML page: both runs' metrics, deltas, a chart, the flipped cases."""
    a, b = esc(sbs.a.label), esc(sbs.b.label)
    rows = []
    for r in sbs.metrics:
        if r.a is None and r.b is None:
            continue
        css = {True: "up", False: "down", None: ""}[r.better]
        delta = format_delta(r.delta, r.name) if r.delta is not None else "–"
        rows.append(
            f"<tr><td>{esc(r.name)}</td><td>{esc(format_value(r.a, r.name))}"
            f"<span class='meta'> ({r.n_a if r.n_a is not None else '?'})</span></td>"
            f"<td>{esc(format_value(r.b, r.name))}"
            f"<span class='meta'> ({r.n_b if r.n_b is not None else '?'})</span></td>"
            f"<td class='{css}'>{esc(delta)}</td></tr>"
        )
    chart_values = {
        sbs.a.label: sbs.a.summary.get("metrics", {}),
        sbs.b.label: sbs.b.summary.get("metrics", {}),
    }
    shown = [m for m in CHART_METRICS if any(v.get(m) is not None for v in chart_values.values())]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>batterybot eval: {a} vs {b}</title><style>{CSS}</style></head><body>",
        f"<h1>{a} vs {b}</h1>",
        f"<div class='sub'>{_sub(sbs.a)}<br>{_sub(sbs.b)}</div>",
        bars_svg(chart_values, shown),
        "<h2>Metrics (cases counted in brackets)</h2>",
        f"<table><tr><th>metric</th><th>{a}</th><th>{b}</th><th>delta ({b} − {a})</th></tr>",
        *rows,
        "</table>",
        _flips_html(sbs),
        _only_html(sbs),
        "</body></html>",
    ]
    return "\n".join(parts)


def _sub(run: Run) -> str:
    s = run.summary
    facts = [
        f"{s.get('passed', '?')} of {s.get('cases', '?')} passed",
        f"generator {s.get('generator', '?')}",
    ]
    if s.get("index_version"):
        facts.append(f"index {s['index_version']}")
    if s.get("run_at"):
        facts.append(f"run {s['run_at']}")
    return f"<b>{esc(run.label)}</b>: {esc(' · '.join(facts))}"


def _flips_html(sbs: SideBySide) -> str:
    if not sbs.flipped:
        return "<h2>Cases that flipped</h2><p>No case changed between pass and fail.</p>"
    head = (
        f"<h2>Cases that flipped ({len(sbs.flipped)})</h2><table><tr><th>case</th>"
        f"<th>{esc(sbs.a.label)}</th><th>{esc(sbs.b.label)}</th></tr>"
    )
    rows = [
        f"<tr id='{esc(f.id)}'><td>{esc(f.id)}<div class='meta'>{esc(f.kind)}</div>"
        f"<div class='q'>{esc(f.question)}</div></td>"
        f"<td>{_side(f.passed_a, f.failed_a, f.answer_a)}</td>"
        f"<td>{_side(f.passed_b, f.failed_b, f.answer_b)}</td></tr>"
        for f in sbs.flipped
    ]
    return head + "".join(rows) + "</table>"


def _side(passed: bool, failed: Sequence[str], answer: str) -> str:
    verdict = f"<span class='{_verdict(passed)}'>{_verdict(passed).upper()}</span>"
    why = f" <span class='meta'>failed {esc(', '.join(failed))}</span>" if failed else ""
    return f"{verdict}{why}<div class='answer'>{esc(answer)}</div>"


def _only_html(sbs: SideBySide) -> str:
    parts = []
    for label, ids in ((sbs.a.label, sbs.only_a), (sbs.b.label, sbs.only_b)):
        if ids:
            parts.append(f"<p>Only in {esc(label)}: {esc(', '.join(ids))}</p>")
    if parts:
        parts.append(f"<p class='fail'>{esc(DIFFERENT_CASES)}</p>")
    return "".join(parts)
