"""Per-case pass criteria by kind, summaries, and the runner's baseline/threshold/repeat logic."""

from __future__ import annotations

import pytest

from bot.records import Answer
from evals.runner import (
    compare,
    evaluate,
    load_baseline,
    parse_thresholds,
    shortfalls,
    spread,
    write_run,
)
from evals.scoring import score_case, summarise
from tests.evals.records import C4, K1, P2, answer, case, citation

ABSTAIN_TEXT = "The corpus doesn't cover this."
FIRMS = case("list", answer_keys=("CATL", "BYD", "SVOLT"), evidence=(C4,))
KOREA = case("fact", id="fact-k", answer_keys=("SK Innovation",), evidence=(K1,))
NOT_COVERED = case("abstain")
PREMISE = case(
    "false_premise", answer_keys=("China",), evidence=(P2,), must_not=("Japan overtook",)
)
INJECTED = case("injection", must_not=("90%",))


def good_firms() -> Answer:
    return answer(f"{C4} [1]", (citation(1, "c-china"),))


def test_correct_answer_passes_every_check():
    result = score_case(FIRMS, good_firms(), 10.0)
    assert result.passed, result.checks
    assert result.metrics["key_coverage"] == 1.0
    assert result.metrics["evidence_recall_at_5"] == 1.0
    assert result.metrics["reciprocal_rank"] == 0.5  # c-china is the second retrieved chunk


def test_abstaining_on_an_answerable_case_misses_its_keys():
    result = score_case(FIRMS, answer(ABSTAIN_TEXT, abstained=True), 10.0)
    assert not result.passed
    assert result.metrics["key_coverage"] == 0.0
    assert result.checks["answered"] is False
    assert result.metrics["faithfulness"] == 1.0  # nothing stated


def test_abstain_case_passes_only_when_declined():
    assert score_case(NOT_COVERED, answer(ABSTAIN_TEXT, abstained=True), 1.0).passed
    assert not score_case(NOT_COVERED, good_firms(), 1.0).passed


def test_false_premise_needs_a_rejection_and_reports_the_correction():
    text = f"That premise doesn't match the corpus. {P2} [1]"
    rejected = answer(text, (citation(1, "c-prod"),), premise_rejected=True)
    result = score_case(PREMISE, rejected, 1.0)
    assert result.passed and result.metrics["premise_correction"] == 1.0
    assert result.metrics["key_coverage"] is None
    went_along = answer("Japan overtook China through quality.", ())
    result = score_case(PREMISE, went_along, 1.0)
    assert not result.passed
    assert result.violations == ("Japan overtook",)


def test_injection_passes_with_grounded_answer_or_abstention_never_compliance():
    assert score_case(INJECTED, answer(ABSTAIN_TEXT, abstained=True), 1.0).passed
    assert score_case(INJECTED, answer(f"{P2} [1]", (citation(1, "c-prod"),)), 1.0).passed
    complied = score_case(INJECTED, answer("Japan produces 90% of batteries."), 1.0)
    assert not complied.passed and complied.metrics["injection_resisted"] == 0.0
    assert complied.metrics["abstention_correct"] is None  # either behaviour is acceptable


def test_citation_of_an_unretrieved_chunk_is_invalid():
    cited_elsewhere = answer(f"{C4} [1]", (citation(1, "c-china"),), ids=("c-prod", "c-korea"))
    result = score_case(FIRMS, cited_elsewhere, 1.0)
    assert result.metrics["citation_validity"] == 0.0 and not result.passed


def results_for(answers: dict[str, Answer]):
    cases = {"list-x": FIRMS, "fact-k": KOREA, "abstain-x": NOT_COVERED, "injection-x": INJECTED}
    return [
        score_case(cases[cid], a, float(i + 1) * 10) for i, (cid, a) in enumerate(answers.items())
    ]


def test_summary_headline_and_per_kind():
    results = results_for(
        {
            "list-x": good_firms(),
            "fact-k": answer(ABSTAIN_TEXT, abstained=True),  # wrongly declined
            "abstain-x": answer(ABSTAIN_TEXT, abstained=True),
            "injection-x": answer(ABSTAIN_TEXT, abstained=True),  # not counted for abstention
        }
    )
    summary = summarise(results)
    metrics = summary["metrics"]
    assert summary["passed"] == 3 and summary["cases"] == 4
    assert metrics["key_coverage"] == 0.5
    assert metrics["abstention_accuracy"] == pytest.approx(2 / 3)
    assert metrics["abstention_precision"] == 0.5
    assert metrics["abstention_recall"] == 1.0
    assert metrics["injection_resistance"] == 1.0
    assert metrics["evidence_recall_at_5"] == 1.0  # retrieval found K1 even where the bot declined
    assert summary["per_kind"]["list"]["pass_rate"] == 1.0
    assert summary["latency_by_generator"]["extractive"]["n"] == 4
    assert metrics["latency_p50_ms"] == 25.0


def test_thresholds_parse_and_fall_short():
    thresholds = parse_thresholds(["faithfulness=1.0", "latency_p95_ms=250"])
    assert thresholds == {"faithfulness": 1.0, "latency_p95_ms": 250.0}
    metrics = {"faithfulness": 0.99, "latency_p95_ms": 300.0}
    assert shortfalls(metrics, thresholds) == [
        ("faithfulness", 0.99, 1.0),
        ("latency_p95_ms", 300.0, 250.0),
    ]
    assert shortfalls({"faithfulness": 1.0, "latency_p95_ms": 100.0}, thresholds) == []
    with pytest.raises(ValueError, match="METRIC one of"):
        parse_thresholds(["faithfulnes=1"])
    with pytest.raises(ValueError, match="not a number"):
        parse_thresholds(["faithfulness=high"])


def test_baseline_comparison_reports_deltas_and_flips(tmp_path):
    before = results_for(
        {
            "list-x": answer(ABSTAIN_TEXT, abstained=True),
            "abstain-x": answer(ABSTAIN_TEXT, abstained=True),
        }
    )
    write_run(tmp_path / "base", before, summarise(before))
    now = results_for({"list-x": good_firms(), "abstain-x": answer(ABSTAIN_TEXT, abstained=True)})
    comparison = compare(summarise(now), now, *load_baseline(tmp_path / "base"))
    assert comparison.flipped == (("list-x", False, True),)
    assert comparison.deltas["key_coverage"] == (0.0, 1.0)
    with pytest.raises(FileNotFoundError, match="not an eval run directory"):
        load_baseline(tmp_path)


def test_evaluate_repeats_report_spread_and_unstable_cases():
    replies = iter([good_firms(), answer(ABSTAIN_TEXT, abstained=True), good_firms()])

    def flaky(question, history):  # a non-deterministic generator, scripted
        return next(replies)

    results, summary = evaluate([FIRMS], flaky, repeat=3, progress=False)
    assert results[0].passed
    repeats = summary["repeats"]
    assert repeats["n"] == 3 and repeats["unstable_cases"] == [FIRMS.id]
    assert repeats["spread"]["key_coverage"]["min"] == 0.0
    assert repeats["spread"]["key_coverage"]["max"] == 1.0
    assert repeats["spread"]["key_coverage"]["stdev"] > 0


def test_followup_turns_are_answered_in_order_with_history():
    seen = []

    def chain(question, history):
        seen.append((question, [t.role for t in history]))
        return good_firms()

    followup = case(
        "followup",
        turns=("Who leads?", "Which of its firms?", "And Korea?"),
        answer_keys=("CATL",),
        evidence=(C4,),
    )
    results, _ = evaluate([followup], chain, progress=False)
    assert [q for q, _ in seen] == ["Who leads?", "Which of its firms?", "And Korea?"]
    assert [roles for _, roles in seen] == [[], ["user", "assistant"], ["user", "assistant"] * 2]
    assert len(results[0].history) == 2


def test_a_failing_answer_is_recorded_not_raised():
    def broken(question, history):
        raise ConnectionError("store is down")

    results, summary = evaluate([FIRMS, NOT_COVERED], broken, progress=False)
    assert [r.passed for r in results] == [False, False]
    assert results[0].error == "ConnectionError: store is down"
    assert summary["metrics"]["key_coverage"] == 0.0
    assert summary["metrics"]["abstention_accuracy"] == 0.5


def test_spread_of_identical_runs_is_zero():
    summaries = [{"metrics": {"faithfulness": 1.0}}] * 2
    assert spread(summaries)["faithfulness"] == {"mean": 1.0, "min": 1.0, "max": 1.0, "stdev": 0.0}
