"""Evidence for a question: the corpus sentences closest to it, to each of its parts, and to
each side of a comparison. Sentences come from the index with their stored vectors' scores,
so nothing about the corpus is embedded while answering; only the question is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from bot.intent import END, Intent
from bot.names import Name, asked_names, initials_pattern, mentioned, spelling_of
from bot.rewrite import refers_back
from bot.text import content_terms, tokens
from index.chunking import section_label
from index.records import ScoredChunk

# Sentences of the section a question points at ("per the conclusion") gain this much; a
# question that names a part of a document is mostly asking about that part.
SECTION_BONUS = 0.1
SECTION_DOCUMENTS = 3  # documents among the best sentences whose pointed-at section is read
# A sentence that mentions (itself or by its section) every name the question asks about
# gains this much over one that mentions none: about the spread between a question's best
# few sentences (0.05-0.1), so a sentence on the asked thing moves ahead of close rivals
# without jumping one far better.
NAME_BONUS = 0.1
# ...of which a sentence gets this share when only its section names the thing ("These
# companies benefit..." under "South Korea"): all of it, since the section says what the
# sentence is about as surely as its own words do. Against 0.75, on every eval set and the
# 250 held-out questions: one case gained, none lost, and "what hurdles are the US and EU
# efforts running into?" leads with the hurdles sentence (under "US and EU responses")
# instead of the one naming Europe; the distractor benchmark is unchanged (56/60).
SECTION_SHARE = 1.0
# A sentence that opens with a pronoun ("It is now building a plant in Debrecen", "These
# companies benefit...") is about what the sentences before it name: up to this many of them
# are read, back to one that opens otherwise.
REFERENT_SENTENCES = 2
_ANAPHOR = re.compile(r"^(?:it|its|they|their|them|this|these|those|he|she|his|her)\b", re.I)
SENTENCES_K = 12  # sentences read for the whole question
PART_K = 4  # ...and for each part or side
# A question that names things reads this many times SENTENCES_K, then keeps the sentences
# of documents that name one of them (when any does).
SUBJECT_READ = 3
SPELLINGS = 2  # spelled-out forms an acronym is searched under


@dataclass(frozen=True)
class Part:
    """One part of a question answered on its own: a sub-question or a side of a comparison."""

    query: str
    side: Name | None  # the side a comparison part is about
    ranked: tuple[ScoredChunk, ...]
    rivals: tuple[Name, ...] = ()  # the comparison's other sides
    # sentences of a section that names other places besides the side ("US and EU responses"):
    # naming none of them, they are about none in particular
    shared: frozenset[str] = frozenset()
    # the best score any side reached: a side is ranked on what is compared (its query has
    # no names), so its scores are measured against this, not against the question's best
    reach: float | None = None
    # a sub-question as the user asked it, before the words searched with it (what a later
    # part refers back to): what its sentence must say
    asked: str = ""


@dataclass(frozen=True)
class Evidence:
    """Sentences for the whole question, best first, and for each of its parts."""

    query: str
    names: tuple[Name, ...]
    ranked: tuple[ScoredChunk, ...]
    parts: tuple[Part, ...] = ()
    passages: dict[str, Any] = field(default_factory=dict)  # passage id -> the passage Chunk
    # sentences from a section about another place than the ones asked about: as extras they
    # would read as an answer about the asked place
    elsewhere: frozenset[str] = frozenset()
    # for a list question that asks for a kind of thing ("which companies..."): sentences of
    # the best document naming its members, best first, and the members themselves
    listed: tuple[ScoredChunk, ...] = ()
    members: tuple[Name, ...] = ()

    @property
    def best(self) -> ScoredChunk | None:
        return self.ranked[0] if self.ranked else None

    @cached_property
    def closest(self) -> float:
        """The highest similarity to the question of any sentence found, by whichever route:
        the best-ranked sentence may lead on keywords rather than meaning."""
        return max((h.dense for h in self.pool), default=0.0)

    @cached_property
    def pool(self) -> tuple[ScoredChunk, ...]:
        """Every sentence found, once, best-scored first (worked out once per question)."""
        seen: dict[str, ScoredChunk] = {}
        for hit in (*self.ranked, *(h for p in self.parts for h in p.ranked)):
            if hit.chunk.id not in seen or seen[hit.chunk.id].score < hit.score:
                seen[hit.chunk.id] = hit
        return tuple(sorted(seen.values(), key=lambda h: -h.score))

    def passage_of(self, hit: ScoredChunk) -> Any:
        """The passage that holds a sentence (the sentence itself when none is stored)."""
        return self.passages.get(hit.chunk.parent or "", hit.chunk)


def gather(
    retriever: Any,
    query: str,
    intent: Intent,
    entities: Sequence[Any],
    asked: str = "",
    kinds: Sequence[str] = (),
) -> Evidence:
    """Search sentences for the question, its parts, and the sides it compares. `asked` is the
    user's own wording of a rewritten follow-up: the sides it names are the ones compared.
    `kinds` are the gazetteer kinds a list question asks for the members of."""
    typed = query
    read: dict[str, Name] = {}
    names = _spelled_out(retriever, _asked(retriever, query, entities), read)
    own = _spelled_out(retriever, _asked(retriever, asked, entities), read) if asked else names
    # a follow-up is about what the user named in it ("and europe?"); the names the rewrite
    # brought from the thread make the search specific but are not its subject
    subject = own or names
    # ...searched under its adjective too, which counts once with the name, under either
    widened = adjectives_for(query, names, retriever.knows)
    synonyms = [[name, *forms] for name, forms in widened.items()]
    query = search_text(query, names, widened)
    spelled = [f for n in names for f in n.forms[1:] if n.kind == "name"]
    query = f"{query} ({', '.join(spelled)})" if spelled else query
    weigh = _name_weights(retriever)
    forms = [f for n in subject for f in n.forms]
    found = retriever.search_sentences(
        query,
        k=SENTENCES_K * SUBJECT_READ,
        mentions=forms,
        synonyms=synonyms,
    )
    found = _on_subject(found, subject, retriever) if subject else found[:SENTENCES_K]
    ranked = _favour_names(found, subject, weigh)
    pointed: tuple[str, str] | None = None  # (document, section) the question points at
    if intent.section and ranked:
        ranked, pointed = _favour_section(retriever, query, ranked, intent.section)
    parts = []
    for i, p in enumerate(intent.parts):
        # a part that names nothing but refers back ("or does it reach further upstream?") is
        # about what the question names; one that stands alone ("who's slapping tariffs on
        # whom, and how are korean firms...?") is not about the other part's names
        own_names = _asked(retriever, p, entities) or (subject if refers_back(p) else ())
        asked_part = p
        if i and refers_back(p):
            # "trade barriers: who's putting them up, and how are firms getting around them?":
            # what a later part refers back to is said in the first
            p = f"{p} ({intent.parts[0]})"
        p = search_text(p, own_names)
        found = retriever.search_sentences(p, k=PART_K)
        parts.append(Part(p, None, _favour_names(found, own_names, weigh), asked=asked_part))
    compared = subject if intent.wants_comparison or coordinated(asked or query, subject) else ()
    pairs = comparison_sides(compared)
    clauses = _own_clauses(typed, [pairs[0][0], *pairs[0][1]]) if pairs else {}
    sides = [
        _side(retriever, query, side, others, weigh, entities, clauses.get(side.name, ""))
        for side, others in pairs
    ]
    # a side's best is measured against the best any side gets on the compared aspect
    reach = max((p.reach for p in sides if p.reach is not None), default=None)
    parts += [p if p.reach is None else replace(p, reach=reach) for p in sides]
    found = [*ranked, *(h for p in parts for h in p.ranked)]
    passages = {h.chunk.parent: retriever.passage(h.chunk.parent) for h in found if h.chunk.parent}
    passages = {pid: chunk for pid, chunk in passages.items() if chunk is not None}
    elsewhere = _elsewhere(found, subject, entities)
    if pointed:
        # "in the closing section, what...": the answer comes from that section
        outside = {h.chunk.id for h in found if (h.chunk.source_id, h.chunk.anchor) != pointed}
        elsewhere = elsewhere | outside
    # of the gazetteer's members, only those whose words the corpus has can be named in it
    members = tuple(
        m for m in _members(kinds, subject, entities) if any(retriever.knows(f) for f in m.forms)
    )
    listed = _listed(retriever, query, members, subject, ranked)
    for hit in listed:
        if hit.chunk.parent and hit.chunk.parent not in passages:
            passage = retriever.passage(hit.chunk.parent)
            if passage is not None:
                passages[hit.chunk.parent] = passage
    return Evidence(query, names, tuple(ranked), tuple(parts), passages, elsewhere, listed, members)


def _asked(retriever: Any, text: str, entities: Sequence[Any]) -> tuple[Name, ...]:
    """The question's names (see names.asked_names), and the corpus's own names it types in
    lower case ("what are ppl in debrecen upset about?"): a new document's places and firms
    are named without a gazetteer entry."""
    names = asked_names(text, entities)
    proper_form = getattr(retriever, "proper_form", None)
    if proper_form is None:
        return names
    covered = {t for n in names for f in n.forms for t in tokens(f)}
    typed = [
        form
        for word in dict.fromkeys(tokens(text))
        if word not in covered and (form := proper_form(word))
    ]
    return names + tuple(Name(form, "name", (form,)) for form in typed)


def _spelled_out(
    retriever: Any, names: Sequence[Name], done: dict[str, Name] | None = None
) -> tuple[Name, ...]:
    """An acronym the corpus never uses ("R&D", "JVs") is also searched for, and found, under
    the words that spell it out in its sentences ("research and development"): the embedding
    and the keyword index know the words, not the letters. Read per question, and only for
    such an acronym; at most SPELLINGS of them, the most used first. `done` holds names
    already read, so a follow-up's own names are not read again."""
    done = {} if done is None else done
    found = []
    for name in names:
        if name.name not in done:
            done[name.name] = _with_spellings(retriever, name)
        found.append(done[name.name])
    return tuple(found)


def _with_spellings(retriever: Any, name: Name) -> Name:
    pattern = initials_pattern(name) if name.kind == "name" else None
    if pattern is None or retriever.knows(name.name):
        return name
    counts: dict[str, int] = {}
    for unit in retriever.sentences:
        spelling = pattern.search(unit.text) and spelling_of(name, unit.text)
        if spelling:
            counts[spelling.lower()] = counts.get(spelling.lower(), 0) + 1
    spellings = sorted(counts, key=lambda w: -counts[w])[:SPELLINGS]
    return replace(name, forms=(*name.forms, *spellings))


def _members(kinds: Sequence[str], subject: Sequence[Name], entities: Sequence[Any]) -> tuple:
    """The gazetteer's things of the asked kinds, other than those the question names; of a
    named place, those that belong to it ("Japanese companies": Panasonic, Toyota)."""
    if not kinds:
        return ()
    asked = {n.name for n in subject}
    places = {n.name for n in subject if n.kind == "place"}
    found = [e for e in entities if e.type in kinds and e.name not in asked]
    if places and any(e.country for e in found if e.country != e.name):
        found = [e for e in found if e.country in places or not e.country]
    return tuple(Name(e.name, e.type, e.forms) for e in found)


def _listed(
    retriever: Any, query: str, members: Sequence[Name], subject: Sequence[Name], ranked
) -> tuple:
    """Sentences of the best document that name a member, scored on the question; where the
    question names a place, only those about it (by their own words or their section)."""
    if not members or not ranked:
        return ()
    forms = [f for m in members for f in m.forms]
    found = retriever.search_sentences(query, k=PART_K, mentions=forms)
    source = ranked[0].chunk.source_id
    places = [n for n in subject if n.kind == "place"]
    return tuple(
        h
        for h in found
        if h.chunk.source_id == source
        and any(mentioned(m, h.chunk.text) for m in members)
        and (not places or any(named_by(p, h) for p in places))
    )


def _side(
    retriever: Any,
    query: str,
    side: Name,
    others: Sequence[Name],
    weigh,
    entities: Sequence[Any],
    clause: str = "",
) -> Part:
    """One side of a comparison: the sentences about the side (naming it, or in a section or
    passage that does) ranked on what is compared, the question without any side's name. With
    the names in, similarity favours any sentence naming the side over the one on the compared
    aspect ("South Korea has focused on..." over "These companies benefit from government
    policies..." for a question on government support)."""
    side_query = clause or without(query, others)
    aspect = without(side_query, [side])
    if not content_terms(aspect):  # "japan vs china?": nothing but the sides
        found = retriever.search_sentences(side_query, k=PART_K)
        return Part(side_query, side, _favour_names(found, [side], weigh), tuple(others))
    found = retriever.search_sentences(aspect, k=PART_K, mentions=side.forms)
    ranked = _favour_names(
        [h for h in found if _is_about(side, h, retriever, entities)], [side], weigh
    )
    shared = frozenset(
        h.chunk.id for h in ranked if section_places(h.chunk.anchor, entities) - {side.name}
    )
    best = ranked[0].score if ranked else 0.0
    return Part(aspect, side, ranked, tuple(others), reach=best, shared=shared)


# "what does korea focus on vs what japan's strategy emphasises?" asks one thing of each side
_VERSUS = re.compile(r"\s*(?:,\s*)?\b(?:vs\.?|versus)\s+", re.IGNORECASE)


def _own_clauses(query: str, sides: Sequence[Name]) -> dict[str, str]:
    """By side, the clause of a "X ... vs Y ..." question that asks about it, when each side
    has a clause of its own that asks something of it; else none (the question asks the same
    of every side)."""
    clauses = _VERSUS.split(query)
    if len(clauses) < 2:
        return {}
    owner = {}
    for name in sides:
        holding = [c for c in clauses if re.search(_name_pattern(name), c, re.IGNORECASE)]
        # "the moves the US has made vs asian batteries": a bare noun is what is opposed,
        # not a question of its own
        if len(holding) != 1 or len(content_terms(without(holding[0], [name]))) < 2:
            return {}
        owner[name.name] = holding[0]
    return owner if len(set(owner.values())) == len(owner) else {}


def named_by(name: Name, hit: ScoredChunk) -> bool:
    """The sentence or its section names the thing."""
    return mentioned(name, hit.chunk.text) or mentioned(name, section_label(hit.chunk.anchor))


def _is_about(name: Name, hit: ScoredChunk, retriever: Any, entities: Sequence[Any]) -> bool:
    """The sentence names the side, or its section or passage does, unless the sentence names
    another thing its section is about ("Europe is pursuing..." under "US and EU responses" is
    about Europe, not the US; "South Korea has focused on... markets in Europe" under "South
    Korea" is about South Korea, not Europe)."""
    text = hit.chunk.text
    section = section_names(hit.chunk.anchor, entities)
    named_here = mentioned(name, text)
    if any(n.name in section - {name.name} for n in asked_names(text, entities)) and not (
        named_here and name.name in section
    ):
        return False  # "South Korea has focused on... markets in Europe" is about South Korea
    if named_here or named_by(name, hit):
        return True
    passage = retriever.passage(hit.chunk.parent) if hit.chunk.parent else None
    return passage is not None and mentioned(name, passage.text)


def _name_weights(retriever: Any):
    """A name's weight among the question's names: how rare it is in the corpus (its most
    common form's rarest word), so "Asia" in a report about Asia counts for less than "US"."""

    def weigh(name: Name) -> float:
        return max(min(retriever.specificity(form) for form in name.forms), 1e-3)

    return weigh


def _on_subject(hits: Sequence[ScoredChunk], names: Sequence[Name], retriever: Any) -> tuple:
    """The best SENTENCES_K sentences from documents that name one of the asked things (in a
    passage or the title). A report on another country can read closer to the question than
    the sentence that answers it, but it never names what was asked about. Within a document
    that does, NAME_BONUS prefers the sentences about it. When no document names them, the
    best sentences as found."""
    sources = {
        p.source_id
        for p in retriever.passages_with_words([f for n in names for f in n.forms])
        if any(mentioned(n, p.text) for n in names)
    }
    kept = [
        h
        for h in hits
        if h.chunk.source_id in sources or any(mentioned(n, h.chunk.title) for n in names)
    ]
    return tuple((kept or list(hits))[:SENTENCES_K])


def referent(retriever: Any, unit: Any) -> str:
    """What a pronoun-led sentence refers back to: the sentences before it in its section, up
    to REFERENT_SENTENCES, back to one that does not open with a pronoun ("" for others)."""
    before = getattr(retriever, "sentence_before", None)
    found: list[str] = []
    while before is not None and _ANAPHOR.match(unit.text) and len(found) < REFERENT_SENTENCES:
        unit = before(unit)
        if unit is None:
            break
        found.append(unit.text)
    return " ".join(reversed(found))


def _favour_names(hits: Sequence[ScoredChunk], names: Sequence[Name], weigh) -> tuple:
    """Sentences about the things the question names gain up to NAME_BONUS (SECTION_SHARE of
    it when only their section names them): a sentence on another country's policy is a worse answer
    than one on the asked country's. Names count by their weight: the rarer, the more."""
    if not names:
        return tuple(hits)
    weights = [weigh(n) for n in names]
    out = []
    for hit in hits:
        label = section_label(hit.chunk.anchor)
        share = sum(
            w * (1.0 if mentioned(n, hit.chunk.text) else SECTION_SHARE * mentioned(n, label))
            for n, w in zip(names, weights, strict=True)
        ) / sum(weights)
        out.append(replace(hit, score=round(hit.score + NAME_BONUS * share, 6)))
    return tuple(sorted(out, key=lambda h: -h.score))


def section_places(anchor: str, entities) -> set[str]:
    """Places a section's anchor names ("us-eu-responses" -> United States, Europe)."""
    return {n.name for n in _section_names(anchor, entities) if n.kind == "place"}


def section_names(anchor: str, entities) -> set[str]:
    """Everything a section's anchor names."""
    return {n.name for n in _section_names(anchor, entities)}


def _section_names(anchor: str, entities) -> tuple[Name, ...]:
    label = section_label(anchor)
    return asked_names(label.title(), entities) + asked_names(label.upper(), entities)


def _elsewhere(hits: Sequence[ScoredChunk], names: Sequence[Name], entities) -> frozenset[str]:
    places = {n.name for n in names if n.kind == "place"}
    if not places:
        return frozenset()
    # a section about China is no elsewhere to a question about Asia
    places |= {m for e in entities if e.name in places for m in (*e.includes, *e.contains)}
    out = set()
    for hit in hits:
        here = section_places(hit.chunk.anchor, entities)
        named = {n.name for n in asked_names(hit.chunk.text, entities) if n.kind == "place"}
        if (here and not here & places) or (named and not named & places and not here & places):
            out.add(hit.chunk.id)
    return frozenset(out)


def _favour_section(retriever: Any, query: str, ranked, section: str) -> tuple[tuple, Any]:
    """Rank the sentences of the pointed-at section higher: that section of whichever of the
    best few documents holds the sentence closest to the question there. Returns the ranking
    and the (document, section) chosen, None when no document has one."""
    sources = list(dict.fromkeys(h.chunk.source_id for h in ranked))[:SECTION_DOCUMENTS]
    best: tuple = ()
    for source in sources:
        anchors = retriever.sections(source)
        if not anchors:
            continue
        anchor = anchors[-1] if section == END else anchors[0]
        inside = retriever.search_sentences(
            query, k=SENTENCES_K, where={"source_id": source, "anchor": anchor}
        )
        if inside and (not best or inside[0].score > best[0].score):
            best = inside
    if not best:
        return ranked, None
    boosted = {h.chunk.id: replace(h, score=h.score + SECTION_BONUS) for h in best}
    merged = {h.chunk.id: h for h in ranked} | boosted
    pointed = (best[0].chunk.source_id, best[0].chunk.anchor)
    return tuple(sorted(merged.values(), key=lambda h: -h.score)[:SENTENCES_K]), pointed


def _adjectives(name: Name) -> list[str]:
    """One-word forms that share the name's stem: "Chinese" of China, "European" of Europe."""
    stems = {w[:4].lower() for w in name.name.split() if len(w) >= 4}
    return [f for f in name.forms[1:] if " " not in f and f[:4].lower() in stems and f != name.name]


def search_text(
    query: str, names: Sequence[Name], adjectives: Mapping[str, Sequence[str]] | None = None
) -> str:
    """The query plus the usual name of anything it calls otherwise ("Brussels" -> Europe),
    and the `adjectives` given for that name ("PRC" -> China, Chinese), which keywords could
    not otherwise meet."""
    extra: list[str] = []
    for n in names:
        if n.kind == "name" or mentioned(n.name_only, query):
            continue
        extra.append(n.name)
        extra += [f for f in (adjectives or {}).get(n.name, ()) if f not in extra]
    return f"{query} ({', '.join(extra)})" if extra else query


def adjectives_for(
    query: str, names: Sequence[Name], knows: Callable[[str], bool]
) -> dict[str, list[str]]:
    """By name, the adjectives the corpus uses ("Chinese") of each thing the question calls
    only by forms no sentence uses ("PRC", "Seoul")."""
    return {
        n.name: [f for f in _adjectives(n) if knows(f)]
        for n in names
        if n.kind != "name" and _called_otherwise(n, query, knows)
    }


def _called_otherwise(name: Name, query: str, knows: Callable[[str], bool]) -> bool:
    """The question calls the thing only by forms that no sentence uses ("PRC", "Seoul")."""
    typed = [f for f in name.forms if mentioned(Name(f, name.kind, (f,)), query)]
    return bool(typed) and not any(knows(f) for f in typed)


def comparison_sides(names: Sequence[Name]) -> list[tuple[Name, list[Name]]]:
    """Each side of a comparison with the other sides: the largest group of names of one kind."""
    groups: dict[str, list[Name]] = {}
    for name in names:
        groups.setdefault(name.kind, []).append(name)
    sides = max(groups.values(), key=len, default=[])
    if len(sides) < 2:
        return []
    return [(side, [o for o in sides if o != side]) for side in sides[:4]]


def coordinated(text: str, names: Sequence[Name]) -> bool:
    """True when two of the names are joined as equals ("Korea's and Japan's", "the US, Europe
    or Japan"): the question asks the same of each. "How is the US responding to Asia's lead?"
    names two places, one acting on the other, and compares nothing."""
    found = (re.search(_name_pattern(name), text, flags=re.IGNORECASE) for name in names)
    spans = sorted((m.start(), m.end()) for m in found if m)
    return any(
        _JOINED.fullmatch(text[end:start])
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False)
    )


# what may stand between two coordinated names: a comma or slash ("the US, Europe", "US/EU"),
# or a conjunction after at most two words of the first ("South Korean firms and the US"),
# either of them repeating the first name's preposition ("in china, in korea, and in japan")
_REPEATED = r"(?:(?:in|for|of|on|at|from|to|with|by|about)\s+)?(?:the\s+)?"
_JOINED = re.compile(
    r"(?:'s|’s)?\s*[,/]\s*"
    + _REPEATED
    + r"|(?:'s|’s)?(?:\s+[\w-]+){0,2}?\s*,?\s*(?:and|or|&|vs\.?|versus|nor)\s+"
    + _REPEATED,
    re.IGNORECASE,
)


def without(query: str, names: Sequence[Name]) -> str:
    """The query with the given names taken out (one side of a comparison)."""
    for name in names:
        query = re.sub(_name_pattern(name, r"(?:'s|’s)?"), " ", query, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", query).strip()


def _name_pattern(name: Name, suffix: str = "") -> str:
    """Any form of the name as whole words, the longest first."""
    forms = sorted(name.forms, key=len, reverse=True)
    return r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")" + suffix + r"\b"
