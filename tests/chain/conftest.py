"""One index and one extractive answer chain per test session, built from the shipped corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import REPO_ROOT, Settings


@pytest.fixture(scope="session")
def chain_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the shipped corpus with a private data dir (no .env, no stale local index)."""
    data_dir: Path = tmp_path_factory.mktemp("chain-data")
    return Settings(
        _env_file=None, corpus_dir=REPO_ROOT / "corpus", data_dir=data_dir, generator="extractive"
    )


@pytest.fixture(scope="session")
def built_index(chain_settings: Settings) -> Settings:
    """Build the index of the shipped corpus under the session's data dir."""
    from bot.indexing import build_index_from_settings

    build_index_from_settings(chain_settings)
    return chain_settings


@pytest.fixture(scope="session")
def chain(built_index: Settings):
    """The real extractive chain (the embedding model loads once per session)."""
    from bot.chain import AnswerChain

    return AnswerChain.from_settings(built_index, "extractive")


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
