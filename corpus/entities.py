"""The gazetteer: load known entities and find which of them a piece of text mentions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictStr

from corpus.errors import CorpusError
from corpus.models import Entity, Problem
from corpus.text import read_text
from corpus.validation import validate_list

_SEPARATORS = re.compile(r"[\s\-‐–]+")
_SEPARATOR_RE = r"[\s\-‐–]+"
ENTITY_TYPES = ("company", "country", "region", "policy", "organisation", "material", "technology")

__all__ = [
    "ENTITY_TYPES",
    "Entity",
    "entities_path",
    "find_entities",
    "load_entities",
    "load_known",
    "read_entities",
    "with_world",
    "world_path",
]


class _EntityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr
    type: Literal[
        "company", "country", "region", "policy", "organisation", "material", "technology"
    ]
    country: StrictStr | None = None
    aliases: list[StrictStr] = []
    case_sensitive: list[StrictStr] = []
    includes: list[StrictStr] = []
    contains: list[StrictStr] = []


def entities_path(corpus_dir: Path) -> Path:
    """Where a corpus keeps its gazetteer."""
    return corpus_dir / "entities.yaml"


def world_path(corpus_dir: Path) -> Path:
    """Where a corpus keeps the world's countries and regions (optional)."""
    return corpus_dir / "world.yaml"


def with_world(entities: Iterable[Entity], world: Iterable[Entity]) -> tuple[Entity, ...]:
    """The corpus's entities, then the world's places that none of them already names. A
    continent the corpus names too ("Asia") takes the world's list of the places inside it."""
    world = tuple(world)
    inside = {place.name: place.contains for place in world if place.contains}
    own = tuple(
        replace(e, contains=inside[e.name]) if not e.contains and e.name in inside else e
        for e in entities
    )
    taken = {_normalise(f).lower() for e in own for f in e.forms}
    extra = [
        place for place in world if not any(_normalise(f).lower() in taken for f in place.forms)
    ]
    return (*own, *extra)


def load_known(corpus_dir: Path) -> tuple[Entity, ...]:
    """Every name a question may ask about: the corpus gazetteer and, where the corpus keeps
    one, the world's countries and regions (CorpusError if either file has a problem)."""
    entities = load_entities(entities_path(corpus_dir))
    world = world_path(corpus_dir)
    return with_world(entities, load_entities(world)) if world.exists() else entities


def read_entities(path: Path) -> tuple[tuple[Entity, ...], list[Problem]]:
    """Read and validate a gazetteer file, returning the entities and any located problems.
    A region's `includes` must name entities of the same file, so that a file stands alone."""
    file = str(path)
    try:
        text = read_text(path)
    except CorpusError as exc:
        return (), exc.problems
    items, problems = validate_list(file, text, _EntityIn, "entity")
    entities: list[Entity] = []
    owner: dict[str, str] = {}  # lower-cased surface form -> entity name
    for item in items:
        raw = item.record
        for form in (raw.name, *raw.aliases, *raw.case_sensitive):
            key = _normalise(form).lower()
            if not key:
                problems.append(
                    Problem(file, item.line, f"entity {raw.name!r} has an empty name or alias")
                )
            elif key in owner and owner[key] != raw.name:
                reason = (
                    f"{form!r} already refers to {owner[key]!r}; a form may name only one entity"
                )
                problems.append(Problem(file, item.line, reason))
            else:
                owner[key] = raw.name
        entities.append(
            Entity(
                raw.name,
                raw.type,
                raw.country,
                tuple(raw.aliases),
                tuple(raw.case_sensitive),
                tuple(raw.includes),
                tuple(raw.contains),
            )
        )
    named = {e.name for e in entities}
    for item, entity in zip(items, entities, strict=True):
        for field, places in (("includes", entity.includes), ("contains", entity.contains)):
            for place in places:
                if place not in named:
                    reason = f"entity {entity.name!r} {field} {place!r}, which is no entity's name"
                    problems.append(Problem(file, item.line, reason))
    return tuple(entities), problems


def load_entities(path: Path) -> tuple[Entity, ...]:
    """Load a gazetteer file; raise CorpusError if it has any problem."""
    entities, problems = read_entities(path)
    if problems:
        raise CorpusError(problems)
    return entities


def find_entities(text: str, entities: Iterable[Entity]) -> tuple[Entity, ...]:
    """Entities mentioned in `text`, in order of first mention (whole words, longest form wins)."""
    pattern, by_form = _matcher_for(entities)
    found: dict[str, Entity] = {}
    for match in pattern.finditer(text):
        key = _normalise(match.group(0))
        entity = by_form.get(key) or by_form.get(key.lower())
        if entity is None and key[-1:] in "sS":  # "chinas lithium play": "China's", unmarked
            entity = by_form.get(key[:-1].lower())
        if entity is not None:
            found.setdefault(entity.name, entity)
    return tuple(found.values())


_BY_IDENTITY: dict[int, tuple[tuple[Entity, ...], tuple[re.Pattern[str], dict[str, Entity]]]] = {}


def _matcher_for(entities: Iterable[Entity]) -> tuple[re.Pattern[str], dict[str, Entity]]:
    """The matcher of a gazetteer. The same tuple asked for again is found by identity:
    hashing a few hundred entities on every call would cost more than the search."""
    if isinstance(entities, tuple):
        held = _BY_IDENTITY.get(id(entities))
        if held is not None and held[0] is entities:
            return held[1]
        matcher = _matcher(entities)
        if len(_BY_IDENTITY) >= 8:
            _BY_IDENTITY.clear()
        _BY_IDENTITY[id(entities)] = (entities, matcher)
        return matcher
    return _matcher(tuple(entities))


@lru_cache(maxsize=8)
def _matcher(entities: tuple[Entity, ...]) -> tuple[re.Pattern[str], dict[str, Entity]]:
    """One compiled pattern over every surface form, built once per gazetteer: the forms as a
    trie (one branch per shared prefix), so a text is read once however many forms there are,
    and the longest form wins."""
    by_form: dict[str, Entity] = {}
    any_case: dict = {}
    exact: dict = {}
    for entity in entities:
        for form in (entity.name, *entity.aliases):
            key = _normalise(form).lower()
            by_form.setdefault(key, entity)
            _insert(any_case, key)
        for form in entity.case_sensitive:
            key = _normalise(form)
            by_form.setdefault(key, entity)
            _insert(exact, key)
    # a form typed in any case may carry a possessive "s" with no apostrophe ("japans firms")
    branches = [f"(?i:(?:{_trie_regex(any_case)})s?)" if any_case else "", _trie_regex(exact)]
    body = "|".join(b for b in branches if b) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)"), by_form


_END = ""  # marks, in a trie node, that a form ends there


def _insert(trie: dict, form: str) -> None:
    node = trie
    for char in form:
        node = node.setdefault(char, {})
    node[_END] = {}


def _trie_regex(node: dict) -> str:
    """The regex of a trie node: its branches, longest first by greed, spaces matching any run
    of spaces and hyphens ("solid state" = "solid-state") and apostrophes either kind."""
    branches = [
        _char_regex(char) + _trie_regex(child)
        for char, child in sorted(node.items())
        if char != _END
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        return f"(?:{body})?"
    return body


def _char_regex(char: str) -> str:
    if char == " ":
        return _SEPARATOR_RE
    if char == "'":
        return "['’]"
    return re.escape(char)


def _form_regex(form: str) -> str:
    # Spaces and hyphens are interchangeable ("solid state" = "solid-state"), as are apostrophes.
    words = [re.escape(word) for word in _SEPARATORS.split(_normalise(form))]
    return _SEPARATOR_RE.join(words).replace("'", "['’]")


def _normalise(form: str) -> str:
    return _SEPARATORS.sub(" ", form.strip()).replace("’", "'")
