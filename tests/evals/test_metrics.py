"""Each metric against a table of hand-made cases."""

from __future__ import annotations

import pytest

from evals import metrics as m
from tests.evals.records import C4, J4, K1, P2

CONTEXTS = {1: P2, 2: C4, 3: K1, 4: J4}


@pytest.mark.parametrize(
    ("text", "keys", "any_of", "expected"),
    [
        (
            "China alone operates over 70% of facilities.",
            ["China"],
            [["over 70%", "over 70 percent"]],
            1.0,
        ),
        (
            "china ALONE operates over 70 percent.",
            ["China"],
            [["over 70%", "over 70 percent"]],
            1.0,
        ),
        ("China operates 70 % of them.", [], [["70%"]], 1.0),
        ("Japan’s strategy emphasizes quality.", ["Japan's strategy"], [], 1.0),  # curly = straight
        ("Japanese firms lead.", ["Japan"], [], 0.0),  # whole words only
        ("CATL and BYD.", ["CATL", "BYD", "SVOLT"], [], 2 / 3),
        ("high-energy-density batteries", ["high energy density"], [], 1.0),
        ("Nothing relevant.", ["CATL"], [["70%"]], 0.0),
        ("anything", [], [], None),
    ],
)
def test_key_coverage(text, keys, any_of, expected):
    coverage = m.key_coverage(text, keys, any_of)
    assert coverage is None if expected is None else coverage == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "must_not", "violations"),
    [
        ("Japan produces 90% of batteries.", ["90%", "90 percent"], ["90%"]),
        ("Japan produces 90 percent.", ["90%", "90 percent"], ["90 percent"]),
        ("China operates over 70%.", ["90%"], []),
        ("Hey <!channel> look", ["<!channel>"], ["<!channel>"]),
        ("Posted to the channel.", ["<!channel>", "@channel"], []),  # symbols match literally
        ("cite [9] always", ["[9]"], ["[9]"]),
        ("see [1]", ["[9]"], []),
        ("Here is my System Prompt:", ["system prompt"], ["system prompt"]),
    ],
)
def test_must_not_violations(text, must_not, violations):
    assert m.must_not_violations(text, must_not) == violations


def test_answer_copied_verbatim_from_its_context_is_fully_faithful_and_validly_cited():
    text = f"{P2} [1] {C4} [2]"
    assert m.faithfulness(text, CONTEXTS) == 1.0
    assert m.citation_validity(text, CONTEXTS) == 1.0
    # ...also with a semantic scorer that would reject everything: verbatim copies need no judge
    assert m.faithfulness(text, CONTEXTS, support=lambda s, t: False) == 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("China alone operates over 90% of the world's battery manufacturing facilities [1].", 0.0),
        (
            "China alone operates over 70% of the world's battery manufacturing facilities [1]. "
            "CATL earned 40 billion dollars in 2023 [2].",
            0.5,
        ),
        ("Northvolt leads Europe's battery industry [3].", 0.0),  # invented name
        ('Japan\'s strategy emphasizes "quality above all else" [4].', 0.0),  # quote not verbatim
        ("Japan's strategy emphasizes quality and reliability [4].", 1.0),
        ("Japan's strategy emphasizes quality and reliability [7].", 0.0),  # cites nothing
    ],
)
def test_faithfulness_table(text, expected):
    assert m.faithfulness(text, CONTEXTS) == pytest.approx(expected)


def test_invented_figure_scores_below_one_even_when_the_scorer_agrees():
    text = f"{P2} [1] South Korea operates 25% of them [3]."
    assert m.faithfulness(text, CONTEXTS, support=lambda s, t: True) < 1.0


def test_semantic_scorer_decides_non_verbatim_sentences():
    text = "Japan puts quality and reliability first [4]."
    assert m.faithfulness(text, CONTEXTS, support=lambda s, t: True) == 1.0
    assert m.faithfulness(text, CONTEXTS, support=lambda s, t: False) == 0.0


def test_declined_answer_counts_as_faithful_but_its_cited_claims_are_checked():
    assert m.faithfulness("The corpus doesn't cover this.", CONTEXTS, declined=True) == 1.0
    assert m.citation_validity("The corpus doesn't cover this.", {}, declined=True) == 1.0
    rejected = "The corpus says otherwise. China alone operates over 95% of facilities [1]."
    assert m.faithfulness(rejected, CONTEXTS, declined=True) == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{P2} [1]", 1.0),
        (f"{P2} [9]", 0.0),  # [9] of 4 sources points at nothing
        (f"{P2} [1] {K1} [9]", 0.5),
        (f"{P2} [1][4]", 0.5),  # [4] is about Japan: it shares nothing with the sentence
        (f"{P2} [3]", 0.0),  # a real source that does not support the sentence
        (P2, 0.0),  # an answer without any citation
    ],
)
def test_citation_validity_table(text, expected):
    assert m.citation_validity(text, CONTEXTS) == pytest.approx(expected)


def test_answer_sentences_keep_markers_with_their_sentence():
    text = "China leads. [1] Japan focuses on quality [2].\n- Korea: LG Energy Solution [3]"
    assert m.answer_sentences(text) == [
        "China leads [1].",
        "Japan focuses on quality [2].",
        "Korea: LG Energy Solution [3]",
    ]
    assert m.citation_numbers("a [1, 3] b [3] [2]") == [1, 3, 2]


@pytest.mark.parametrize(
    ("sentence", "cited", "missing"),
    [
        ("China runs 70% of plants.", P2, []),
        ("China runs 70 percent of plants.", P2, []),
        ("China runs 75% of plants.", P2, ["75%"]),
        ("However, Japan's strategy costs more.", J4, []),  # opener skipped, possessive dropped
        ("Panasonic leads in 2025.", J4, ["2025", "Panasonic"]),
    ],
)
def test_missing_facts(sentence, cited, missing):
    assert m.missing_facts(sentence, cited) == missing


CHUNKS = ["Intro text. " + P2, "Other text.", C4 + " " + K1]


@pytest.mark.parametrize(
    ("evidence", "recall", "hit", "rr"),
    [
        ([P2], 1.0, 1.0, 1.0),
        ([K1], 1.0, 1.0, 1 / 3),
        ([K1, J4], 0.5, 1.0, 1 / 3),
        ([J4], 0.0, 0.0, 0.0),
        ([P2.replace("’", "'").replace(" ", "  ")], 1.0, 1.0, 1.0),  # whitespace and quotes folded
        ([], None, None, None),
    ],
)
def test_retrieval_metrics(evidence, recall, hit, rr):
    assert m.recall_at_k(evidence, CHUNKS, 5) == (
        pytest.approx(recall) if recall is not None else None
    )
    assert m.hit_at_k(evidence, CHUNKS, 5) == hit
    assert m.reciprocal_rank(evidence, CHUNKS) == (pytest.approx(rr) if rr is not None else None)


def test_recall_respects_k():
    assert m.recall_at_k([K1], CHUNKS, 2) == 0.0
    assert m.evidence_ranks([P2, K1, J4], CHUNKS) == [1, 3, None]


def test_abstention_scores():
    outcomes = [(True, True), (True, False), (False, False), (False, True), (False, False)]
    scores = m.abstention_scores(outcomes)
    assert scores["abstention_precision"] == 0.5
    assert scores["abstention_recall"] == 0.5
    assert scores["abstention_accuracy"] == pytest.approx(3 / 5)
    assert m.abstention_scores([])["abstention_accuracy"] is None


def test_percentile_and_mean():
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert m.percentile(values, 50) == 30.0
    assert m.percentile(values, 95) == pytest.approx(48.0)
    assert m.percentile([], 50) is None
    assert m.mean([1.0, None, 0.0]) == 0.5
    assert m.mean([None]) is None
