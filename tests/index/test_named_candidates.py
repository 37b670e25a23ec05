"""A sentence on the asked place is found even when many documents on other places read closer."""

from __future__ import annotations

from pathlib import Path

from corpus.models import Corpus
from index.build import build_index
from index.retrieve import HybridRetriever
from tests.index.conftest import make_doc

QUESTION = "what's the american law that ties car credits to home-grown parts?"


def _corpus(crowd: int) -> Corpus:
    answer = make_doc(
        "us-policy",
        (
            "responses",
            "The United States introduced incentives under the Inflation Reduction Act. "
            "Europe is pursuing similar strategies with its own alliance.",
        ),
    )
    # closer in wording to the question, about places it does not name
    others = [
        make_doc(
            f"other-{i:03d}",
            ("policy", f"The Clean Industry Act offers car credits for home-grown parts, {i}%."),
            title=f"Policy brief {i}",
        )
        for i in range(crowd)
    ]
    return Corpus(documents=(answer, *others), facts=())


def test_sentences_naming_the_asked_place_follow_the_best_few(tmp_path: Path, embeddings) -> None:
    from index.store import make_client

    client = make_client(tmp_path / "chroma", None, 0)
    build_index(_corpus(40), client, embeddings, "named", progress=False)
    retriever = HybridRetriever.open(client, embeddings, "named")

    plain = retriever.search_sentences(QUESTION, k=5)
    assert all(h.chunk.source_id != "us-policy" for h in plain), "the crowd reads closer"

    forms = ["United States", "America", "American", "US"]
    found = retriever.search_sentences(QUESTION, k=5, mentions=forms)
    assert [h.chunk.id for h in found[:5]] == [h.chunk.id for h in plain]
    named = [h.chunk.text for h in found[5:]]
    assert any("Inflation Reduction Act" in t for t in named)
    # a sentence whose paragraph names the place comes with it
    assert any(t.startswith("Europe is pursuing") for t in named)


class CountingEmbeddings:
    """The real model, counting the queries it embeds."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.queries = inner, inner.name, []

    def embed_documents(self, texts):
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        self.queries.append(text)
        return self.inner.embed_query(text)


def test_a_query_searched_twice_is_embedded_once(tmp_path: Path, embeddings) -> None:
    from index.store import make_client

    client = make_client(tmp_path / "chroma", None, 0)
    build_index(_corpus(3), client, embeddings, "twice", progress=False)
    counting = CountingEmbeddings(embeddings)
    retriever = HybridRetriever.open(client, counting, "twice")
    counting.queries.clear()  # opening checks the model's dimension
    first = retriever.search_sentences(QUESTION, k=3)
    again = retriever.search_sentences(QUESTION, k=3, mentions=["United States"])
    retriever.search(QUESTION, k=2)
    assert counting.queries == [QUESTION]
    assert [h.chunk.id for h in again[:3]] == [h.chunk.id for h in first]
