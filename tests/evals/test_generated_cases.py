"""Validation of generated questions: what is kept, what is discarded and why, and the split."""

from __future__ import annotations

import pytest

from evals.generate.cases import (
    Section,
    Source,
    Tally,
    abstain_drafts,
    abstain_items,
    answerable_drafts,
    answerable_items,
    case_ids,
    dedupe,
    longest_shared_run,
    split,
)

SENTENCE = (
    "Japanese firms have historically led in innovation, particularly in solid-state battery "
    "development."
)
SOURCE = Source("doc", "Title", "japan", SENTENCE, SENTENCE, 7)


def _one(item: dict) -> tuple[list, Tally]:
    tally = Tally()
    return answerable_drafts(SOURCE, [item], tally), tally


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"style": "casual", "question": "what are japan cos good at?", "answer": "innovation"}, None),
        ({"style": "casual", "question": "what r japan cos good at?", "answer": "great ideas"},
         "answer not verbatim in the sentence"),
        ({"style": "casual", "question": "did japan lead in innovation?", "answer": "innovation"},
         "question contains its answer"),
        ({"style": "casual",
          "question": "have japanese firms historically led in innovation, particularly in what?",
          "answer": "solid-state battery development"},
         "question copies the sentence"),
        ({"style": "multi", "question": "what did jp lead in and which tech?",
          "answers": ["innovation"]}, "multi question without two answers"),
        ({"style": "casual", "question": "japan?", "answer": "innovation"},
         "question too short or too long"),
        ({"style": "casual", "question": "what are japan cos good at?",
          "answer": SENTENCE}, "answer phrase too long"),
        ({"style": "casual", "question": "what are japan cos good at?", "answer": "in"},
         "answer phrase has no content word"),
    ],
)  # fmt: skip
def test_answerable_checks(item: dict, reason: str | None) -> None:
    drafts, tally = _one(item)
    if reason is None:
        assert len(drafts) == 1 and not tally.reasons
        assert drafts[0].evidence == (SENTENCE,) and drafts[0].answer_keys == ("innovation",)
    else:
        assert drafts == [] and tally.reasons == {reason: 1}
    assert tally.proposed == 1


def test_kind_is_measured_from_the_wording_not_the_requested_style() -> None:
    indirect, _ = _one(
        {"style": "indirect", "question": "what tech have JP cos been ahead on?",
         "answer": "solid-state battery"}
    )  # fmt: skip
    reusing, _ = _one(
        {"style": "indirect", "question": "japanese firms led innovation in which battery area?",
         "answer": "solid-state battery development"}
    )  # fmt: skip
    multi, _ = _one(
        {"style": "multi", "question": "what did japan lead in, and which kind of tech?",
         "answers": ["innovation", "solid-state battery"]}
    )  # fmt: skip
    assert indirect[0].kind == "paraphrase"
    assert reusing[0].kind == "fact"
    assert multi[0].kind == "multi" and len(multi[0].answer_keys) == 2


def test_abstain_checks_keep_absent_details_only() -> None:
    section = Section("doc", "Title", "china", "China grew fast in 2020. CATL leads.", ("CATL",))
    corpus = "China operates over 70% of facilities."
    items = [
        {"missing": "person", "question": "who runs china's battery ministry?"},
        {"missing": "year", "question": "when did china's battery push start?"},
        {"missing": "company", "question": "which firm leads china's battery sector?"},
        {"missing": "rate", "question": "is china's share like 70%?"},
        {"missing": "rate", "question": "what tariff rate does the weather in peru have?"},
        {"missing": "year", "question": "what does china make for its batteries?"},
        {"missing": "person", "question": "who is the minister for china's battery policy?"},
        {"missing": "colour", "question": "what colour are china's battery plants?"},
    ]
    tally = Tally()
    kept = abstain_drafts(section, items, corpus, tally, nearest=_near_if("minister"))
    assert [d.question for d in kept] == ["who runs china's battery ministry?"]
    assert kept[0].kind == "abstain" and kept[0].answer_keys == () and kept[0].evidence == ()
    assert tally.reasons == {
        "the section gives that kind of detail": 2,
        "unanswerable question quotes a corpus figure": 1,
        "unanswerable question is off the section's topic": 1,
        "unanswerable question asks for no known kind of detail": 1,
        "unanswerable question does not ask for its detail": 1,
        "a corpus sentence with that kind of detail is close to the question": 1,
    }


def _near_if(word: str):
    def nearest(question: str, detail: str) -> float:
        return 0.9 if word in question else 0.1

    return nearest


def test_dedupe_split_and_ids_are_deterministic_and_keep_a_sentence_on_one_side() -> None:
    tally = Tally()
    drafts = []
    for n, topic in enumerate(("japan", "tokyo", "osaka", "kyoto", "nagoya", "kobe")):
        items = [
            {"style": "casual", "question": f"what are {topic} cos good at {w}?",
             "answer": "innovation"}
            for w in ("now", "now", "lately", "these days")
        ]  # fmt: skip
        source = Source("doc", "T", "japan", SENTENCE, f"{SENTENCE} {n}", n + 1)
        drafts += answerable_drafts(source, items, tally)
    kept = dedupe(drafts, tally)
    assert tally.reasons["duplicate question"] == len(drafts) - len(kept) > 0

    dev, test = split(kept, seed=1)
    assert (dev, test) == split(kept, seed=1)
    assert {d.unit for d in dev}.isdisjoint({d.unit for d in test})
    assert len({d.unit for d in dev}) == len({d.unit for d in test})
    ids = case_ids(kept)
    assert len(set(ids)) == len(ids) and ids[0] == "gen-s001-casual-1"


def test_helpers() -> None:
    assert longest_shared_run("a b c d", "x b c d y") == 3


def test_reply_lines_parse_and_a_listed_answer_becomes_a_list_case() -> None:
    reply = (
        "style | question | answer\n"
        "1. casual | which korean cos lead? | LG Energy Solution, Samsung SDI, SK Innovation\n"
        "multi | what and where? | innovation ; solid-state battery\n"
        "garbage line without fields\n"
    )
    items = answerable_items(reply)
    assert [i["style"] for i in items] == ["casual", "multi"]
    assert items[1]["answers"] == ["innovation", "solid-state battery"]

    sentence = "South Korea's battery industry is led by LG Energy Solution, Samsung SDI, and SK Innovation."
    source = Source("doc", "T", "south-korea", sentence, sentence, 3)
    drafts = answerable_drafts(source, items[:1], Tally())
    assert drafts[0].kind == "list"
    assert drafts[0].answer_keys == ("LG Energy Solution", "Samsung SDI", "SK Innovation")
    assert abstain_items("detail | question\nyear | when did it start?\n") == [
        {"missing": "year", "question": "when did it start?"}
    ]
