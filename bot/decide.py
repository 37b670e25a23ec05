"""When to answer, when to say the corpus does not say, and when a premise is unsupported.

Every check looks at what the question asks and at the sentences retrieved for it, never at
the corpus's whole vocabulary, so no check weakens as documents are added. Each returns a
`Check` naming itself and the value it measured, so a refusal can always say why.

Thresholds are few and named; `python -m evals.calibrate` sweeps them on held-apart sets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot import messages
from bot.evidence import Evidence
from bot.intent import DATE, PERSON, PLACE, QUANTITY, SOURCE_WORDS, Intent
from bot.listings import listing_sizes, lists_counted, names_members
from bot.names import Name, mentioned, spelled_out, without_names
from bot.question import QuestionProfile
from bot.text import ENUMERATOR, STOPWORDS, content_terms, normalize, numbers_in, stem, tokens
from index.chunking import section_label
from index.records import ScoredChunk

# Cosine similarity (question vs. the closest sentence found for it, as stored with title and
# section; the best-ranked one may lead on keywords) below which the corpus is taken not to
# speak to the question at all. evals.calibrate on generated-dev + grounding: floors
# 0.10-0.20 all refuse no answerable question and catch the same off-topic ones (those sit at
# 0.07 and below; 0.25 refuses two answerable ones, whose closest sentences sit at 0.20 and
# 0.21); the middle of that range keeps a margin on both sides. Off-topic questions in the
# battery domain ("how long does a phone battery last?") reach 0.2-0.3: similarity alone
# cannot tell them from answerable paraphrases, which sit as low.
MIN_RELEVANCE = 0.15
# A word of the question "is met" by a sentence when the sentence has the word (stemmed) or
# one whose embedding is at least this close (a paraphrase: "carmakers" ~ "automakers").
WORD_MATCH = 0.62
AGENT_SUFFIXES = ("er", "ers", "or", "ors")
# Share of a question's topic words a sentence must meet to answer a quantity question with
# words rather than a figure, or to support a presupposed clause.
TOPIC_MET = 0.5
# A presupposed clause ("why did X overtake Y?") is taken as stated when one chosen sentence
# meets at least this share of its words: a false premise usually differs in its verb.
PREMISE_MET = 0.7
# ...and is checked at all only when at least this share of its words are words the corpus
# writes: a false premise restates the corpus and changes one thing ("why did japan give up on
# solid-state research?"), a paraphrase ("since tokyo cant match the others on volume") is
# mostly words it never uses, which no word-by-word check can hold against it. evals.calibrate
# on held-out + grounding (17 true premises, 34 false): at 0.4, 9 true ones are still checked
# and 1 false one goes unchecked; at 0.5, 4 and 3; at 0.6, 3 and 9: 0.5 is the knee.
PREMISE_WORDS_KNOWN = 0.5
# Units that name no quantity in particular: the rest of the question says what is measured.
GENERIC_UNITS = frozenset({"figure", "number", "amount"})
PERCENT_WORDS = "percent percentage"  # the names of the unit a "%" figure is given in
NAMES_IN = 8  # a named thing must appear among this many best sentences (or their passages)
SIDE_IN = 2  # ...or among this many best of a comparison side's own sentences
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b")
# word -> every content word of the sentences -> best cosine similarity
WordSimilarity = Callable[[str, Sequence[str]], float]


@dataclass(frozen=True)
class Check:
    """One decision and the value it turned on."""

    name: str
    value: str
    passed: bool

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


@dataclass(frozen=True)
class Verdict:
    """Go on, answer with a note, stop with a message, or go on flagging the premise."""

    final: bool = False
    message: str = ""
    premise_rejected: bool = False
    lacks: str = ""  # "date" or "figure": the answer says what the corpus gives instead
    check: Check | None = None

    @property
    def reason(self) -> str:
        return str(self.check) if self.check else ""

    @staticmethod
    def proceed(check: Check | None = None) -> Verdict:
        return Verdict(check=check)

    @staticmethod
    def stop(message: str, check: Check) -> Verdict:
        return Verdict(final=True, message=message, check=check)


def before_retrieval(prof: QuestionProfile, query: str) -> Verdict:
    """Messages that need no search: greetings, thanks, unreadable input, bare instructions."""
    if prof.greeting:
        return Verdict.stop(messages.GREETING, Check("small_talk", "greeting", False))
    if prof.thanks:
        return Verdict.stop(messages.THANKS, Check("small_talk", "thanks", False))
    if not prof.readable:
        return Verdict.stop(messages.UNREADABLE, Check("readable", "no words", False))
    if not content_terms(query):
        if prof.injection:
            return Verdict.stop(messages.INJECTION, Check("injection", "instructions only", False))
        return Verdict.stop(messages.UNREADABLE, Check("readable", "no content words", False))
    return Verdict.proceed()


def after_retrieval(
    query: str, intent: Intent, evidence: Evidence, min_relevance: float = MIN_RELEVANCE
) -> Verdict:
    """Does the corpus speak to this question at all, and to the things it names?"""
    best = evidence.best
    if best is None:
        return Verdict.stop(messages.NOT_COVERED, Check("retrieved", "no sentences", False))
    broad = (
        (intent.wants_summary and not evidence.names)
        or intent.section is not None
        or _catalogue(query, intent, evidence)
    )
    if evidence.closest < min_relevance and not broad:
        message = messages.NOT_COVERED if len(tokens(query)) > 2 else messages.UNCLEAR
        value = f"best similarity {evidence.closest:.2f} < {min_relevance}"
        return Verdict.stop(message, Check("relevance", value, False))
    seen = _evidence_text(evidence)
    missing = [
        n.name for n in evidence.names if not mentioned(n, seen) and not spelled_out(n, seen)
    ]
    if missing:
        check = Check("named_things", f"not in the retrieved passages: {', '.join(missing)}", False)
        return Verdict.stop(messages.NOT_MENTIONED, check)
    figures = set(numbers_in(seen))
    # "is it above 50 percent?" sets a bar that the corpus's figure settles; "like 25%?" offers
    # a value that the corpus must give
    bars = thresholds(query)
    asked = [n for n in _figures_in(query) if n not in bars]
    unknown = [n for n in asked if not _known_figure(n, figures)]
    if unknown:  # the passages are read for their listings only when a figure is not found
        listed = listing_sizes(seen)
        unknown = [n for n in unknown if n not in listed]
    # "is it the 2030 plan or the 2025 one?" offers figures to choose from: one known is enough
    offered = len(unknown) < len(asked) and re.search(r"\bor\b", query, re.IGNORECASE)
    if unknown and not offered:
        check = Check("figures", f"not in the retrieved passages: {', '.join(unknown)}", False)
        return Verdict.stop(messages.NO_SUCH_FIGURE, check)
    return Verdict.proceed(Check("relevance", f"best similarity {evidence.closest:.2f}", True))


# A sentence says where a thing is when it puts it in, at or near a named place ("a plant in
# Debrecen", "mines in Australia"); "Chinese firms" or "in key markets" say no where.
_LOCATED = re.compile(r"\b(?:in|at|near|outside)\s+(?:the\s+)?[A-Z][\w’'-]+")
_THRESHOLD = re.compile(
    r"\b(?:above|over|below|under|beyond|(?:more|less|fewer|greater|higher|lower|bigger|smaller)"
    r" than|at (?:least|most)|exceed(?:s|ed|ing)?)\s+(?:the\s+)?(\d[\d.,]*(?:\s?%| percent)?)"
    # "over 10 yrs" is a period, not a bar
    r"(?!\s*(?:years?|yrs?|months?|weeks?|days?|decades?|hours?)\b)",
    re.IGNORECASE,
)


def _figures_in(query: str) -> list[str]:
    """The figures a question writes, less the numbers of its items ("1) ... 2) ...")."""
    return numbers_in(ENUMERATOR.sub(" ", query))


def thresholds(query: str) -> set[str]:
    """The figures a question compares against ("above 50 percent", "more than 100"), which
    ask whether the corpus's figure clears them, not for the figure itself."""
    return {n for m in _THRESHOLD.finditer(normalize(query)) for n in numbers_in(m.group(1))}


def _catalogue(query: str, intent: Intent, evidence: Evidence) -> bool:
    """ "Which places does the doc mention?" asks for nothing but the members of a kind, and
    the corpus names some: no sentence is close to a question with no topic, nor need be."""
    classes = set(content_terms(" ".join(intent.listing)))
    return bool(evidence.listed) and not [
        w for w in topic_words(query, evidence.names) if w not in classes
    ]


def after_selection(
    query: str,
    intent: Intent,
    chosen: Sequence[ScoredChunk],
    names: Sequence[Name],
    similarity: WordSimilarity,
    is_entity: Callable[[str], bool] = lambda span: False,
    members: Sequence[Name] = (),
    referent: Callable[[Any], str] = lambda unit: "",
    knows: Callable[[str], bool] = lambda word: True,
) -> Verdict:
    """Does the answer carry what the question asks for (a date, a figure), and is the
    premise of a why/now-that question stated by the corpus? `members` are the things of the
    kind a "how many regions..." question counts (see evidence.Evidence.members); `referent`
    gives what a pronoun-led sentence refers back to (see evidence.referent); `knows` says
    whether the corpus writes a word."""
    texts = [h.chunk.text for h in chosen]
    # a sentence is about a name when it, what its pronoun refers to, its section or its
    # document's title names it; a comparison's sentences may each be about one side
    each = any if intent.wants_comparison else all
    about = [
        h.chunk.text
        for h in chosen
        if each(mentioned(n, f"{referent(h.chunk)} {_about_text(h)}") for n in names)
    ]
    # a year that is part of an asked name ("Made in China 2025") dates nothing
    dated = [t for t in about if _YEAR.search(without_names(t, names))]
    if (
        intent.asks_for == PERSON
        and not any(_person_named(t, names, is_entity) for t in texts)
        and not _body_answers(intent, texts[:1], names, is_entity)
    ):
        return _lacking("person", messages.NO_PERSON, "no chosen sentence names one")
    if intent.asks_for == PLACE and not any(_LOCATED.search(t) for t in about):
        return _lacking("place", messages.NO_PLACE, "no chosen sentence says where")
    if intent.asks_for == DATE and not dated:
        return _lacking("date", messages.NO_DATE, "no chosen sentence has one")
    # what is measured; when the question names nothing beyond its subject ("CATL's revenue"),
    # the quantity itself must be what a sentence speaks of
    measured = intent.measured or query
    if not topic_words(measured, names):
        # "what's CATL's revenue?" measures revenue; "what are China's numbers - share of
        # capacity...?" says what it measures after its generic unit
        measured = query if intent.unit in GENERIC_UNITS else intent.unit or measured
    # a figure answers when it is about the asked things (a year dates a thing; it is not a
    # count, an amount or a rate of it)
    # "how many gigafactories does China have?" counts things, which a percentage does not;
    # "how many of the world's plants..." asks for a portion, which it gives
    whole = intent.counts and not intent.portion
    given = {t: numbers_in(t) for t in about}
    figures = [
        t
        for t, numbers in given.items()
        if any(not _YEAR.fullmatch(n) and not (whole and n.endswith("%")) for n in numbers)
    ]
    source = bool(SOURCE_WORDS & set(content_terms(query)))  # "...does the doc name?"
    if intent.counts and source:
        # "how many giants does the doc name?" counts what the source lists, and "giants like
        # A, B, and C" lists them; "how many companies are active in Japan?" counts the world,
        # of which "companies like A and B" are examples
        figures += [
            t for t in about if t not in figures and lists_counted(t, measured, any_class=True)
        ]
    # "how many regions has China invested in?" is counted by a sentence that names them,
    # "in Australia, South America, and Africa", unless it gives them as examples ("companies
    # like A and B"), which count only what the source names
    counted = intent.counts and any(names_members(t, members, source) for t in about)
    # "that 70% stat - is it china's share of capacity?" asks of a figure it quotes, which a
    # chosen sentence gives
    quoted_figures = [n for n in _figures_in(query) if not _YEAR.fullmatch(n)]
    figures_given = {n for t in figures for n in given[t]}
    quoted = bool(quoted_figures) and all(_known_figure(n, figures_given) for n in quoted_figures)
    if (
        intent.asks_for == QUANTITY
        and not counted
        and not quoted
        and (
            not figures
            or max(topic_met(measured, [t], names, similarity) for t in figures) < TOPIC_MET
        )
    ):
        # no figure of the thing measured: words about it may still answer ("a majority"),
        # but not a count or a percentage
        # ...when the lead is about the asked things: "LG's US market share" is not said in
        # words by a sentence on US tariffs that never names LG
        lead = [t for t in texts[:1] if t in about]
        met = 0.0 if intent.exact or not lead else topic_met(measured, lead, names, similarity)
        value = f"no figure for what is measured; its words met {met:.2f}"
        if met < TOPIC_MET:
            return Verdict(
                final=True,
                message=messages.NO_FIGURE,
                lacks="figure",
                check=Check("answer_type", f"{value} < {TOPIC_MET}", False),
            )
        return Verdict(lacks="figure", check=Check("answer_type", value, True))
    known = known_share(intent.presupposition, knows) if intent.presupposition else 1.0
    if known < PREMISE_WORDS_KNOWN:
        # "since tokyo cant match the others on volume, ...": a clause in words the corpus
        # never writes cannot be checked word by word, and is not taken as contradicted
        value = f"clause words the corpus writes {known:.2f} < {PREMISE_WORDS_KNOWN}: not checked"
        return Verdict.proceed(Check("premise", value, True))
    if intent.presupposition:
        # the clause's own names must be what the supporting sentence is about
        clause_names = [n for n in names if mentioned(n, intent.presupposition)]
        about = [
            t
            for h, t in zip(chosen, texts, strict=True)
            if all(mentioned(n, f"{t} {section_label(h.chunk.anchor)}") for n in clause_names)
        ]
        best = max(
            (topic_met(intent.presupposition, [t], names, similarity) for t in about), default=0.0
        )
        check = Check("premise", f"presupposed clause met {best:.2f}", best >= PREMISE_MET)
        if not check.passed:
            return Verdict(premise_rejected=True, check=check)
        return Verdict.proceed(check)
    return Verdict.proceed()


def known_share(text: str, knows: Callable[[str], bool]) -> float:
    """Share of the text's content words (its names too) that the corpus writes in some form."""
    typed = _as_typed(text)
    topic = topic_words(text, ())
    return sum(knows(typed.get(w, w)) for w in topic) / len(topic) if topic else 1.0


def _lacking(kind: str, message: str, why: str) -> Verdict:
    """The answer lacks the kind of thing asked for: say so, then what the corpus does say."""
    check = Check("answer_type", f"a {kind} was asked for; {why}", False)
    return Verdict(final=True, message=message, lacks=kind, check=check)


def _about_text(hit: ScoredChunk) -> str:
    return f"{hit.chunk.text} {section_label(hit.chunk.anchor)} {hit.chunk.title}"


def topic_words(query: str, names: Sequence[Name]) -> list[str]:
    """The question's content words other than the names it asks about and its framing."""
    name_stems = {stem(t) for n in names for f in n.forms for t in tokens(f)}
    words = dict.fromkeys(content_terms(query))
    return [w for w in words if w not in name_stems and w not in SOURCE_WORDS and not w.isdigit()]


def topic_met(
    query: str, texts: Sequence[str], names: Sequence[Name], similarity: WordSimilarity
) -> float:
    """Share of the question's topic words that the texts meet, directly or by a close word."""
    topic = topic_words(query, names)
    if not topic:
        return 1.0
    # a word is compared by its embedding as typed: a stem is often no word the model knows
    # ("chasing" -> "chas"), and its closeness to any word is then noise
    typed = _as_typed(query)
    joined = " ".join(texts)
    # a compound's parts are met too: "niche-focused" meets "niche", as "niche" meets it
    have = set(content_terms(joined)) | set(content_terms(joined.replace("-", " ")))
    # a percentage is a figure in percent: "70%" meets "percentage" as "70 percent" would
    if any(n.endswith("%") for n in numbers_in(joined)):
        have |= set(content_terms(PERCENT_WORDS))
    words = sorted({t for t in tokens(joined) if len(t) > 2 and t not in STOPWORDS})
    met = 0
    for term in topic:
        if (
            term in have
            or any(p in have for p in term.split("-") if len(p) > 2)
            or any(_agent_of(term, w) for w in words)
            or words
            and similarity(typed.get(term, term), words) >= WORD_MATCH
        ):
            met += 1
    return met / len(topic)


def _as_typed(text: str) -> dict[str, str]:
    """Each stem of the text with the word first typed for it."""
    typed: dict[str, str] = {}
    for token in tokens(text):
        typed.setdefault(stem(token), token)
    return typed


def _agent_of(term: str, word: str) -> bool:
    """English agent nouns: "workers" are who "work", "investors" who "invest" (the stemmer
    leaves the suffix on)."""
    return word.startswith(term) and word[len(term) :] in AGENT_SUFFIXES


def _evidence_text(evidence: Evidence) -> str:
    """The best sentences and the passages that hold them: what a named thing must be in."""
    # a side of a comparison is searched on its own: its best sentences were retrieved for it
    sides = [h for p in evidence.parts if p.side is not None for h in p.ranked[:SIDE_IN]]
    hits = [*evidence.pool[:NAMES_IN], *sides]
    texts = {evidence.passage_of(h).text: None for h in hits}
    labels = {f"{h.chunk.title}. {section_label(h.chunk.anchor)}.": None for h in hits}
    return "\n".join([*texts, *labels])


_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*)+")
_FULL_NAME = re.compile(r"^[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+$")


def _person_named(text: str, names: Sequence[Name], is_entity: Callable[[str], bool]) -> bool:
    """A sentence names a person when it has a First Last name that is none of the asked
    things and no gazetteer-known name (those are places, firms and policies)."""
    for match in _CAPITALISED_RUN.finditer(text):
        span = match.group(0)
        if not _FULL_NAME.match(span) or any(mentioned(n, span) for n in names):
            continue
        if not is_entity(span):
            return True
    return False


def _body_answers(
    intent: Intent, texts: Sequence[str], names: Sequence[Name], is_entity: Callable[[str], bool]
) -> bool:
    """For "who leads the industry?" (a country or firm may answer): the lead sentence names a
    thing other than those asked about. "Who runs CATL?" or "who's running the European Battery
    Alliance?" asks about a named firm or body, not a place, so only a person answers it."""
    if not intent.person_or_body or any(n.kind != "place" for n in names):
        return False
    for text in texts:
        for match in _CAPITALISED_WORDS.finditer(text):
            span = match.group(0)
            if any(mentioned(n, span) for n in names):
                continue
            if is_entity(span) or not _sentence_initial_only(text, match):
                return True
    return False


_CAPITALISED_WORDS = re.compile(r"\b[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*)*")


def _sentence_initial_only(text: str, match: re.Match) -> bool:
    """A single capitalised word opening the sentence is capitalised for that reason alone,
    unless it is a known name."""
    return match.start() == 0 and " " not in match.group(0)


def _known_figure(number: str, figures: set[str]) -> bool:
    bare = {f.rstrip("%") for f in figures}
    return number in figures or number.rstrip("%") in bare or normalize(number) in figures
