"""Typed records of the corpus layer: documents, their paragraphs, and structured facts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document; `anchor` is stable so citations can point at it."""

    anchor: str
    text: str
    line: int = 0
    page: int = 0  # 1-based page for PDF sources; 0 where the source has no pages


@dataclass(frozen=True)
class Document:
    """A source document with provenance and anchored paragraphs."""

    id: str
    title: str
    source: str
    date: str
    tags: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    path: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)

    def paragraph(self, anchor: str) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.anchor == anchor), None)


@dataclass(frozen=True)
class Fact:
    """A structured fact with the verbatim quote of its source sentence."""

    id: str
    entity: str
    entity_type: str  # company | country | region | policy | material | figure | organisation
    attribute: str
    value: str
    quote: str
    source_id: str
    anchor: str
    qualifier: str | None = None
    country: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Entity:
    """A named thing the corpus talks about, with the surface forms that refer to it."""

    name: str
    type: str  # company | country | region | policy | organisation | material | technology
    country: str | None = None  # home country or region; a country's own name for countries
    aliases: tuple[str, ...] = ()
    # Forms matched only with this exact case ("US" must not match the pronoun "us").
    case_sensitive: tuple[str, ...] = ()
    # The places a region takes in ("East Asia": China, Japan...): a text naming one of them
    # speaks of the region too.
    includes: tuple[str, ...] = ()
    # The places inside a continent ("Asia": China, Japan...): a section about one of them is
    # about part of it, not somewhere else; unlike `includes`, a text naming one does not
    # speak for the whole.
    contains: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """Every surface form: the name, its aliases, and its case-sensitive forms."""
        return (self.name, *self.aliases, *self.case_sensitive)


@dataclass(frozen=True)
class Problem:
    """A validation problem, located precisely enough for a person to fix it."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class Corpus:
    """Everything the index is built from."""

    documents: tuple[Document, ...]
    facts: tuple[Fact, ...]
    entities: tuple[Entity, ...] = ()

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc_id), None)
