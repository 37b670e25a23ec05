"""The shipped corpus's gazetteer and sentences (the index and chain are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from bot.settings import REPO_ROOT


@pytest.fixture(scope="session")
def entities():
    """The real gazetteer of the shipped corpus."""
    from corpus.entities import entities_path, load_entities

    return load_entities(entities_path(REPO_ROOT / "corpus"))


@pytest.fixture(scope="session")
def corpus_sentences() -> list[str]:
    """Every sentence of the shipped corpus, normalised, for verbatim-quote checks."""
    from bot.text import normalize, split_sentences
    from corpus.check import load_corpus

    corpus = load_corpus(REPO_ROOT / "corpus")
    return [
        normalize(s)
        for doc in corpus.documents
        for para in doc.paragraphs
        for s in split_sentences(para.text)
    ]
