"""Keyword side: tokenizer, light stemming, BM25 ranking."""

from __future__ import annotations

import pytest

from index.keyword import BM25Index, proper_nouns, stem, tokenize


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


def test_coverage_is_the_share_of_query_weight_a_text_holds() -> None:
    index = BM25Index(
        [
            "Battery battery battery.",
            "Cobalt mines supply the battery industry.",
            "Battery makers in Europe.",
            "Solar panels and wind.",
        ]
    )
    covered = index.coverage("cobalt battery")
    assert covered[1] == pytest.approx(1.0)  # holds every query term
    assert covered[3] == 0.0
    # repeating a common word is not a match on the rare one
    assert covered[0] == pytest.approx(covered[2])
    assert covered[0] < 0.5
    assert index.coverage("zzzz").max() == 0.0  # no indexed term: no keyword evidence


def test_a_query_word_no_text_has_weighs_as_the_commonest_shared_word() -> None:
    index = BM25Index(["Cobalt mines supply the battery industry.", "Battery makers in Europe."])
    known = index.coverage("cobalt battery")
    asked = index.coverage("cobalt battery volume")  # "volume" is in no text
    assert known[0] == pytest.approx(1.0)
    battery, cobalt = index.term_idf("batteri"), index.term_idf("cobalt")  # stemmed terms
    assert asked[0] == pytest.approx((cobalt + battery) / (cobalt + 2 * battery))
    assert asked[1] == pytest.approx(battery / (cobalt + 2 * battery))
    assert index.coverage("volume output").max() == 0.0  # nothing shared: no evidence


def test_proper_nouns_are_the_words_written_only_capitalised_inside_a_sentence() -> None:
    found = proper_nouns(
        [
            "CATL is building a plant in Debrecen, Hungary's second city.",
            "The firm built Northvolt Ett in Skelleftea.",
            "Output rose in March. Plants in the north expanded.",
            "Residents of Debrecen's east side protested.",
            "In Arnstadt, the plant opened.",
        ]
    )
    assert found["arnstadt"] == "Arnstadt"  # after a capitalised first word, still a name
    assert found["debrecen"] == "Debrecen" and found["skelleftea"] == "Skelleftea"
    assert "hungary" in found and "northvolt" in found
    assert "catl" not in found  # only ever opens a sentence here
    assert "ett" not in found  # the tail of a longer name
    assert "output" not in found and "plants" not in found


def test_forms_of_one_thing_count_as_one_word() -> None:
    index = BM25Index(
        [
            "Chinese firms such as CATL grew.",
            "China leads, and Chinese batteries sell.",
            "Firms elsewhere grew.",
            "Solar panels and wind.",
        ]
    )
    apart = index.coverage("firms China Chinese")
    grouped = index.coverage("firms China Chinese", synonyms=[["China", "Chinese"]])
    # apart, the text using both forms outscores the one on firms that uses one
    assert apart[1] > apart[0]
    # as one word, the text on Chinese firms holds the whole question
    assert grouped[0] == pytest.approx(1.0)
    assert grouped[1] < grouped[0]
    assert grouped[2] > 0.0 and grouped[3] == 0.0
