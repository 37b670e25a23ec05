"""The grounding guard as tables: what counts as support, what gets dropped."""

from __future__ import annotations

import pytest

from bot.guard import complete, guard, has_citation, missing_terms, sentence_support

FACILITIES = (
    "China alone operates over 70% of the world’s battery manufacturing facilities, with massive "
    "gigafactories supplying both domestic and international markets."
)
LEADER = (
    "China is the undisputed leader in battery manufacturing, accounting for the majority of "
    "global production capacity."
)
KOREA = "South Korea has focused on high-energy-density batteries."
JAPAN = "Japan faces challenges in scaling production compared to China and South Korea."
CONTEXTS = {1: FACILITIES, 2: LEADER, 3: KOREA, 4: JAPAN}


@pytest.mark.parametrize(
    ("sentence", "cited", "supported", "missing"),
    [
        pytest.param(f"{FACILITIES[:-1]} [1].", FACILITIES, True, (), id="verbatim"),
        pytest.param(
            "China is the undisputed leader in battery manufacturing [2].",
            LEADER,
            True,
            (),
            id="verbatim-clause",
        ),
        pytest.param(
            "China operates 90% of the world's battery manufacturing facilities [1].",
            FACILITIES,
            False,
            ("90%",),
            id="invented-number",
        ),
        pytest.param(
            "Japan is the undisputed leader in battery manufacturing [2].",
            LEADER,
            False,
            ("Japan",),
            id="swapped-name",
        ),
        pytest.param(
            "US is the undisputed leader in battery manufacturing [2].",
            LEADER,
            False,
            ("US",),
            id="swapped-name-sentence-initial-acronym",
        ),
        pytest.param(
            "China is not the undisputed leader in battery manufacturing [2].",
            LEADER,
            False,
            ("(negation)",),
            id="negation-added",
        ),
        pytest.param(
            "China operates over 70% of facilities in 2031 [1].",
            FACILITIES,
            False,
            ("2031",),
            id="invented-year",
        ),
        pytest.param(
            'China calls it a "battery miracle" [2].',
            LEADER,
            False,
            ('"battery miracle"',),
            id="invented-quote",
        ),
        pytest.param(
            "Bananas grow quickly in tropical weather [2].", LEADER, False, (), id="off-topic"
        ),
    ],
)
def test_sentence_support(sentence, cited, supported, missing):
    support = sentence_support(sentence, [cited])
    assert support.supported is supported
    assert set(missing) <= set(support.missing_terms)
    assert "[" not in support.sentence  # the recorded sentence is the plain text


def test_support_without_cited_text_is_unsupported():
    support = sentence_support("China is the undisputed leader [1].", [])
    assert not support.supported
    assert support.similarity == 0.0 and support.overlap == 0.0


def test_percent_spelled_out_matches_the_symbol():
    assert missing_terms("China operates over 70 percent of facilities.", FACILITIES) == ()


def test_typography_does_not_count_as_a_difference():
    # The corpus writes ’ (curly); an answer writing ' (straight) quotes it verbatim.
    assert sentence_support(FACILITIES.replace("’", "'"), [FACILITIES]).supported


def test_similarity_function_can_rescue_a_paraphrase_but_not_a_missing_name():
    paraphrase = "China is the clear leader in battery production capacity [2]."
    always_close = lambda s, candidates: 0.95  # noqa: E731
    assert sentence_support(paraphrase, [LEADER], always_close).supported
    swapped = "Japan is the clear leader in battery production capacity [2]."
    assert not sentence_support(swapped, [LEADER], always_close).supported


def test_guard_keeps_supported_sentences_with_their_markers():
    result = guard(f"{LEADER[:-1]} [2]. {KOREA[:-1]} [3].", CONTEXTS)
    assert result.text == f"{LEADER[:-1]} [2]. {KOREA[:-1]} [3]."
    assert result.cited == (2, 3)
    assert all(s.supported for s in result.support)


def test_guard_drops_an_invented_figure_and_keeps_the_rest():
    text = "China operates 90% of battery facilities [1]. " + f"{KOREA[:-1]} [3]."
    result = guard(text, CONTEXTS)
    assert "90%" not in result.text
    assert KOREA[:-1] in result.text
    assert [s.supported for s in result.support] == [False, True]
    assert result.cited == (3,)


def test_guard_drops_a_marker_that_points_at_nothing():
    result = guard("China is the undisputed leader in battery manufacturing [9].", CONTEXTS)
    assert result.empty
    assert "[9]" not in result.text
    assert result.support[0].cited == ()


def test_guard_keeps_valid_markers_and_removes_dangling_ones():
    result = guard("China is the undisputed leader in battery manufacturing [2, 9].", CONTEXTS)
    assert result.text == "China is the undisputed leader in battery manufacturing [2]."
    assert result.cited == (2,)


def test_guard_handles_markers_written_after_the_full_stop():
    result = guard("China is the undisputed leader in battery manufacturing. [2]", CONTEXTS)
    assert result.text == "China is the undisputed leader in battery manufacturing [2]."
    assert result.cited == (2,)


def test_guard_drops_a_sentence_without_citation():
    text = "China is the undisputed leader in battery manufacturing. " + f"{KOREA[:-1]} [3]."
    result = guard(text, CONTEXTS)
    assert result.text == f"{KOREA[:-1]} [3]."
    assert [s.supported for s in result.support] == [False, True]


def test_guard_returns_empty_when_nothing_is_supported():
    result = guard("Japan produces 90% of batteries [1]. Nobody else matters.", CONTEXTS)
    assert result.empty
    assert result.text == "" and result.cited == ()
    assert not any(s.supported for s in result.support)


def test_guard_reads_bulleted_lines_as_sentences():
    text = f"- {LEADER[:-1]} [2]\n- {KOREA[:-1]} [3]"
    result = guard(text, CONTEXTS)
    assert result.cited == (2, 3)
    assert len(result.support) == 2


@pytest.mark.parametrize(
    ("text", "expected"), [("a [1].", True), ("a [1, 2].", True), ("a (1).", False), ("", False)]
)
def test_has_citation(text, expected):
    assert has_citation(text) is expected


def test_a_sentence_with_a_content_word_its_citation_lacks_is_dropped():
    cited = (
        "Europe is pursuing similar strategies, with the European Battery Alliance aiming to "
        "establish a self-sufficient supply chain."
    )
    result = guard("The European Battery Alliance was founded [1].", {1: cited})
    assert result.empty, "the corpus says the Alliance is aiming, not that it was founded"


GIVEN = {
    1: "Chinese firms such as CATL, BYD, and SVOLT have expanded rapidly, leveraging domestic "
    "supply chains for raw materials like lithium, cobalt, and nickel.",
    2: "China has secured lithium supplies through investments in Australia, South America, "
    "and Africa, while South Korea and Japan have pursued long-term contracts.",
}


def test_completion_restores_a_cut_sentence_and_adds_an_uncited_one():
    written = guard("CATL, BYD, and SVOLT [1].", GIVEN)
    assert written.text == "CATL, BYD, and SVOLT [1]."  # supported, but cut to its names
    completed = complete(written, GIVEN)
    assert completed == f"{GIVEN[1][:-1]} [1]. {GIVEN[2][:-1]} [2]."
    assert guard(completed, GIVEN).cited == (1, 2)


def test_completion_keeps_the_writers_order_and_full_sentences():
    text = (
        "China has secured lithium supplies through investments in Australia, South America, "
        "and Africa, while South Korea and Japan have pursued long-term contracts [2]. "
        "Chinese firms such as CATL, BYD and SVOLT expanded rapidly, leveraging domestic supply "
        "chains for raw materials like lithium, cobalt and nickel [1]."
    )
    written = guard(text, GIVEN)
    assert complete(written, GIVEN) == written.text
