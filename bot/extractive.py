"""The extractive generator: answers made only of corpus sentences, each with its citation.

Every sentence it emits is a verbatim sentence of a retrieved chunk, so an answer can state
nothing its sources don't. The work is in choosing: which sentences answer the question, how
many, and in what order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.lexicon import expansions
from bot.question import QuestionProfile
from bot.similarity import SentenceEmbedder
from bot.text import contains_term, content_terms, numbers_in, split_sentences
from corpus.entities import Entity, find_entities
from index.records import Chunk, ScoredChunk

PLACE_TYPES = ("country", "region")  # entity types a sentence can be "about" as a place
W_DENSE, W_LEXICAL, W_ENTITY = 0.55, 0.30, 0.15
BONUS_TYPE = 0.08  # the sentence has the kind of thing asked for (a figure, several names)
BONUS_PHRASE = (
    0.05  # per two-word phrase of the question found in the sentence ("government support")
)
FACET_RATIO = 0.6  # a part's best sentence must be at least this good relative to the best,
FACET_DENSE = 0.45  # ...or at least this close to its own part of the question
CLOSE_RATIO = 0.85  # ...or this close to the best even when it adds no new words
KEEP_RATIO = 0.8  # further sentences must score at least this share of the best one
MAX_SENTENCES, MAX_LIST_SENTENCES = 3, 4


@dataclass(frozen=True)
class Candidate:
    """A corpus sentence that could answer, with the chunk it would cite."""

    sentence: str
    hit: ScoredChunk
    order: tuple[int, int]
    entities: frozenset[str]
    context_entities: frozenset[str]
    homes: frozenset[str] = frozenset()  # countries of the entities it names (CATL -> China)
    subjects: frozenset[str] = frozenset()  # the places it is about, not merely mentions


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float
    dense: float
    lexical: float
    entity: float


class IdfTable:
    """Inverse document frequency of stemmed terms over the corpus's sentences."""

    def __init__(self, sentences: Iterable[str]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for sentence in sentences:
            n += 1
            df.update(set(content_terms(sentence)))
        self._n = max(n, 1)
        self._df = df

    def __call__(self, term: str) -> float:
        return math.log(1 + self._n / (1 + self._df.get(term, 0)))

    def __contains__(self, term: str) -> bool:
        return term in self._df


def chunk_sentences(chunk: Chunk) -> list[str]:
    """The corpus sentences a chunk can contribute: a fact's verbatim quote, a passage's text."""
    if chunk.kind == "fact":
        return [chunk.quote] if chunk.quote else []
    return split_sentences(chunk.text)


def paragraph_subjects(
    chunks: Iterable[Chunk], entities: Sequence[Entity]
) -> dict[tuple[str, str], frozenset[str]]:
    """What each paragraph is about: the entities of its opening sentence."""
    firsts: dict[tuple[str, str], Chunk] = {}
    for chunk in chunks:
        key = (chunk.source_id, chunk.anchor)
        if chunk.kind != "fact" and (key not in firsts or chunk.position < firsts[key].position):
            firsts[key] = chunk
    subjects = {}
    for key, chunk in firsts.items():
        opening = (split_sentences(chunk.text) or [chunk.text])[0]
        subjects[key] = frozenset(e.name for e in find_entities(opening, entities))
    return subjects


def candidates(
    hits: Sequence[ScoredChunk],
    entities: Sequence[Entity],
    subjects: dict[tuple[str, str], frozenset[str]] | None = None,
) -> list[Candidate]:
    """Unique sentences of the retrieved chunks, each cited to the best-ranked chunk holding it."""
    seen: dict[str, Candidate] = {}
    countries = {e.name for e in entities if e.type == "country"}
    passage_order: dict[str, tuple[int, int]] = {}
    for hit in hits:
        if hit.chunk.kind != "fact":
            for i, sentence in enumerate(split_sentences(hit.chunk.text)):
                passage_order.setdefault(sentence, (hit.chunk.position, i))
    for hit in hits:
        chunk = hit.chunk
        if subjects is not None:
            context = subjects.get((chunk.source_id, chunk.anchor), frozenset())
            context |= {chunk.entity} if chunk.entity else set()
        else:
            context = frozenset((*chunk.countries, *chunk.companies))
        for i, sentence in enumerate(chunk_sentences(chunk)):
            if sentence in seen:
                continue
            order = passage_order.get(sentence, (chunk.position, i))
            found = find_entities(sentence, entities)
            own = frozenset(e.name for e in found)
            # A sentence that opens with a place is about that place ("China alone operates");
            # otherwise it takes its subject from the chunk around it ("The government has...").
            opens = _opens_with_place(sentence, found)
            about = own if opens else context | own
            homes = frozenset(e.country for e in found if e.country)
            places = _subject_places(found, context, opens, countries)
            seen[sentence] = Candidate(sentence, hit, order, own, about, homes, places)
    return list(seen.values())


def _opens_with_place(sentence: str, found: Sequence[Entity]) -> bool:
    opening = " ".join(sentence.split()[:3])
    return any(e.type in PLACE_TYPES and find_entities(opening, [e]) for e in found)


def _subject_places(
    found: Sequence[Entity], context: frozenset[str], opens: bool, countries: set[str]
) -> frozenset[str]:
    """Places a sentence is about: the place it opens with, else its paragraph's country,
    else the places it names ("...with Chinese firms controlling..." in a paragraph on Asia)."""
    named = frozenset(e.name for e in found if e.type in PLACE_TYPES)
    if opens:
        return named
    return (context & countries) or named


def query_terms(query: str) -> tuple[list[str], list[str]]:
    """The query's own content terms and the corpus words its everyday words stand for."""
    own = list(dict.fromkeys(content_terms(query)))
    extra = [t for t in expansions(query) if t not in own]
    return own, extra


def score(
    query: str,
    profile: QuestionProfile,
    query_entities: Sequence[Entity],
    pool: Sequence[Candidate],
    embedder: SentenceEmbedder,
    idf: IdfTable,
) -> list[Scored]:
    """Score every candidate sentence against the query, best first."""
    if not pool:
        return []
    dense = embedder.scores(query, [c.sentence for c in pool])
    own, extra = query_terms(query)
    weights = {t: idf(t) for t in own} | {t: 0.5 * idf(t) for t in extra}
    total = sum(weights.values()) or 1.0
    names = {e.name for e in query_entities}
    scored = []
    for cand, d in zip(pool, dense, strict=True):
        terms = set(content_terms(cand.sentence))
        lexical = sum(w for t, w in weights.items() if contains_term(terms, t)) / total
        if names:
            entity = sum(_entity_match(e, cand) for e in query_entities) / len(query_entities)
        else:
            entity = 0.0
        bonus = 0.0
        if profile.wants_number and numbers_in(cand.sentence):
            bonus += BONUS_TYPE
        if profile.wants_list and len(cand.entities) >= 2:
            bonus += BONUS_TYPE
        bonus += min(BONUS_PHRASE * _shared_bigrams(own, cand.sentence), 2 * BONUS_PHRASE)
        total_score = W_DENSE * float(d) + W_LEXICAL * lexical + W_ENTITY * entity + bonus
        scored.append(Scored(cand, total_score, float(d), lexical, entity))
    scored.sort(key=lambda s: s.score, reverse=True)
    return scored


def _entity_match(entity: Entity, cand: Candidate) -> float:
    """1 when the sentence is about the entity, less when it only mentions it or its paragraph does."""
    mentioned = entity.name in cand.entities or entity.name in cand.homes
    if entity.type in PLACE_TYPES:
        if entity.name in cand.subjects:
            return 1.0
        return 0.5 if mentioned else 0.25 * (entity.name in cand.context_entities)
    return 1.0 if mentioned else 0.5 * (entity.name in cand.context_entities)


def _shared_bigrams(terms: Sequence[str], sentence: str) -> int:
    """How many adjacent pairs of the question's terms also stand together in the sentence."""
    sentence_terms = content_terms(sentence)
    pairs = set(zip(sentence_terms, sentence_terms[1:], strict=False))
    return sum(pair in pairs for pair in zip(terms, terms[1:], strict=False))


def _covers(s: Scored, query: str) -> set[str]:
    own, extra = query_terms(query)
    terms = set(content_terms(s.candidate.sentence))
    return {t for t in (*own, *extra) if contains_term(terms, t)} | set(s.candidate.entities)


def select(
    ranked: Sequence[Scored],
    profile: QuestionProfile,
    query: str,
    query_entities: Sequence[Entity],
    facet_best: Sequence[Scored] = (),
) -> list[Scored]:
    """Choose the sentences that answer: the best, the best per part or side, useful extras."""
    if not ranked:
        return []
    best = ranked[0]
    chosen: list[Scored] = [best]
    for facet in facet_best:
        if facet.score < best.score * FACET_RATIO and facet.dense < FACET_DENSE:
            continue
        if all(facet.candidate.sentence != c.candidate.sentence for c in chosen):
            chosen.append(facet)
    sides = [e.name for e in query_entities if e.type in ("country", "region", "company", "policy")]
    if len(sides) >= 2 and (profile.wants_comparison or len(sides) <= 3):
        for side in sides:
            if any(side in s.candidate.entities for s in chosen):
                continue
            others = set(sides) - {side}
            match = next(
                (
                    s
                    for s in ranked
                    if side in s.candidate.entities and not others & s.candidate.entities
                ),
                None,
            )
            match = match or next((s for s in ranked if side in s.candidate.entities), None)
            match = match or next((s for s in ranked if side in s.candidate.context_entities), None)
            taken = {c.candidate.sentence for c in chosen}
            if match and match.candidate.sentence not in taken and match.score >= best.score * 0.6:
                chosen.append(match)
    limit = MAX_LIST_SENTENCES if profile.wants_list or len(sides) >= 2 else MAX_SENTENCES
    limit = max(limit, len(chosen) + 1)  # room for one more beyond the parts and sides
    covered = set().union(*(_covers(s, query) for s in chosen))
    places = {e.name for e in query_entities if e.type in PLACE_TYPES}
    for s in ranked[1:]:
        if len(chosen) >= limit:
            break
        taken = {c.candidate.sentence for c in chosen}
        if s.candidate.sentence in taken or s.score < best.score * KEEP_RATIO:
            continue
        if places and not places & s.candidate.subjects:
            continue  # an extra about another country would read as an answer about this one
        new = _covers(s, query) - covered
        if new or s.score >= best.score * CLOSE_RATIO:
            chosen.append(s)
            covered |= new
    return sorted(chosen, key=lambda s: s.candidate.order)


def compose(chosen: Sequence[Scored], number_of: dict[str, int]) -> str:
    """Join the chosen sentences, each with its [n] marker before the final stop."""
    parts = []
    for s in chosen:
        n = number_of[s.candidate.hit.chunk.id]
        sentence = s.candidate.sentence.strip()
        if sentence and sentence[-1] in ".!?":
            parts.append(f"{sentence[:-1]} [{n}]{sentence[-1]}")
        else:
            parts.append(f"{sentence} [{n}]")
    return " ".join(parts)
