"""Structured facts: validated at the YAML edge, checked against documents and the gazetteer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StrictStr, StringConstraints

from corpus.entities import find_entities
from corpus.errors import CorpusError
from corpus.models import Document, Entity, Fact, Problem
from corpus.text import read_text
from corpus.validation import Item, validate_list

FACT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
Text = Annotated[StrictStr, StringConstraints(min_length=1)]


class FactIn(BaseModel):
    """One fact as written in a facts/*.yaml file."""

    model_config = ConfigDict(extra="forbid")

    id: Text
    entity: Text
    entity_type: Text
    attribute: Text
    value: Text
    qualifier: Text | None = None
    quote: Text
    source: Text
    anchor: Text


def load_facts(
    facts_dir: Path, documents: list[Document] | tuple[Document, ...], entities: tuple[Entity, ...]
) -> tuple[list[Fact], list[Problem]]:
    """Load every facts/*.yaml file; each problem names its file and line."""
    paths = sorted([*facts_dir.glob("*.yaml"), *facts_dir.glob("*.yml")])
    if not paths:
        return [], [Problem(str(facts_dir), 0, "no fact files found (expected facts/*.yaml)")]
    checker = _Checker({d.id: d for d in documents}, {e.name: e for e in entities}, entities)
    for path in paths:
        checker.check_file(path)
    return checker.facts, checker.problems


class _Checker:
    """Accumulates facts and problems across files, so duplicate ids are caught between files."""

    def __init__(
        self, documents: dict[str, Document], by_name: dict[str, Entity], entities
    ) -> None:
        self.documents = documents
        self.by_name = by_name
        self.entities = entities
        self.facts: list[Fact] = []
        self.problems: list[Problem] = []
        self.first_seen: dict[str, str] = {}  # fact id -> "file:line"

    def check_file(self, path: Path) -> None:
        file = str(path)
        try:
            text = read_text(path)
        except CorpusError as exc:
            self.problems += exc.problems
            return
        items, problems = validate_list(file, text, FactIn, "fact")
        self.problems += problems
        for item in items:
            reasons = self._reasons(item)
            self.problems += [Problem(file, line, reason) for line, reason in reasons]
            if not reasons:
                self.facts.append(self._fact(item.record))
            self.first_seen.setdefault(item.record.id, f"{file}:{item.line_for('id')}")

    def _reasons(self, item: Item[FactIn]) -> list[tuple[int, str]]:
        fact = item.record
        reasons: list[tuple[int, str]] = []
        if not FACT_ID.match(fact.id):
            reasons.append(
                (
                    item.line_for("id"),
                    f"fact id {fact.id!r} must be kebab-case, e.g. 'catl-country'",
                )
            )
        if fact.id in self.first_seen:
            reasons.append(
                (
                    item.line_for("id"),
                    f"duplicate fact id {fact.id!r} (first defined at {self.first_seen[fact.id]})",
                )
            )
        reasons += self._entity_reasons(item)
        document = self.documents.get(fact.source)
        if document is None:
            known = ", ".join(sorted(self.documents)) or "none loaded"
            reasons.append(
                (item.line_for("source"), f"unknown document {fact.source!r} (known: {known})")
            )
        else:
            reasons += _quote_reasons(item, document)
        return reasons

    def _entity_reasons(self, item: Item[FactIn]) -> list[tuple[int, str]]:
        fact = item.record
        entity = self.by_name.get(fact.entity)
        if entity is None:
            hint = find_entities(fact.entity, self.entities)
            tip = f"; did you mean {hint[0].name!r}?" if hint else "; add it to entities.yaml first"
            return [(item.line_for("entity"), f"unknown entity {fact.entity!r}{tip}")]
        if entity.type != fact.entity_type:
            reason = f"entity_type {fact.entity_type!r} does not match entities.yaml, which lists {entity.name!r} as a {entity.type}"
            return [(item.line_for("entity_type"), reason)]
        return []

    def _fact(self, raw: FactIn) -> Fact:
        entity = self.by_name[raw.entity]
        return Fact(
            id=raw.id,
            entity=raw.entity,
            entity_type=raw.entity_type,
            attribute=raw.attribute,
            value=raw.value,
            quote=raw.quote,
            source_id=raw.source,
            anchor=raw.anchor,
            qualifier=raw.qualifier,
            country=entity.country,
            aliases=entity.aliases,
        )


def _quote_reasons(item: Item[FactIn], document: Document) -> list[tuple[int, str]]:
    fact = item.record
    paragraph = document.paragraph(fact.anchor)
    if paragraph is None:
        anchors = ", ".join(p.anchor for p in document.paragraphs)
        return [
            (
                item.line_for("anchor"),
                f"document {document.id!r} has no paragraph anchored {fact.anchor!r} (anchors: {anchors})",
            )
        ]
    if fact.quote in paragraph.text:
        return []
    elsewhere = next((p.anchor for p in document.paragraphs if fact.quote in p.text), None)
    if elsewhere:
        return [
            (
                item.line_for("quote"),
                f"quote is in paragraph {elsewhere!r}, not {fact.anchor!r}; fix the anchor",
            )
        ]
    return [
        (
            item.line_for("quote"),
            f"quote not found verbatim in document {document.id!r}{_near_miss(fact.quote, document)}",
        )
    ]


def _near_miss(quote: str, document: Document) -> str:
    """A hint when the quote differs from the text only by apostrophes, quotes or spacing."""
    text = document.text
    curly = quote.replace("'", "’")
    if curly != quote and curly in text:
        return "; the document uses curly apostrophes (’), not straight ones (')"
    if " ".join(quote.split()) in " ".join(text.split()):
        return "; it differs only in spacing or line breaks"
    return "; copy the sentence exactly from the document"
