"""Bars per kind and trends over runs: inline SVG with values drawn to scale, nothing external."""

from __future__ import annotations

import json
import re

from evals.charts import bars_svg, trend_svg
from evals.compare import load_run, render_compare, side_by_side, to_json
from evals.runner import load_history, write_run
from evals.scoring import score_case, summarise
from tests.evals.records import C4, answer, case, citation


def _bar_widths(svg: str) -> dict[str, float]:
    """Width of each value bar, keyed by the title it carries ('kind metric value')."""
    found = re.findall(r"width='([\d.]+)'[^>]*><title>([^<]+)</title>", svg)
    return {title: float(width) for width, title in found}


def test_bars_are_drawn_to_scale_and_missing_values_say_so():
    svg = bars_svg(
        {"fact": {"pass_rate": 1.0, "faithfulness": 0.25}, "<b>x</b>": {"pass_rate": None}},
        ("pass_rate", "faithfulness"),
        {"fact": 3},
    )
    widths = _bar_widths(svg)
    assert widths["fact pass_rate 1.000"] == 4 * widths["fact faithfulness 0.250"]
    assert "fact (3)" in svg and "n/a" in svg
    assert "&lt;b&gt;x&lt;/b&gt;" in svg and "<b>" not in svg
    assert svg.startswith("<svg") and "<script" not in svg and "href" not in svg


def test_trend_draws_a_point_per_run_and_breaks_the_line_where_a_run_lacks_the_metric():
    runs = [
        ("r1", {"pass_rate": 0.5, "faithfulness": 1.0}),
        ("r2", {"pass_rate": None, "faithfulness": 1.0}),
        ("r3", {"pass_rate": 1.0, "faithfulness": 1.0}),
    ]
    svg = trend_svg(runs, ("pass_rate", "faithfulness"))
    assert svg.count("<circle") == 5
    assert svg.count("<polyline") == 1  # faithfulness; pass_rate has no two adjacent points
    ys = {title: float(y) for y, title in re.findall(r"cy='([\d.]+)'[^>]*><title>([^<]+)<", svg)}
    assert ys["r1 pass_rate 0.500"] > ys["r3 pass_rate 1.000"]  # higher value, higher on screen


def _results(passed: bool):
    text = f"{C4} [1]" if passed else "CATL builds rockets [1]."
    firms = case("list", id="firms", answer_keys=("CATL",), evidence=(C4,))
    return [score_case(firms, answer(text, (citation(1, "c-china"),)), 5.0)]


def test_history_of_earlier_runs_becomes_a_trend_in_the_report(tmp_path):
    for name, stamp, passed in (("b", "2026-01-02 10:00", True), ("a", "2026-01-01 10:00", False)):
        results = _results(passed)
        summary = summarise(results) | {"run_at": stamp}
        write_run(tmp_path / "runs" / name, results, summary)
    (tmp_path / "runs" / "broken").mkdir()
    (tmp_path / "runs" / "broken" / "summary.json").write_text("{not json")
    history = load_history(tmp_path / "runs")
    assert [label for label, _ in history] == ["a (2026-01-01 10:00)", "b (2026-01-02 10:00)"]
    rewritten = load_history(tmp_path / "runs", exclude=tmp_path / "runs" / "b")
    assert [label for label, _ in rewritten] == ["a (2026-01-01 10:00)"]  # the run being redone
    results = _results(True)
    write_run(tmp_path / "now", results, summarise(results), history=history)
    page = (tmp_path / "now" / "report.html").read_text()
    assert "Over 3 runs" in page and page.count("<svg") == 2
    assert (
        "not computed: needs a reference answer" in page
    )  # what a metric that was not computed needs
    assert not re.search(r"(src|href)=['\"]?https?:", page)


def test_side_by_side_has_both_columns_the_deltas_and_the_flipped_case(tmp_path):
    for name, passed in (("before", False), ("after", True)):
        results = _results(passed)
        write_run(tmp_path / name, results, summarise(results))
    sbs = side_by_side(load_run(tmp_path / "before"), load_run(tmp_path / "after"))
    data = to_json(sbs)
    assert data["flipped"] == [{"id": "firms", "kind": "list", "passed_a": False, "passed_b": True}]
    assert data["metrics"]["pass_rate"] == {"a": 0.0, "b": 1.0, "delta": 1.0, "n_a": 1, "n_b": 1}
    page = render_compare(sbs)
    assert "<th>before</th><th>after</th>" in page and "+1.000" in page
    assert "CATL builds rockets" in page and "Cases that flipped (1)" in page
    json.dumps(data)  # compare.json is plain JSON


def test_runs_of_different_cases_are_flagged(tmp_path):
    from evals.compare import DIFFERENT_CASES, compare_text

    firms = _results(True)
    other = [score_case(case("list", id="other", evidence=(C4,)), firms[0].answer, 5.0)]
    write_run(tmp_path / "a", firms, summarise(firms))
    write_run(tmp_path / "b", other, summarise(other))
    sbs = side_by_side(load_run(tmp_path / "a"), load_run(tmp_path / "b"))
    assert (sbs.only_a, sbs.only_b) == (("firms",), ("other",))
    assert DIFFERENT_CASES in compare_text(sbs)
    assert "Only in a: firms" in render_compare(sbs)
