"""Shared fixtures of the index tests: the real model once per session, a real chroma server."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import REPO_ROOT, Settings
from corpus.check import load_corpus
from corpus.models import Corpus, Document, Paragraph
from tests.servers import ChromaServer


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(_env_file=None)


@pytest.fixture(scope="session")
def embeddings(settings: Settings):
    """The real, sha-verified model, loaded once for the whole session."""
    from index.embeddings import make_embeddings

    model = make_embeddings(settings.embedding_model, settings.embedding_sha256)
    model.embed_query("warm up")
    return model


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    """The repository's corpus, as the bot indexes it."""
    return load_corpus(REPO_ROOT / "corpus")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real `chroma run` on 127.0.0.1, stopped at the end of the session: (host, port)."""
    path = tmp_path_factory.mktemp("chroma-server")
    with ChromaServer(path / "data", log=path / "server.log") as server:
        yield "127.0.0.1", server.port


def make_doc(doc_id: str, *paragraphs: tuple[str, str], title: str | None = None) -> Document:
    """A document from (anchor, text) pairs."""
    return Document(
        id=doc_id,
        title=title or doc_id.replace("-", " ").title(),
        source="test",
        date="2026-01-01",
        tags=(),
        paragraphs=tuple(Paragraph(anchor, text) for anchor, text in paragraphs),
    )


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.integration)])
def client_factory(request: pytest.FixtureRequest, tmp_path: Path):
    """Makes clients for one store: embedded under tmp_path, or the session's chroma server."""
    from index.store import make_client

    if request.param == "embedded":
        return lambda: make_client(tmp_path / "chroma", None, 0)
    host, port = request.getfixturevalue("chroma_server")
    return lambda: make_client(tmp_path / "unused", host, port)


@pytest.fixture
def collection_name() -> str:
    """A collection name no other test uses (the chroma server is shared by the session)."""
    import uuid

    return f"test-{uuid.uuid4().hex[:10]}"
