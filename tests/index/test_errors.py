"""Clear errors: missing index, another model or dimension, an unreachable server."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.models import Corpus
from index.build import build_index
from index.errors import IndexMismatch, IndexMissing, IndexProblem, IndexUnavailable
from index.retrieve import HybridRetriever
from index.store import make_client
from tests.index.conftest import make_doc
from tests.index.fakes import HashEmbeddings
from tests.servers import free_port

CORPUS = Corpus(
    documents=(make_doc("d", ("p", "Cells are made here. Cells ship there.")),), facts=()
)


def test_missing_index_says_to_build_it(client_factory, collection_name: str) -> None:
    with pytest.raises(IndexMissing, match="batterybot index build"):
        HybridRetriever.open(client_factory(), HashEmbeddings(), collection_name)


def test_index_of_another_model_says_to_rebuild(client_factory, collection_name: str) -> None:
    client = client_factory()
    build_index(CORPUS, client, HashEmbeddings(name="model-a"), collection_name, progress=False)
    with pytest.raises(IndexMismatch, match="model-a.*model-b.*--rebuild"):
        HybridRetriever.open(client, HashEmbeddings(name="model-b"), collection_name)


def test_index_of_another_dimension_says_to_rebuild(client_factory, collection_name: str) -> None:
    client = client_factory()
    build_index(CORPUS, client, HashEmbeddings(dimension=64), collection_name, progress=False)
    with pytest.raises(IndexMismatch, match="64-dimensional.*32-dimensional.*--rebuild"):
        HybridRetriever.open(client, HashEmbeddings(dimension=32), collection_name)


def test_unreachable_server_says_how_to_start_it(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(IndexUnavailable, match=f"chroma run .* --port {port}") as caught:
        make_client(tmp_path, "127.0.0.1", port)
    assert isinstance(caught.value, IndexProblem)


def test_unwritable_data_directory_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(IndexUnavailable, match="Could not open the index directory"):
        make_client(blocker / "chroma", None, 0)
