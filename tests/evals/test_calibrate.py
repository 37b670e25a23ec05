"""The calibration sweep over hand-made rows: which floor and gaps the data suggests."""

from __future__ import annotations

from evals.calibrate import sweep


def row(
    answerable: bool,
    best: float,
    gap: float | None = 0.0,
    many: bool = False,
    known: float | None = None,
    false_premise: bool = False,
) -> dict:
    return {
        "id": "x",
        "answerable": answerable,
        "many": many,
        "best_similarity": best,
        "gap_needed": gap,
        "premise_known": known,
        "false_premise": false_premise,
    }


def test_the_premise_bar_trades_true_premises_checked_for_false_ones_let_through():
    rows = [
        row(True, 0.5, known=0.2),  # a paraphrase of a true premise
        row(True, 0.5, known=0.8),
        row(False, 0.5, known=0.9, false_premise=True),  # restates the corpus, one change
        row(False, 0.5, known=0.4, false_premise=True),
        row(True, 0.5),  # no premise
    ]
    bars = {b["bar"]: b for b in sweep(rows)["premise_words_known"]}
    assert bars[0.5] == {
        "bar": 0.5,
        "true_checked": 1,
        "true_premises": 2,
        "false_unchecked": 1,
        "false_premises": 2,
    }
    assert bars[0.0]["true_checked"] == 2 and bars[0.0]["false_unchecked"] == 0


def test_the_floor_is_the_middle_of_those_refusing_fewest_answerable_and_catching_most():
    rows = [row(True, 0.32), row(True, 0.6), row(False, 0.04), row(False, 0.18)]
    result = sweep(rows)["relevance_floor"]
    # 0.2, 0.25 and 0.3 refuse no answerable question and catch both others: the middle one
    assert result["chosen"] == 0.25
    at_020 = next(f for f in result["table"] if f["floor"] == 0.2)
    assert at_020 == {"floor": 0.2, "answerable_refused": 0, "unanswerable_caught": 2}


def test_the_gap_is_the_smallest_reaching_most_cases_keys():
    rows = [row(True, 0.5, g) for g in (0.0, 0.0, 0.02, 0.04, 0.05, 0.06, 0.07, 0.09, 0.1, 0.3)]
    gaps = sweep(rows)["gaps"]["one"]
    assert gaps["chosen"] == 0.1  # 9 of 10 cases reached
    assert gaps["unreachable"] == 0


def test_cases_whose_keys_were_never_retrieved_count_against_every_gap():
    rows = [row(True, 0.5, None), row(True, 0.5, 0.0)]
    gaps = sweep(rows)["gaps"]["one"]
    assert gaps["unreachable"] == 1
    assert all(t["share_reached"] <= 0.5 for t in gaps["table"])
