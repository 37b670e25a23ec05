"""Hybrid retrieval over the real corpus and model, in embedded and server mode alike."""

from __future__ import annotations

import pytest

from corpus.models import Corpus
from index.build import build_index
from index.langchain_retriever import HybridLangChainRetriever
from index.retrieve import HybridRetriever

MIN_RETRIEVAL_SCORE = 0.30  # passage-level retrieval confidence that separates the cases below


@pytest.fixture(
    scope="module", params=["embedded", pytest.param("server", marks=pytest.mark.integration)]
)
def retriever(request, seed_corpus: Corpus, embeddings, tmp_path_factory) -> HybridRetriever:
    """The seed corpus indexed once per store mode with the real model."""
    from index.store import make_client

    if request.param == "embedded":
        client = make_client(tmp_path_factory.mktemp("chroma"), None, 0)
    else:
        host, port = request.getfixturevalue("chroma_server")
        client = make_client(tmp_path_factory.mktemp("unused"), host, port)
    build_index(seed_corpus, client, embeddings, "retrieval-tests", progress=False)
    return HybridRetriever.open(client, embeddings, "retrieval-tests")


@pytest.mark.parametrize(
    ("query", "anchor"),
    [
        ("Which Chinese battery makers grew quickly?", "china"),
        ("What did the US do about Chinese batteries?", "us-eu-responses"),
        ("Who is ahead in solid-state cells?", "japan"),
        ("Where does China get its lithium?", "raw-materials"),
        ("What fraction of battery plants worldwide are Chinese?", "production-and-exports"),
        ("Could new technologies change who leads?", "outlook"),
        ("Which firms lead the Korean battery industry?", "south-korea"),
    ],
)
def test_queries_find_the_right_paragraph_in_the_top_three(
    retriever: HybridRetriever, query: str, anchor: str
) -> None:
    result = retriever.search(query, k=3)
    assert anchor in [h.chunk.anchor for h in result.hits], [h.chunk.text for h in result.hits]
    assert result.confidence >= MIN_RETRIEVAL_SCORE


def test_off_topic_queries_have_low_confidence(retriever: HybridRetriever) -> None:
    for query in (
        "What is the best pizza topping in Naples?",
        "How do I reset my router password?",
    ):
        assert retriever.search(query).confidence < MIN_RETRIEVAL_SCORE


def test_hits_carry_consistent_scores(retriever: HybridRetriever) -> None:
    hits = retriever.search("cobalt supply from Congo", k=6).hits
    assert len(hits) == 6
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(-1.0 <= h.dense <= 1.0 and 0.0 <= h.keyword <= 1.0 for h in hits)
    assert max(h.keyword for h in hits) == 1.0
    assert "cobalt" in hits[0].chunk.text.lower()


def test_every_mode_ranks_the_obvious_chunk_first(retriever: HybridRetriever) -> None:
    for mode in ("hybrid", "dense", "keyword"):
        hits = retriever.search("Made in China 2025 plan", k=3, mode=mode).hits
        assert "Made in China 2025" in hits[0].chunk.text, mode


def test_filters_restrict_hits(retriever: HybridRetriever) -> None:
    facts = retriever.search("battery leader", k=5, where={"kind": "fact"}).hits
    assert facts and all(h.chunk.kind == "fact" and h.chunk.quote in h.chunk.text for h in facts)
    japan = retriever.search("battery technology", k=5, where={"country": "Japan"}).hits
    assert japan and all("Japan" in h.chunk.countries for h in japan)
    both = retriever.search(
        "policy", k=5, where={"country": ["Japan", "China"], "kind": "passage"}
    ).hits
    assert both and all({"Japan", "China"} & set(h.chunk.countries) for h in both)
    assert retriever.search("battery", where={"source_id": "no-such-doc"}).hits == ()
    with pytest.raises(ValueError, match="unknown filter"):
        retriever.search("battery", where={"colour": "red"})


def test_facts_sharing_a_quote_do_not_crowd_the_results(retriever: HybridRetriever) -> None:
    hits = retriever.search("Which companies lead South Korea's battery industry?", k=5).hits
    quoted = [h.chunk.quote for h in hits if h.chunk.quote]
    assert len(quoted) == len(set(quoted))
    crowded = retriever.search(
        "Which companies lead South Korea's battery industry?", k=5, diverse=False
    )
    assert len({h.chunk.quote for h in crowded.hits if h.chunk.quote}) < len(crowded.hits)


def test_empty_query_returns_nothing(retriever: HybridRetriever) -> None:
    result = retriever.search("   ")
    assert result.hits == () and result.confidence == 0.0


def test_langchain_retriever_returns_documents_with_scores(retriever: HybridRetriever) -> None:
    lc = HybridLangChainRetriever(retriever=retriever, k=2, where={"kind": "passage"})
    docs = lc.invoke("Inflation Reduction Act")
    assert len(docs) == 2
    assert docs[0].metadata["anchor"] == "us-eu-responses"
    assert {"score", "dense", "keyword", "source_id", "title"} <= set(docs[0].metadata)


def test_retriever_exposes_chunks_and_embeddings(
    retriever: HybridRetriever, seed_corpus: Corpus
) -> None:
    assert retriever.embeddings is not None
    anchors = {c.anchor for c in retriever.chunks}
    assert anchors == {p.anchor for d in seed_corpus.documents for p in d.paragraphs}


def test_a_sentence_knows_the_one_before_it_in_its_section(retriever: HybridRetriever) -> None:
    by_text = {u.text.split(",")[0]: u for u in retriever.sentences}
    second = by_text["These countries have built robust supply chain ecosystems"]
    first = retriever.sentence_before(second)
    assert first is not None and first.text.startswith("Asia has established itself")
    # a section's first sentence has none: the one before it is about something else
    assert (
        retriever.sentence_before(
            by_text["China is the undisputed leader in battery manufacturing"]
        )
        is None
    )


def test_a_name_of_several_words_is_known_only_when_one_sentence_holds_them_all(
    retriever: HybridRetriever,
) -> None:
    assert retriever.knows("cobalt") and retriever.knows("Congolese cobalt")
    # "united" and "states" are written, "tanzania" never: the whole name is not
    assert retriever.knows("United States")
    assert not retriever.knows("United Republic of Tanzania")
    assert not retriever.knows("of")
