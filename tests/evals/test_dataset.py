"""The dataset checker: the shipped set loads; each kind of mistake is reported with its line."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from corpus.loaders import load_documents
from evals.dataset import KINDS, UNLABELLED_KINDS, DatasetError, corpus_text, load_dataset

REPO = Path(__file__).resolve().parents[2]
DATASET = REPO / "evals" / "datasets" / "grounding.jsonl"
P2 = "China alone operates over 70% of the world’s battery manufacturing facilities, with massive gigafactories supplying both domestic and international markets."
GOOD = {
    "id": "ok-1",
    "kind": "fact",
    "question": "Who runs most plants?",
    "answer_keys": ["China"],
    "evidence": [P2],
}


@pytest.fixture(scope="module")
def corpus() -> str:
    documents, problems = load_documents(REPO / "corpus" / "documents")
    assert not problems
    return corpus_text(documents)


def write(tmp_path: Path, *rows) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    return path


def problems_of(tmp_path: Path, corpus: str, *rows) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_dataset(write(tmp_path, *rows), corpus)
    return [f"{p.line}: {p.reason}" for p in info.value.problems]


def test_shipped_dataset_is_valid_and_covers_every_kind(corpus):
    cases = load_dataset(DATASET, corpus)
    counts = Counter(c.kind for c in cases)
    assert len(cases) >= 90
    labelled = set(KINDS) - set(UNLABELLED_KINDS)
    assert set(counts) == labelled
    assert all(counts[k] >= 8 for k in labelled)
    assert all(len(c.turns) >= 2 for c in cases if c.kind == "followup")
    assert all(not c.answer_keys and not c.evidence for c in cases if c.kind == "abstain")


@pytest.mark.parametrize("name", ["field", "heldout"])
def test_the_regression_sets_load_against_the_corpus(corpus, name):
    cases = load_dataset(REPO / "evals" / "datasets" / f"{name}.jsonl", corpus)
    assert len({c.id for c in cases}) == len(cases) >= 60
    assert {"fact", "list", "compare", "followup", "abstain", "false_premise"} <= {
        c.kind for c in cases
    }


def test_the_off_topic_set_loads_and_asks_only_to_be_declined(corpus):
    cases = load_dataset(REPO / "evals" / "datasets" / "offtopic.jsonl", corpus)
    assert len({c.id for c in cases}) == len(cases) == 60
    assert all(c.kind == "abstain" and c.should_decline and not c.evidence for c in cases)


def test_paraphrase_questions_share_no_content_word_with_their_source(corpus):
    from bot.text import content_terms

    for case in load_dataset(DATASET, corpus):
        if case.kind == "paraphrase":
            shared = set(content_terms(case.question)) & set(content_terms(" ".join(case.evidence)))
            assert not shared, f"{case.id} shares {shared} with its source sentence"


def test_good_line_loads_with_quote_and_space_differences(tmp_path, corpus):
    straight = dict(GOOD, evidence=[P2.replace("’", "'").replace(" with", "  with")])
    (case,) = load_dataset(write(tmp_path, straight), corpus)
    assert case.question == "Who runs most plants?" and case.line == 1


def test_non_verbatim_evidence_is_rejected_with_its_line_number(tmp_path, corpus):
    bad = dict(GOOD, id="bad", evidence=[P2.replace("70%", "80%")])
    problems = problems_of(tmp_path, corpus, GOOD, bad)
    assert len(problems) == 1
    assert problems[0].startswith("2: evidence is not verbatim in the corpus")


def test_partial_sentence_is_not_evidence(tmp_path, corpus):
    partial = dict(
        GOOD, evidence=["operates over 70% of the world’s battery manufacturing facilities"]
    )
    assert "full corpus sentence" in problems_of(tmp_path, corpus, partial)[0]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        (dict(GOOD, kind="trivia"), "unknown kind 'trivia'"),
        (dict(GOOD, id=" "), "'id' must be a non-empty string"),
        (dict(GOOD, answer_keys="China"), "'answer_keys' must be a list"),
        ({k: v for k, v in GOOD.items() if k != "question"}, "needs 'question'"),
        (dict(GOOD, kind="followup"), "followup case needs 'turns'"),
        (
            dict(GOOD, kind="followup", turns=["Who leads?", "and why?"]),
            "'question', when given, must be its last turn",
        ),
        (dict(GOOD, extra=1), "unknown field 'extra'"),
        (
            dict(GOOD, answer_keys=["CATL"]),
            "answer key 'CATL' does not appear in the case's evidence",
        ),
        (dict(GOOD, answer_keys=[], any_of=[["90%", "ninety"]]), "no alternative of any_of group"),
        (dict(GOOD, kind="abstain"), "should refuse has no answer"),
        (dict(GOOD, should_refuse=True), "kind 'fact' contradicts should_refuse=true"),
        ({"question": "q?", "should_refuse": "yes"}, "'should_refuse' must be true or false"),
        ({"question": "q?", "reference": 3}, "'reference' must be a string"),
    ],
)
def test_each_mistake_is_named(tmp_path, corpus, row, expected):
    problems = problems_of(tmp_path, corpus, row)
    assert any(expected in p for p in problems), problems
    assert problems[0].startswith("1: ")


def test_a_thread_may_repeat_its_last_turn_as_question(tmp_path, corpus):
    turns = ["Which country leads?", GOOD["question"]]
    row = dict(GOOD, kind="followup", turns=turns)
    (case,) = load_dataset(write(tmp_path, row), corpus)
    assert case.turns == tuple(turns)


def test_duplicate_ids_name_the_first_line(tmp_path, corpus):
    problems = problems_of(tmp_path, corpus, GOOD, "", GOOD)
    assert problems == ["3: duplicate id 'ok-1' (first used on line 1)"]


def test_empty_dataset_is_an_error(tmp_path, corpus):
    assert problems_of(tmp_path, corpus, "") == ["1: the dataset has no cases"]
