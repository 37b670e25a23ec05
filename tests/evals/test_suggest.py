"""'Did you mean': evidence that is not verbatim gets the corpus sentence it was meant to be."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from corpus.loaders import load_documents
from evals.dataset import DatasetError, corpus_text, load_dataset
from evals.matching import fold
from evals.suggest import closest_sentence, corpus_sentences

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus() -> str:
    documents, _ = load_documents(REPO / "corpus" / "documents")
    return corpus_text(documents)


def _evidence() -> list[str]:
    lines = (REPO / "evals" / "datasets" / "grounding.jsonl").read_text().splitlines()
    return sorted({fold(e) for line in lines for e in json.loads(line).get("evidence", [])})


def _edits(sentence: str) -> list[str]:
    words = sentence.split()
    middle = len(words) // 2
    return [
        " ".join([*words[:middle], "widget", *words[middle + 1 :]]),  # one word replaced
        " ".join(words[: max(3, len(words) * 2 // 3)]) + ".",  # the last third cut
        re.sub(r"\d+", "99", sentence),  # figures changed
        " ".join(words[1:]),  # first word dropped
    ]


def test_every_edited_evidence_sentence_points_back_at_its_source(corpus):
    sentences = corpus_sentences(corpus)
    evidence = _evidence()
    assert len(evidence) >= 25
    for sentence in evidence:
        for edited in _edits(sentence):
            assert closest_sentence(edited, sentences) == sentence, edited


def test_a_statement_the_corpus_does_not_make_gets_no_suggestion(corpus):
    sentences = corpus_sentences(corpus)
    assert (
        closest_sentence("Bananas ripen faster in paper bags than on the counter.", sentences)
        is None
    )
    assert closest_sentence("", sentences) is None


def test_the_checker_names_the_sentence_meant(tmp_path, corpus):
    meant = "Japan’s strategy emphasizes quality and reliability, positioning its products as high-value solutions despite higher costs."
    rows = [
        {"question": "q1", "evidence": [meant.replace("quality", "price")]},
        {
            "question": "q2",
            "evidence": ["positioning its products as high-value solutions despite higher costs."],
        },
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    with pytest.raises(DatasetError) as info:
        load_dataset(path, corpus)
    first, second = (str(p) for p in info.value.problems)
    assert first.startswith(f"{path}:1: evidence is not verbatim in the corpus")
    assert f"did you mean {fold(meant)!r}?" in first
    assert second.startswith(f"{path}:2: evidence must be a full corpus sentence")
    assert f"did you mean {fold(meant)!r}?" in second
