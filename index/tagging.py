"""Which countries and companies a chunk mentions, via the corpus gazetteer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from index.chunking import Tagger


def entity_tagger(entities: Sequence[Any]) -> Tagger:
    """A tagger over the gazetteer; a company's home country counts as mentioned too."""
    if not entities:
        return lambda _text: ((), ())
    from corpus.entities import find_entities

    known = tuple(entities)

    def tag(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        countries: dict[str, None] = {}
        companies: dict[str, None] = {}
        for entity in find_entities(text, known):
            if entity.type == "country":
                countries[entity.name] = None
            elif entity.type == "company":
                companies[entity.name] = None
                if entity.country:
                    countries.setdefault(entity.country, None)
        return tuple(countries), tuple(companies)

    return tag
