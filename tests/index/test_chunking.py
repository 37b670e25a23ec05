"""Pure chunking: sentence splitting, windows, ids, facts rendered as sentences."""

from __future__ import annotations

import pytest

from corpus.models import Corpus, Fact
from index.chunking import (
    chunk_id,
    corpus_chunks,
    document_chunks,
    embedding_text,
    render_fact,
    split_sentences,
    windows,
)
from index.tagging import entity_tagger
from tests.index.conftest import make_doc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("Is it? Yes! Done.", ["Is it?", "Yes!", "Done."]),
        (
            "Materials, e.g. lithium and cobalt, matter. Prices rose.",
            ["Materials, e.g. lithium and cobalt, matter.", "Prices rose."],
        ),
        (
            "The U.S. Department of Energy agreed. It funds research.",
            ["The U.S. Department of Energy agreed.", "It funds research."],
        ),
        (
            "China holds 70.5% of capacity. Korea follows.",
            ["China holds 70.5% of capacity.", "Korea follows."],
        ),
        (
            "Output grew 3.2 times. In 2024 it slowed.",
            ["Output grew 3.2 times.", "In 2024 it slowed."],
        ),
        (
            "Asia’s lead is clear. Japan’s firms innovate.",
            ["Asia’s lead is clear.", "Japan’s firms innovate."],
        ),
        (
            "He said “it is over.” Then he left.",
            ["He said “it is over.”", "Then he left."],
        ),
        (
            "Dr. Kim spoke. Costs vs. Benefits differ, i.e. Mr. Lee disagrees.",
            ["Dr. Kim spoke.", "Costs vs. Benefits differ, i.e. Mr. Lee disagrees."],
        ),
        ("Led by J. Smith and co. Ltd partners.", ["Led by J. Smith and co. Ltd partners."]),
        ("First paragraph\n\nsecond paragraph", ["First paragraph", "second paragraph"]),
        ("  Trailing spaces.   ", ["Trailing spaces."]),
        ("", []),
        ("No final stop", ["No final stop"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sentences_are_verbatim_slices_of_the_seed_document(seed_corpus: Corpus) -> None:
    for doc in seed_corpus.documents:
        for paragraph in doc.paragraphs:
            sentences = split_sentences(paragraph.text)
            assert " ".join(sentences) == paragraph.text
            assert all(s in paragraph.text for s in sentences)


@pytest.mark.parametrize(
    ("count", "size", "overlap", "expected"),
    [
        (0, 3, 1, []),
        (1, 3, 1, [(0, 1)]),
        (3, 3, 1, [(0, 3)]),
        (5, 3, 1, [(0, 3), (2, 5)]),
        (6, 3, 1, [(0, 3), (2, 5), (4, 6)]),
        (4, 2, 0, [(0, 2), (2, 4)]),
        (3, 1, 0, [(0, 1), (1, 2), (2, 3)]),
    ],
)
def test_windows(count: int, size: int, overlap: int, expected: list[tuple[int, int]]) -> None:
    assert windows(count, size, overlap) == expected


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (3, 3), (2, -1)])
def test_windows_reject_sizes_that_cannot_advance(size: int, overlap: int) -> None:
    with pytest.raises(ValueError, match="overlap"):
        windows(5, size, overlap)


def test_chunk_id_is_stable_and_depends_on_source_and_text() -> None:
    assert chunk_id("a", "text") == chunk_id("a", "text")
    assert chunk_id("a", "text") != chunk_id("b", "text")
    assert chunk_id("a", "text") != chunk_id("a", "text.")


def test_document_chunks_cover_every_sentence_with_overlap() -> None:
    doc = make_doc("d", ("p1", "A one. B two. C three. D four. E five."), ("p2", "F six."))
    everything = document_chunks(doc, sentences=3, overlap=1)
    chunks = [c for c in everything if c.kind == "passage"]
    assert [c.text for c in chunks] == [
        "A one. B two. C three.",
        "C three. D four. E five.",
        "F six.",
    ]
    assert [c.anchor for c in chunks] == ["p1", "p1", "p2"]
    assert [c.position for c in chunks] == [0, 1, 2]
    assert {c.kind for c in chunks} == {"passage"}
    assert chunks[0].id == chunk_id("d", chunks[0].text)
    units = [c for c in everything if c.kind == "sentence"]
    assert [u.text for u in units] == [
        "A one.",
        "B two.",
        "C three.",
        "D four.",
        "E five.",
        "F six.",
    ]
    # each sentence cites the first passage that holds it, and its id differs from a passage's
    assert [u.parent for u in units] == [chunks[i].id for i in (0, 0, 0, 1, 1, 2)]
    assert units[-1].id != chunks[-1].id and units[-1].text == chunks[-1].text


def test_a_sentence_is_embedded_with_its_title_and_section() -> None:
    doc = make_doc("d", ("south-korea", "The government helps."))
    unit = next(c for c in document_chunks(doc) if c.kind == "sentence")
    text = embedding_text(unit)
    assert text.startswith(doc.title) and "south korea" in text
    assert text.endswith(": The government helps.")


def _fact(**overrides: object) -> Fact:
    fields = {
        "id": "f1",
        "entity": "China",
        "entity_type": "country",
        "attribute": "share_of_facilities",
        "value": "over 70%",
        "quote": "China alone operates over 70% of the world’s battery manufacturing facilities.",
        "source_id": "d",
        "anchor": "p1",
        "qualifier": "of the world's facilities",
        "country": "China",
    }
    fields.update(overrides)
    return Fact(**fields)


def test_render_fact_reads_as_a_sentence_followed_by_the_quote() -> None:
    text = render_fact(_fact())
    assert text.startswith("China — share of facilities: over 70% (of the world's facilities). ")
    assert text.endswith(_fact().quote)
    assert render_fact(_fact(qualifier=None)).startswith("China — share of facilities: over 70%. ")


def test_facts_become_their_own_chunks_grouped_with_their_document(seed_corpus: Corpus) -> None:
    doc = make_doc("d", ("p1", "China leads. Korea follows."))
    corpus = Corpus(documents=(doc,), facts=(_fact(), _fact(id="f2", value="most")))
    grouped = corpus_chunks(corpus, tagger=entity_tagger(seed_corpus.entities))
    facts = [c for c in grouped["d"] if c.kind == "fact"]
    assert len(facts) == 2
    assert facts[0].entity == "China" and facts[0].quote == _fact().quote
    assert facts[0].anchor == "p1" and facts[0].title == doc.title
    assert facts[0].countries == ("China",)
    assert facts[0].position == 1


def test_tags_name_countries_and_companies_with_company_home_countries(seed_corpus: Corpus) -> None:
    tag = entity_tagger(seed_corpus.entities)
    countries, companies = tag("Chinese firms such as CATL and BYD compete with Panasonic.")
    assert {"CATL", "BYD", "Panasonic"} <= set(companies)
    assert {"China", "Japan"} <= set(countries)
    assert entity_tagger(())("China") == ((), ())


def test_seed_corpus_chunks_have_unique_ids_and_every_fact(seed_corpus: Corpus) -> None:
    grouped = corpus_chunks(seed_corpus, tagger=entity_tagger(seed_corpus.entities))
    chunks = [c for group in grouped.values() for c in group]
    assert len({c.id for c in chunks}) == len(chunks)
    assert sum(c.kind == "fact" for c in chunks) == len({render_fact(f) for f in seed_corpus.facts})
    anchors = {p.anchor for d in seed_corpus.documents for p in d.paragraphs}
    assert {c.anchor for c in chunks if c.kind == "passage"} == anchors
