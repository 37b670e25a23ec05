"""The new source documents and their questions: valid beside the seed, with no gazetteer help."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from benchmarks.bench_second_doc import SECOND_DOC, THIRD_DOC, corpus_with_second_doc
from corpus.check import check_corpus, load_corpus
from evals.dataset import ANSWERABLE_KINDS, UNLABELLED_KINDS, corpus_text, load_dataset
from evals.matching import has_phrase

REPO = Path(__file__).resolve().parents[2]
# What each new document names that the gazetteer must not: it is answered from its text alone.
NAMED_ONLY_THERE = {
    SECOND_DOC: ("Tsingshan", "HPAL", "Morowali", "Indonesia", "Harita Nickel"),
    THIRD_DOC: ("Northvolt", "Automotive Cells Company", "ACC", "Debrecen", "Skelleftea"),
}


@pytest.mark.parametrize("doc_dir", [SECOND_DOC, THIRD_DOC], ids=lambda d: d.name)
def test_a_new_doc_corpus_is_valid_and_its_questions_load_against_it(
    tmp_path: Path, doc_dir: Path
) -> None:
    corpus_dir = corpus_with_second_doc(tmp_path / "corpus", doc_dir)
    assert check_corpus(corpus_dir) == []

    documents = load_corpus(corpus_dir).documents
    cases = load_dataset(doc_dir / "questions.jsonl", corpus_text(documents))

    kinds = collections.Counter(c.kind for c in cases)
    assert len(cases) >= 20
    labelled = set(ANSWERABLE_KINDS) - set(UNLABELLED_KINDS)  # every kind a set can name
    assert labelled | {"abstain"} <= set(kinds)
    seed = next(d for d in documents if d.id == "asia-battery-dominance")
    for case in cases:  # every answerable case is about the new document, not the seed
        assert all(not has_phrase(seed.text, e) for e in case.evidence), case.id


@pytest.mark.parametrize("doc_dir", [SECOND_DOC, THIRD_DOC], ids=lambda d: d.name)
def test_nothing_in_the_gazetteer_or_facts_names_a_new_doc(doc_dir: Path) -> None:
    corpus = load_corpus(REPO / "corpus")
    names = {e.name for e in corpus.entities} | {a for e in corpus.entities for a in e.aliases}
    for term in NAMED_ONLY_THERE[doc_dir]:
        assert term not in names
    assert all(f.source_id == "asia-battery-dominance" for f in corpus.facts)
