"""A self-contained HTML report of an eval run: no external assets, every value escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from evals.charts import bars_svg, trend_svg
from evals.console import format_delta, format_value
from evals.matching import fold
from evals.metrics import answer_sentences, citation_numbers, strip_citations
from evals.scoring import HEADLINE, LOWER_IS_BETTER, NEEDS, EvalResult

if TYPE_CHECKING:
    from evals.runner import Comparison

GATED = (
    "faithfulness",
    "citation_validity",
    "key_coverage",
    "abstention_accuracy",
    "evidence_recall_at_5",
)
# The metrics drawn per kind and over runs: the ones a reader scans first.
CHART_METRICS = (
    "pass_rate",
    "faithfulness",
    "citation_validity",
    "key_coverage",
    "answer_similarity",
    "evidence_recall_at_5",
)

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
.sub{color:#5b6475;margin-bottom:18px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:10px 12px}
.card .n{font-size:12px;color:#5b6475}.card .v{font-size:22px;font-weight:600}
.card.gated{border-left:4px solid #3867d6}.card .c{font-size:11px;color:#5b6475}
.chart{background:#fff;border:1px solid #dde1e8;border-radius:8px;display:block}.up{color:#1e8449}.down{color:#c0392b}.d{font-size:12px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde1e8}
th,td{border-bottom:1px solid #e6e9ef;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f6;font-weight:600}
.bar{background:#e6e9ef;border-radius:4px;height:14px;width:180px;display:inline-block;vertical-align:middle}
.bar span{display:block;height:100%;border-radius:4px;background:#3867d6}
.bar.low span{background:#e67e22}.num{display:inline-block;width:46px;text-align:right;margin-left:6px}
.pass{color:#1e8449;font-weight:600}.fail{color:#c0392b;font-weight:600}
.chk{display:inline-block;border-radius:4px;padding:0 6px;margin:1px;font-size:12px}
.chk.ok{background:#e3f4e8;color:#1e6b3a}.chk.no{background:#fbe3e0;color:#a93226}
tr.failed td:first-child{border-left:4px solid #c0392b}tr.passed td:first-child{border-left:4px solid #27ae60}
.answer{white-space:pre-wrap}.q{font-weight:600}.turn{color:#5b6475}
mark{background:#fff1a8;padding:0 1px}mark.ev{background:#cdeccf}
details{margin-top:4px}summary{cursor:pointer;color:#3867d6}
.chunk{border-left:3px solid #dde1e8;padding:2px 8px;margin:4px 0;font-size:13px}
.cite{font-size:13px;margin:3px 0}.meta{color:#5b6475;font-size:12px}
.err{color:#a93226;font-weight:600}
"""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def render_report(
    results: Sequence[EvalResult],
    summary: dict[str, Any],
    comparison: Comparison | None = None,
    trend: Sequence[tuple[str, dict[str, Any]]] = (),
) -> str:
    """The whole report page as one HTML string; `trend` is (label, summary) of runs, oldest
    first, this one last."""
    ordered = sorted(results, key=lambda r: (r.passed, r.case.kind, r.case.id))
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>batterybot grounding eval</title><style>",
        CSS,
        "</style></head><body>",
        "<h1>Grounding evaluation</h1>",
        f"<div class='sub'>{summary['passed']} of {summary['cases']} cases passed · "
        f"generators: {esc(', '.join(summary.get('latency_by_generator', {})) or '–')}</div>",
        _cards(summary["metrics"], comparison, summary.get("counts", {})),
        "<h2>By kind</h2>",
        _kinds(summary),
    ]
    if trend:
        runs = [(label, s.get("metrics", {})) for label, s in trend]
        parts += [f"<h2>Over {len(runs)} runs</h2>", trend_svg(runs, CHART_METRICS)]
    if comparison is not None:
        parts.append(_flipped(comparison))
    parts += [
        "<h2>Cases (failing first)</h2><table><tr><th>case</th><th>question</th>",
        "<th>answer and citations</th><th>checks</th></tr>",
        *(_case_row(r) for r in ordered),
        "</table></body></html>",
    ]
    return "\n".join(parts)


def _cards(
    metrics: dict[str, float | None], comparison: Comparison | None, counts: dict[str, int]
) -> str:
    cards = []
    for name in HEADLINE:
        delta = ""
        if comparison is not None:
            before, now = comparison.deltas.get(name, (None, None))
            if before is not None and now is not None and now != before:
                better = (now < before) if name in LOWER_IS_BETTER else (now > before)
                delta = f"<div class='d {'up' if better else 'down'}'>{format_delta(now - before, name)} vs baseline</div>"
        gated = " gated" if name in GATED else ""
        over = _over(name, counts)
        cards.append(
            f"<div class='card{gated}'><div class='n'>{esc(name)}</div>"
            f"<div class='v'>{esc(format_value(metrics.get(name), name))}</div>{over}{delta}</div>"
        )
    return f"<div class='cards'>{''.join(cards)}</div>"


def _over(name: str, counts: dict[str, int]) -> str:
    if name not in counts:
        return ""
    if counts[name] == 0 and name in NEEDS:
        return f"<div class='c'>not computed: needs {esc(NEEDS[name])}</div>"
    return f"<div class='c'>over {counts[name]} cases</div>"


def _kinds(summary: dict[str, Any]) -> str:
    per_kind = summary["per_kind"]
    shown = [m for m in CHART_METRICS if any(v.get(m) is not None for v in per_kind.values())]
    return bars_svg(per_kind, shown, summary.get("kind_counts"))


def _flipped(comparison: Comparison) -> str:
    if not comparison.flipped:
        return "<h2>Against the baseline</h2><p>No case changed between pass and fail.</p>"
    items = "".join(
        f"<li>{esc(case_id)}: {'pass' if before else 'fail'} → "
        f"<span class='{'pass' if now else 'fail'}'>{'pass' if now else 'fail'}</span></li>"
        for case_id, before, now in comparison.flipped
    )
    return f"<h2>Against the baseline: cases that flipped</h2><ul>{items}</ul>"


def highlight(text: str, spans: Sequence[str], css_class: str = "") -> str:
    """Escape text and wrap every occurrence of the spans in <mark> (quotes/spaces folded)."""
    text = fold(text)
    marks: list[tuple[int, int]] = []
    for span in spans:
        needle = fold(span).rstrip(".")
        if len(needle) < 3:
            continue
        start = text.find(needle)
        while start != -1:
            marks.append((start, start + len(needle)))
            start = text.find(needle, start + len(needle))
    out, pos = [], 0
    open_tag = f"<mark class='{css_class}'>" if css_class else "<mark>"
    for start, end in sorted(marks):
        if start < pos:
            continue
        out += [esc(text[pos:start]), open_tag, esc(text[start:end]), "</mark>"]
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def _question(result: EvalResult) -> str:
    turns = result.case.turns
    lines = []
    for i, turn in enumerate(turns[:-1]):
        earlier = result.history[i] if i < len(result.history) else ""
        lines.append(f"<div class='turn'>user: {esc(turn)}</div>")
        if earlier:
            lines.append(f"<div class='turn'>bot: {esc(earlier[:300])}</div>")
    lines.append(f"<div class='q'>{esc(turns[-1])}</div>")
    expect = [*result.case.answer_keys, *(" | ".join(g) for g in result.case.any_of)]
    if expect:
        lines.append(f"<div class='meta'>keys: {esc('; '.join(expect))}</div>")
    if result.case.must_not:
        lines.append(f"<div class='meta'>must not: {esc('; '.join(result.case.must_not))}</div>")
    return "".join(lines)


def _answer(result: EvalResult) -> str:
    answer = result.answer
    if answer is None:
        return f"<div class='err'>{esc(result.error or 'no answer')}</div>"
    flags = [
        f
        for f, on in (
            ("abstained", answer.abstained),
            ("premise rejected", answer.premise_rejected),
        )
        if on
    ]
    parts = [f"<div class='answer'>{esc(answer.text)}</div>"]
    if flags or answer.notes:
        parts.append(f"<div class='meta'>{esc(' · '.join([*flags, *answer.notes]))}</div>")
    chunks = {r.chunk_id: r for r in answer.retrieved}
    sentences = answer_sentences(answer.text)
    for c in answer.citations:
        citing = [strip_citations(s) for s in sentences if c.n in citation_numbers(s)]
        source = chunks.get(c.chunk_id)
        text = source.text if source else c.quote
        where = esc(f"{c.source_id}#{c.anchor}") if c.anchor else esc(c.source_id)
        body = highlight(text, [c.quote, *citing])
        missing = "" if source else " <span class='fail'>(not among retrieved chunks)</span>"
        parts.append(
            f"<div class='cite'><b>[{c.n}]</b> <span class='meta'>{where}</span>{missing}<div class='chunk'>{body}</div></div>"
        )
    if answer.retrieved:
        items = "".join(
            f"<div class='chunk'><span class='meta'>#{i} {esc(r.anchor or r.source_id)} · "
            f"score {r.score:.3f}</span><br>{highlight(r.text, result.case.evidence, 'ev')}</div>"
            for i, r in enumerate(answer.retrieved, 1)
        )
        parts.append(
            f"<details><summary>retrieved chunks ({len(answer.retrieved)}), evidence highlighted</summary>{items}</details>"
        )
    return "".join(parts)


def _checks(result: EvalResult) -> str:
    badges = "".join(
        f"<span class='chk {'ok' if ok else 'no'}'>{esc(name)}</span>"
        for name, ok in result.checks.items()
    )
    values = " · ".join(
        f"{esc(k)} {esc(format_value(v, k))}"
        for k, v in result.metrics.items()
        if v is not None and k != "declined"
    )
    violations = (
        f"<div class='fail'>said: {esc('; '.join(result.violations))}</div>"
        if result.violations
        else ""
    )
    return f"{badges}{violations}<div class='meta'>{values}</div>"


def _case_row(result: EvalResult) -> str:
    state = "passed" if result.passed else "failed"
    verdict = f"<span class='{'pass' if result.passed else 'fail'}'>{'PASS' if result.passed else 'FAIL'}</span>"
    return (
        f"<tr class='{state}' id='{esc(result.case.id)}'><td>{verdict}<br>{esc(result.case.id)}"
        f"<div class='meta'>{esc(result.case.kind)}</div></td>"
        f"<td>{_question(result)}</td><td>{_answer(result)}</td><td>{_checks(result)}</td></tr>"
    )
