"""When to answer, when to abstain, and when a question's premise is not supported.

The corpus is small and closed, so "does the corpus say this?" can be asked of a question's
own parts: every proper name and figure it mentions must exist in the corpus, its content
words must be known to the corpus (directly or through the thesaurus) unless the nearest
sentence is semantically very close, and the claim a why/when question presupposes must be
supported by a single corpus sentence (with its paragraph's subject).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot import messages
from bot.extractive import IdfTable, Scored
from bot.lexicon import expansions
from bot.question import QuestionProfile
from bot.similarity import SentenceEmbedder
from bot.text import (
    QUESTION_WORDS,
    STOPWORDS,
    contains_term,
    content_terms,
    names_in,
    numbers_in,
    stem,
    tokens,
)
from corpus.entities import Entity, find_entities
from index.records import Chunk, ScoredChunk

MIN_DENSE = 0.40  # nearest sentence must be at least this close to answer at all
MIN_DENSE_UNKNOWN_TERMS = 0.45  # ...and this close when the question uses words the corpus lacks
WORD_COVER = 0.55  # a word the corpus lacks is "covered" by a close word of the nearest sentences
PREMISE_WORD_COVER = 0.65
OFF_TOPIC_DENSE = 0.6  # an answer meeting none of the topic words needs this similarity
THIN_TOPIC, THIN_TOPIC_DENSE = 0.35, 0.55  # one meeting few of them needs this one
ANCHORED_TOPIC = 0.5  # share of topic words an entity-anchored best sentence must meet
PREMISE_OVERLAP = 0.6
PREMISE_SIMILARITY = 0.8
_YES_NO = re.compile(
    r"^(is it true|is|are|does|do|did|was|were|has|have|had|can|could|will)\b", re.IGNORECASE
)


def _meets(words: set[str], term: str) -> bool:
    """A stemmed term is among the words, itself or through the thesaurus."""
    return contains_term(words, term) or any(x in words for x in expansions(term))


def yes_no_claim(query: str) -> str | None:
    """The claim a yes/no question asks about ("Is Japan the biggest producer?"), if it is one.

    Questions offering alternatives ("above or below 70%?") assert nothing and are left alone.
    """
    match = _YES_NO.match(query.strip())
    if not match or re.search(r"\bor\b", query, re.IGNORECASE):
        return None
    claim = query.strip()[match.end() :].strip(" ?.!")
    claim = re.sub(r"^that\s+", "", claim, flags=re.IGNORECASE)
    return claim if len(tokens(claim)) >= 3 else None


_COUNTING = re.compile(r"\bhow many\b", re.IGNORECASE)
# Words every question about this corpus may use without the corpus "knowing" them.
_GENERIC = frozenset(
    stem(w)
    for w in [
        "battery",
        "batteries",
        "asia",
        "asian",
        "corpus",
        "say",
        "says",
        "sector",
        "industry",
        "industries",
        "market",
        "field",
        "area",
        "role",
        "position",
        "situation",
        "status",
        "state",
        "current",
        "currently",
        "overall",
        "general",
        "generally",
        "info",
        "information",
        "detail",
        "details",
        "summary",
        "summarize",
        "summarise",
        "overview",
        "happen",
        "happening",
        "going",
    ]
)


@dataclass(frozen=True)
class Verdict:
    """What the gates decided: go on, abstain with a message, or go on flagging the premise."""

    final: bool = False
    message: str = ""
    show_topics: bool = False
    premise_rejected: bool = False
    reason: str = ""

    @staticmethod
    def proceed() -> Verdict:
        return Verdict()

    @staticmethod
    def abstain(message: str, show_topics: bool = False, reason: str = "") -> Verdict:
        return Verdict(final=True, message=message, show_topics=show_topics, reason=reason)

    @staticmethod
    def reject_premise(reason: str) -> Verdict:
        return Verdict(premise_rejected=True, reason=reason)


class Gate:
    """Abstention and premise checks against what the corpus contains."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        entities: Sequence[Entity],
        idf: IdfTable,
        embedder: SentenceEmbedder,
        min_dense: float = MIN_DENSE,
    ) -> None:
        self.min_dense = min_dense
        self.entities = tuple(entities)
        self.idf = idf
        self.embedder = embedder
        text = "\n".join(c.text for c in chunks)
        alias_text = " ".join(
            " ".join((e.name, *e.aliases, *e.case_sensitive)) for e in self.entities
        )
        self.tokens = set(tokens(text)) | set(tokens(alias_text))
        self.stems = {stem(t) for t in self.tokens}
        self.numbers = set(numbers_in(text))

    # -- before retrieval: questions we need not search for -------------------------------------

    def before_retrieval(self, prof: QuestionProfile, query: str) -> Verdict:
        if prof.greeting:
            return Verdict.abstain(messages.GREETING, reason="greeting")
        if not prof.readable:
            return Verdict.abstain(messages.UNREADABLE, reason="unreadable")
        if not content_terms(query):
            if prof.injection:
                return Verdict.abstain(messages.INJECTION, reason="injection")
            return Verdict.abstain(messages.UNREADABLE, reason="no content")
        return Verdict.proceed()

    # -- after retrieval: is the answer in what we found? ---------------------------------------

    def after_retrieval(
        self,
        prof: QuestionProfile,
        query: str,
        ranked: Sequence[Scored],
        hits: Sequence[ScoredChunk],
    ) -> Verdict:
        if not ranked:
            return Verdict.abstain(messages.NOT_COVERED, reason="nothing retrieved")
        unknown_names = self.unknown_names(query)
        if unknown_names:
            return Verdict.abstain(messages.NOT_COVERED, True, f"unknown names {unknown_names}")
        unknown_numbers = [n for n in numbers_in(query) if not self._known_number(n)]
        claims = bool(prof.presupposition) or bool(_YES_NO.match(query.strip()))
        if unknown_numbers and not claims:
            return Verdict.abstain(messages.NOT_COVERED, True, f"unknown figures {unknown_numbers}")
        best = ranked[0]
        anchored = self.anchored(query, best)
        if best.dense < self.min_dense and not anchored:
            return Verdict.abstain(messages.NOT_COVERED, True, f"low similarity {best.dense:.2f}")
        nearest = [s.candidate.sentence for s in ranked[:3]]
        unknown = [t for t in self.unknown_terms(query) if not self.covered(t, nearest, WORD_COVER)]
        if unknown and best.dense < MIN_DENSE_UNKNOWN_TERMS and not anchored:
            return Verdict.abstain(messages.NOT_COVERED, True, f"unknown terms {unknown}")
        if _COUNTING.search(query) and not any(
            numbers_in(s.candidate.sentence) for s in ranked[:3]
        ):
            return Verdict.abstain(messages.NOT_COVERED, True, "no figure for a counting question")
        if unknown_numbers:
            return Verdict.reject_premise(f"unknown figures {unknown_numbers}")
        if prof.presupposition and not self.premise_supported(prof.presupposition, ranked):
            return Verdict.reject_premise("presupposition not supported")
        claim = yes_no_claim(query)
        asserted = claim and find_entities(claim, self.entities)
        if asserted and not self.premise_supported(claim, ranked):
            return Verdict.reject_premise("claim not supported")
        return Verdict.proceed()

    # -- after selection: does the answer speak to what was asked? ----------------------------

    def after_selection(self, query: str, chosen: Sequence[Scored]) -> Verdict:
        """Abstain when the chosen sentences meet few of the question's topic words.

        All of a question's words can be known to the corpus while their combination is not
        ("LG Energy Solution's market share"): the answer must then meet the topic itself.
        """
        if not chosen:
            return Verdict.abstain(messages.NOT_COVERED, True, "nothing selected")
        if any(self.anchored(query, s) for s in chosen):
            return Verdict.proceed()
        coverage = self.topic_coverage(query, [s.candidate.sentence for s in chosen])
        dense = max(s.dense for s in chosen)
        if (coverage == 0.0 and dense < OFF_TOPIC_DENSE) or (
            coverage < THIN_TOPIC and dense < THIN_TOPIC_DENSE
        ):
            return Verdict.abstain(messages.NOT_COVERED, True, f"topic coverage {coverage:.2f}")
        return Verdict.proceed()

    def topic_coverage(self, query: str, sentences: Sequence[str]) -> float:
        """Share of the question's topic words (not its entities) that the sentences meet."""
        _, topic = self.topic_terms(query)
        if not topic:
            return 1.0
        text = " ".join(sentences)
        found = set(content_terms(text)) | set(expansions(text))
        return sum(_meets(found, t) for t in topic) / len(topic)

    def topic_terms(self, query: str) -> tuple[tuple[Entity, ...], list[str]]:
        """The entities a question asks about, and its other (topic) words, stemmed."""
        asked = find_entities(query, self.entities)
        entity_stems = {stem(t) for e in asked for t in tokens(" ".join((e.name, *e.aliases)))}
        topic = [t for t in content_terms(query) if t not in entity_stems and t not in _GENERIC]
        return asked, topic

    # -- checks -----------------------------------------------------------------------------

    def anchored(self, query: str, best: Scored) -> bool:
        """The best sentence is about every entity asked of and shares the question's topic words.

        Paraphrases can sit far from their sentence in embedding space; when the entities agree
        and the topic words (through the thesaurus) meet, the match is trusted anyway.
        """
        asked, topic = self.topic_terms(query)
        names = {e.name for e in asked}
        if not asked or not names <= best.candidate.context_entities:
            return False
        if len(topic) < 2:
            # "What role does Toyota play?": about the entity itself, which the sentence names,
            # with the topic word met around it ("When was CATL founded?" is not)
            around = set(content_terms(best.candidate.hit.chunk.text))
            met = all(_meets(around, t) for t in topic)
            return met and names <= best.candidate.entities
        sentence = set(content_terms(best.candidate.sentence))
        sentence |= set(expansions(best.candidate.sentence))
        return sum(_meets(sentence, t) for t in topic) / len(topic) >= ANCHORED_TOPIC

    def unknown_names(self, query: str) -> list[str]:
        """Capitalised words of the question (past its first word) that the corpus never uses."""
        unknown = []
        for name in names_in(query):
            parts = tokens(name)
            if parts and not all(
                p in self.tokens or stem(p) in self.stems or expansions(p) for p in parts
            ):
                if query.strip().startswith(name):
                    continue  # a sentence-initial word is only capitalised, not a name
                unknown.append(name)
        return unknown

    def unknown_terms(self, query: str) -> list[str]:
        """Content words the corpus does not contain, even through the thesaurus."""
        unknown = []
        for tok in tokens(query):
            if tok in STOPWORDS or tok in QUESTION_WORDS or len(tok) < 3 or tok.isdigit():
                continue
            term = stem(tok)
            if term in _GENERIC or contains_term(self.stems, term):
                continue
            if any(t in self.stems for t in expansions(tok)):
                continue
            unknown.append(tok)
        return unknown

    def covered(self, word: str, sentences: Sequence[str], threshold: float) -> bool:
        """True when a word is close in embedding space to a content word of the sentences."""
        words = list(
            dict.fromkeys(
                t for s in sentences for t in tokens(s) if t not in STOPWORDS and len(t) > 2
            )
        )
        if not words:
            return False
        return self.embedder.best(word, words) >= threshold

    def _known_number(self, number: str) -> bool:
        return (
            number in self.numbers
            or f"{number}%" in self.numbers
            or number.rstrip("%") in {n.rstrip("%") for n in self.numbers}
        )

    def premise_supported(self, claim: str, ranked: Sequence[Scored]) -> bool:
        """True when one retrieved sentence (with its paragraph's subject) states the claim."""
        claim_entities = {e.name for e in find_entities(claim, self.entities)}
        claim_numbers = set(numbers_in(claim))
        own = list(dict.fromkeys(content_terms(claim)))
        entity_stems = {stem(t) for e in claim_entities for t in tokens(e)}
        terms = [t for t in own if t not in entity_stems and t not in _GENERIC]
        absent = self.unknown_terms(claim)
        for s in ranked[:10]:
            cand = s.candidate
            if not claim_entities <= cand.context_entities:
                continue
            if not claim_numbers <= set(numbers_in(cand.sentence)):
                continue
            sentence_terms = set(content_terms(cand.sentence))
            sentence_terms |= {t for t in expansions(cand.sentence)}
            covered = [t for t in terms if contains_term(sentence_terms, t)]
            overlap = len(covered) / len(terms) if terms else 1.0
            lacking = [
                t for t in absent if not self.covered(t, [cand.sentence], PREMISE_WORD_COVER)
            ]
            if not lacking and overlap >= PREMISE_OVERLAP:
                return True
            if self.embedder.best(claim, [cand.sentence]) >= PREMISE_SIMILARITY:
                return True
        return False
