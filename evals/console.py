"""Plain-text views of a run for the terminal: the summary table, baseline deltas, shortfalls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evals.scoring import HEADLINE, LOWER_IS_BETTER, NEEDS

if TYPE_CHECKING:
    from evals.runner import Comparison

TABLE_METRICS = (
    "pass_rate",
    "key_coverage",
    "faithfulness",
    "citation_validity",
    "evidence_recall_at_5",
)


def format_delta(delta: float, name: str = "") -> str:
    """A signed change of a metric, in the metric's own unit."""
    return f"{delta:+.0f} ms" if name.endswith("_ms") else f"{delta:+.3f}"


def format_value(value: float | None, name: str = "") -> str:
    """A metric value for people: latencies in whole ms, scores with three decimals."""
    if value is None:
        return "-"
    if name.endswith("_ms"):
        return f"{value:.0f} ms"
    return f"{value:.3f}"


def summary_table(summary: dict[str, Any]) -> str:
    """Headline metrics, then one row per kind."""
    metrics, spread = summary["metrics"], summary.get("repeats", {}).get("spread", {})
    counts = summary.get("counts", {})
    lines = [f"{summary['passed']}/{summary['cases']} cases passed", ""]
    for name in HEADLINE:
        over = f"  over {counts[name]:>3} cases" if name in counts else ""
        if counts.get(name) == 0 and name in NEEDS:
            over = f"  (not computed: needs {NEEDS[name]})"
        line = f"  {name:<22} {format_value(metrics.get(name), name):>8}{over}"
        if name in spread:
            s = spread[name]
            line += f"   min {format_value(s['min'], name)}  max {format_value(s['max'], name)}  stdev {s['stdev']:.4f}"
        lines.append(line)
    for generator, lat in summary.get("latency_by_generator", {}).items():
        lines.append(
            f"  latency [{generator}]  p50 {format_value(lat['p50_ms'], 'latency_ms')}  p95 {format_value(lat['p95_ms'], 'latency_ms')}"
            f"  ({lat['n']} answers)"
        )
    header = f"  {'kind':<14}{'n':>4}" + "".join(f"{m[:14]:>16}" for m in TABLE_METRICS)
    lines += ["", header]
    for kind, row in summary["per_kind"].items():
        count = summary.get("kind_counts", {}).get(kind, "")
        cells = "".join(f"{format_value(row.get(m)):>16}" for m in TABLE_METRICS)
        lines.append(f"  {kind:<14}{count!s:>4}{cells}")
    return "\n".join(lines)


def comparison_text(comparison: Comparison) -> str:
    """Metric deltas against the baseline and the cases that flipped."""
    lines = ["Against the baseline:"]
    for name, (before, now) in comparison.deltas.items():
        if before is None or now is None:
            continue
        delta = now - before
        if delta == 0:
            continue
        better = (delta < 0) if name in LOWER_IS_BETTER else (delta > 0)
        lines.append(
            f"  {name:<22} {format_value(before, name)} -> {format_value(now, name)} ({format_delta(delta, name)}, {'better' if better else 'worse'})"
        )
    if len(lines) == 1:
        lines.append("  no headline metric changed")
    if comparison.flipped:
        lines.append("Cases that flipped:")
        lines += [
            f"  {case_id}: {'pass' if a else 'fail'} -> {'pass' if b else 'fail'}"
            for case_id, a, b in comparison.flipped
        ]
    else:
        lines.append("No case flipped between pass and fail.")
    return "\n".join(lines)


def shortfall_text(missed: list[tuple[str, float | None, float]]) -> str:
    """One line per metric that missed its --min threshold."""
    lines = ["These metrics fell short of their thresholds:"]
    for name, value, bound in missed:
        relation = "at most" if name in LOWER_IS_BETTER else "at least"
        lines.append(f"  {name} = {format_value(value, name)} (needed {relation} {bound:g})")
    return "\n".join(lines)


def failing_cases_text(rows: list[tuple[str, str, list[str]]], limit: int = 30) -> str:
    """The failing cases with the checks each failed."""
    if not rows:
        return "Every case passed."
    lines = [f"Failing cases ({len(rows)}):"]
    lines += [f"  {cid} [{kind}]: {', '.join(failed)}" for cid, kind, failed in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"  ... and {len(rows) - limit} more (see report.html)")
    return "\n".join(lines)
