"""Incremental builds: unchanged corpora embed nothing, changes re-embed only what changed."""

from __future__ import annotations

import dataclasses

import pytest

from corpus.models import Corpus, Fact
from index import store
from index.build import build_index, index_status
from index.retrieve import HybridRetriever
from tests.index.conftest import make_doc
from tests.index.fakes import CountingEmbeddings, HashEmbeddings

DOC_A = make_doc(
    "alpha",
    ("lead", "Alpha makes cathodes in Ningde. Alpha exports cathodes worldwide. Output grew fast."),
    ("risk", "Alpha depends on imported graphite. Graphite prices are volatile."),
)
DOC_B = make_doc(
    "bravo", ("plants", "Bravo builds gigafactories in Hungary. Bravo hires engineers.")
)
DOC_C = make_doc("charlie", ("mines", "Charlie operates zinnwaldite mines in Saxony."))
FACT = Fact(
    id="alpha-output",
    entity="Alpha",
    entity_type="company",
    attribute="annual output",
    value="40 GWh",
    quote="Alpha exports cathodes worldwide.",
    source_id="alpha",
    anchor="lead",
)
CORPUS = Corpus(documents=(DOC_A, DOC_B, DOC_C), facts=(FACT,))


def build(client, corpus: Corpus, embeddings, name: str, **options):
    return build_index(corpus, client, embeddings, name, (), progress=False, **options)


@pytest.fixture
def built(client_factory, collection_name):
    """A client holding the test corpus, built once with hash embeddings."""
    client = client_factory()
    first = CountingEmbeddings(HashEmbeddings())
    report = build(client, CORPUS, first, collection_name)
    return client, report, first


def test_first_build_embeds_every_chunk(built, collection_name: str) -> None:
    client, report, counting = built
    assert report.docs == 3
    assert report.added == report.chunks == report.embedded == len(counting.embedded)
    assert report.removed == report.unchanged == 0
    retriever = HybridRetriever.open(client, HashEmbeddings(), collection_name)
    assert len(retriever.chunks) + len(retriever.sentences) == report.chunks
    assert sum(c.kind == "fact" for c in retriever.chunks) == 1


def test_unchanged_rebuild_embeds_nothing_and_writes_nothing(built, collection_name: str) -> None:
    client, first, _ = built
    before = sorted(store.collection_names(client))
    counting = CountingEmbeddings(HashEmbeddings())
    report = build(client, CORPUS, counting, collection_name)
    assert counting.calls == 0
    assert report.up_to_date and report.unchanged == first.chunks and report.added == 0
    assert sorted(store.collection_names(client)) == before


def test_changed_document_reembeds_only_its_changed_chunks(built, collection_name: str) -> None:
    client, _, _ = built
    edited = dataclasses.replace(
        DOC_B,
        paragraphs=(
            dataclasses.replace(DOC_B.paragraphs[0], text="Bravo builds plants in Poland."),
        ),
    )
    counting = CountingEmbeddings(HashEmbeddings())
    report = build(client, Corpus((DOC_A, edited, DOC_C), (FACT,)), counting, collection_name)

    # the one-sentence paragraph is one passage and one sentence unit (with its heading)
    assert counting.embedded == [
        "Bravo builds plants in Poland.",
        "Bravo — plants: Bravo builds plants in Poland.",
    ]
    # out: the old passage and its two sentences
    assert report.added == 2 and report.removed == 3 and report.unchanged == report.chunks - 2
    retriever = HybridRetriever.open(client, HashEmbeddings(), collection_name)
    texts = [hit.chunk.text for hit in retriever.search("Bravo gigafactories Hungary", k=10).hits]
    assert "Bravo builds plants in Poland." in texts
    assert not any("Hungary" in text for text in texts)


def test_deleted_document_is_never_retrieved_again(built, collection_name: str) -> None:
    client, _, _ = built
    counting = CountingEmbeddings(HashEmbeddings())
    report = build(client, Corpus((DOC_A, DOC_B), (FACT,)), counting, collection_name)
    assert counting.calls == 0  # the others were copied with their stored vectors
    assert report.removed == 2 and report.docs == 2  # its passage and its sentence

    retriever = HybridRetriever.open(client, HashEmbeddings(), collection_name)
    assert all(c.source_id != "charlie" for c in retriever.chunks)
    for query in ("zinnwaldite mines Saxony", "Charlie"):
        for mode in ("hybrid", "dense", "keyword"):
            hits = retriever.search(query, k=10, mode=mode).hits
            assert all(hit.chunk.source_id != "charlie" for hit in hits)
    assert retriever.search("mines", where={"source_id": "charlie"}).hits == ()


def test_changed_fact_reindexes_only_that_fact(built, collection_name: str) -> None:
    client, _, _ = built
    counting = CountingEmbeddings(HashEmbeddings())
    changed = dataclasses.replace(FACT, value="55 GWh")
    build(client, Corpus(CORPUS.documents, (changed,)), counting, collection_name)
    assert len(counting.embedded) == 1 and "55 GWh" in counting.embedded[0]


def test_rebuild_and_model_change_reembed_everything(built, collection_name: str) -> None:
    client, first, _ = built
    counting = CountingEmbeddings(HashEmbeddings())
    assert build(client, CORPUS, counting, collection_name, rebuild=True).embedded == first.chunks
    other = CountingEmbeddings(HashEmbeddings(dimension=32, name="other-model"))
    report = build(client, CORPUS, other, collection_name)
    assert report.embedded == first.chunks and report.model == "other-model"
    assert store.read_manifest(client, collection_name).dimension == 32


def test_only_the_live_build_and_manifest_remain(built, collection_name: str) -> None:
    client, _, _ = built
    build(client, Corpus((DOC_A,), ()), HashEmbeddings(), collection_name)
    mine = [n for n in store.collection_names(client) if n.startswith(collection_name)]
    manifest = store.read_manifest(client, collection_name)
    assert sorted(mine) == sorted([manifest.collection, collection_name + store.MANIFEST_SUFFIX])


def test_status_lists_stale_and_deleted_documents(built, collection_name: str) -> None:
    client, _, _ = built
    fresh = index_status(CORPUS, client, collection_name)
    assert fresh.live and fresh.stale == () and fresh.deleted == ()
    new_doc = make_doc("delta", ("x", "Delta is new."))
    state = index_status(Corpus((DOC_A, DOC_B, new_doc), (FACT,)), client, collection_name)
    assert state.stale == ("delta",) and state.deleted == ("charlie",)
    assert index_status(CORPUS, client, collection_name + "-never") is None
