"""Keyword side: tokenizer, light stemming, BM25 ranking."""

from __future__ import annotations

import pytest

from index.keyword import BM25Index, stem, tokenize


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("batteries", "battery"),
        ("countries", "country"),
        ("scaling", "scale"),
        ("refined", "refining"),
        ("planned", "plan"),
        ("taxes", "tax"),
        ("policies", "policy"),
    ],
)
def test_inflections_share_a_stem(left: str, right: str) -> None:
    assert stem(left) == stem(right)


def test_tokenize_drops_stopwords_punctuation_and_possessives() -> None:
    assert tokenize("What is Japan’s share of the lithium-ion market?") == [
        "japan",
        stem("share"),
        "lithium",
        "ion",
        "market",
    ]
    assert "70.5" in tokenize("about 70.5% of capacity")


def test_bm25_ranks_the_text_with_rare_matching_terms_first() -> None:
    texts = [
        "Battery production in China.",
        "Cobalt mines in the Congo supply battery makers.",
        "Battery battery battery exports.",
        "Nothing relevant here.",
    ]
    index = BM25Index(texts)
    scores = index.scores("cobalt batteries")
    assert int(scores.argmax()) == 1
    assert scores[3] == 0
    assert index.scores("unknown words").max() == 0
    assert index.term_idf(stem("cobalt")) > index.term_idf(stem("battery"))
    assert index.term_idf("never-seen") == index.max_idf
