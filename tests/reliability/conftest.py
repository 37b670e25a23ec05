"""Shared fixtures of the reliability tests: one small real index and one chain per session."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.settings import REPO_ROOT, Settings
from tests.servers import ChromaServer

COLLECTION = "reliability"


def copy_corpus(root: Path) -> Path:
    """The seed document with one fact table: real text, a short build."""
    corpus = root / "corpus"
    shutil.copytree(REPO_ROOT / "corpus" / "documents", corpus / "documents")
    (corpus / "facts").mkdir()
    shutil.copy(REPO_ROOT / "corpus" / "facts" / "south_korea.yaml", corpus / "facts")
    shutil.copy(REPO_ROOT / "corpus" / "entities.yaml", corpus / "entities.yaml")
    return corpus


def make_settings(root: Path, corpus: Path, **overrides: Any) -> Settings:
    """Settings with every path under root and no .env."""
    values: dict[str, Any] = {
        "corpus_dir": corpus,
        "data_dir": root / "data",
        "collection": COLLECTION,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def build(settings: Settings, embeddings: Any) -> None:
    """Index settings.corpus_dir into the store the settings name."""
    from corpus.check import load_corpus
    from index.build import build_index
    from index.store import make_client

    client = make_client(settings.chroma_dir, settings.chroma_host, settings.chroma_port)
    build_index(
        load_corpus(settings.corpus_dir), client, embeddings, settings.collection, progress=False
    )


def open_chain(settings: Settings, embeddings: Any, llm: Any = None):
    """AnswerChain.from_settings, but sharing the session's loaded model."""
    from bot.chain import AnswerChain, ChainConfig
    from corpus.entities import entities_path, load_entities
    from index.retrieve import HybridRetriever
    from index.store import make_client

    client = make_client(settings.chroma_dir, settings.chroma_host, settings.chroma_port)
    retriever = HybridRetriever.open(client, embeddings, settings.collection)
    entities = load_entities(entities_path(settings.corpus_dir))
    generator = "llm" if llm is not None else "extractive"
    return AnswerChain(retriever, entities, ChainConfig(settings.top_k, generator), llm)


@pytest.fixture(scope="session")
def embeddings():
    """The real, sha-verified model, loaded once for the session."""
    from index.embeddings import make_embeddings

    settings = Settings(_env_file=None)
    model = make_embeddings(settings.embedding_model, settings.embedding_sha256)
    model.embed_query("warm up")
    return model


@pytest.fixture(scope="session")
def indexed(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Settings:
    """Settings of a small embedded index built once for the session."""
    root = tmp_path_factory.mktemp("reliability")
    settings = make_settings(root, copy_corpus(root))
    build(settings, embeddings)
    return settings


@pytest.fixture(scope="session")
def chain(indexed: Settings, embeddings):
    """The real answer chain over the session index (extractive generator)."""
    return open_chain(indexed, embeddings)


@pytest.fixture
def chroma_server(tmp_path: Path):
    """A stoppable chroma server for one test; always stopped at the end."""
    server = ChromaServer(tmp_path / "data", log=tmp_path / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
