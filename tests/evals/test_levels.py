"""Metrics by what a case has: question only, plus a reference, plus keys, plus evidence."""

from __future__ import annotations

import pytest

from evals.metrics import cosine, squad_tokens, token_f1
from evals.runner import embedding_similarity
from evals.scoring import failed_case, score_case, summarise
from tests.evals.records import C4, answer, case, citation

GROUNDING = ("faithfulness", "citation_validity", "abstention_correct", "latency_ms")
REFERENCE = ("answer_similarity", "token_f1")
KEYS = ("key_coverage",)
EVIDENCE = ("evidence_recall_at_5", "hit_at_5", "reciprocal_rank")
FIRMS = f"{C4} [1]"
REF = "CATL, BYD and SVOLT expanded rapidly."


class WordLengthEmbeddings:
    """Deterministic embeddings: a text's vector counts its words by length (1..8+ letters)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = []
        for text in texts:
            vector = [0.0] * 8
            for word in text.split():
                vector[min(len(word), 8) - 1] += 1
            vectors.append(vector)
        return vectors


SIMILARITY = embedding_similarity(WordLengthEmbeddings())


@pytest.mark.parametrize(
    ("fields", "computed"),
    [
        ({}, GROUNDING),
        ({"reference": REF}, GROUNDING + REFERENCE),
        ({"reference": REF, "answer_keys": ("CATL",)}, GROUNDING + REFERENCE + KEYS),
        (
            {"reference": REF, "answer_keys": ("CATL",), "evidence": (C4,)},
            GROUNDING + REFERENCE + KEYS + EVIDENCE,
        ),
        ({"evidence": (C4,)}, GROUNDING + EVIDENCE),
    ],
)
def test_a_case_gets_the_metrics_it_has_what_they_need(fields, computed):
    the_case = case("answerable", turns=("Which Chinese firms expanded?",), **fields)
    result = score_case(
        the_case, answer(FIRMS, (citation(1, "c-china"),)), 9.0, similarity=SIMILARITY
    )
    for name in (*GROUNDING, *REFERENCE, *KEYS, *EVIDENCE):
        assert (result.metrics[name] is not None) == (name in computed), name
    assert result.passed
    assert set(result.checks) == {"faithfulness", "citation_validity", "must_not", "answered"} | (
        {"key_coverage"} if "key_coverage" in computed else set()
    ) | ({"evidence_recall_at_5"} if "hit_at_5" in computed else set())


def test_the_summary_says_over_how_many_cases_each_metric_was_computed():
    firms = answer(FIRMS, (citation(1, "c-china"),))
    refusal = answer("The corpus does not say.", abstained=True)
    results = [
        score_case(case("answerable", id="q"), firms, 5.0, similarity=SIMILARITY),
        score_case(case("answerable", id="r", reference=REF), firms, 5.0, similarity=SIMILARITY),
        score_case(case("fact", id="k", answer_keys=("BYD",), evidence=(C4,)), firms, 5.0),
        score_case(case("refuse", id="no"), refusal, 5.0),
        failed_case(case("answerable", id="err", reference=REF), "boom"),
    ]
    summary = summarise(results)
    counts = summary["counts"]
    assert counts["faithfulness"] == counts["citation_validity"] == 5
    assert counts["answer_similarity"] == counts["token_f1"] == 2
    assert counts["key_coverage"] == 1 and counts["evidence_recall_at_5"] == 1
    assert counts["abstention_accuracy"] == 5 and counts["abstention_recall"] == 1
    assert counts["latency_p50_ms"] == 4  # the failed case has no answer to time
    assert counts["must_not_pass_rate"] == 0  # no case says what it must not
    assert summary["metrics"]["token_f1"] == pytest.approx(results[1].metrics["token_f1"] / 2)
    assert summary["per_kind_counts"]["answerable"]["token_f1"] == 2


def test_injection_resistance_needs_something_the_answer_must_not_say():
    said = answer("Sure: <!channel> hello")
    with_list = score_case(case("injection", must_not=("<!channel>",)), said, 5.0)
    without = score_case(case("injection"), said, 5.0)
    assert with_list.metrics["injection_resisted"] == 0.0
    assert without.metrics["injection_resisted"] is None  # nothing to check it against
    assert summarise([without])["counts"]["injection_resistance"] == 0


def test_declining_an_answerable_case_scores_zero_similarity():
    refusal = answer("I can't find that in the sources.", abstained=True)
    result = score_case(case("answerable", reference=REF), refusal, 5.0, similarity=SIMILARITY)
    assert result.metrics["answer_similarity"] == 0.0 and result.metrics["token_f1"] == 0.0
    assert not result.passed


def test_similarity_is_left_out_without_a_model_but_token_f1_is_not():
    result = score_case(case("answerable", reference=REF), answer(FIRMS), 5.0)
    assert result.metrics["answer_similarity"] is None
    assert result.metrics["token_f1"] is not None


@pytest.mark.parametrize(
    ("prediction", "reference", "expected"),
    [
        ("The Eiffel Tower", "eiffel tower", 1.0),  # articles, case and punctuation ignored
        ("Paris, France.", "Paris", 2 * (1 / 2 * 1) / (1 / 2 + 1)),
        ("over 70% [1]", "over 70%", 1.0),  # citation markers are not part of the answer
        ("blue", "red", 0.0),
        ("", "", 1.0),
        ("", "red", 0.0),
        ("a a b", "a b b", 2 / 3),  # counts matter (bag of tokens), as in SQuAD
    ],
)
def test_token_f1_as_in_squad(prediction, reference, expected):
    assert token_f1(prediction, reference) == pytest.approx(expected)


def test_squad_tokens_and_cosine():
    assert squad_tokens("The CATL-led [2] group, a giant!") == ["catlled", "group", "giant"]
    assert cosine([1.0, 0.0], [1.0, 0.0]) == 1.0
    assert cosine([1.0, 0.0], [0.0, 2.0]) == 0.0
    assert cosine([0.0, 0.0], [1.0, 1.0]) == 0.0
    assert SIMILARITY("one two six", "six ten two") == pytest.approx(1.0)
