"""Scorers for the tests that run sets end to end (the index, chain and CLI runner are in
tests/conftest.py)."""

from __future__ import annotations

import pytest

from bot.settings import Settings


@pytest.fixture(scope="session")
def scorers(built_index: Settings, chain):
    """The guard's support scorer and the MiniLM answer-similarity the CLI uses."""
    from evals.runner import embedding_similarity, guard_support
    from index.embeddings import make_embeddings

    embeddings = make_embeddings(built_index.embedding_model, built_index.embedding_sha256)
    return guard_support(chain.embedder.best), embedding_similarity(embeddings)
