"""The answer chain: understand → gather evidence → decide → choose → write → guard → Answer.

One public entry point, `AnswerChain.answer(question, history)`, used alike by the CLI, the
Slack app and the evals. Each step takes and returns a typed record (`Query`, `Evidence`,
`Verdict`, `Draft`), so one question can be followed from `answer()` to the reply, and
`ask --json` shows the check that decided a refusal, with its value.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from bot import decide, messages
from bot.compose import Draft, choose, summarise
from bot.decide import Verdict
from bot.errors import BackendUnavailable
from bot.evidence import Evidence, gather, referent
from bot.guard import GuardedAnswer, cite, complete, guard
from bot.intent import Intent, read_intent
from bot.names import kind_groups, mentioned, plural
from bot.question import QuestionProfile, clean_question, profile, strip_injection
from bot.records import Answer, Citation, Retrieved, Turn
from bot.rewrite import refers_back, rewrite
from bot.similarity import SentenceEmbedder
from bot.spelling import correct
from bot.text import content_terms, normalize, strip_citations
from corpus.entities import Entity, find_entities
from index.chunking import section_label, split_sentences
from index.records import Chunk

log = logging.getLogger(__name__)
# A list question's class noun names a gazetteer kind when its embedding is this close to the
# kind's name: the closeness at which a question word is taken as met by a sentence word.
CLASS_MATCH = decide.WORD_MATCH
# The question's best sentence is the one whose search score, less this much per unit of the
# question's words it leaves unmet in context (SentenceEmbedder.words_met), is highest.
# Calibrated on held-out, grounding, generated-dev and field (1,055 questions) against the
# search's own lead (711, 100, 38, 59 passed): 0.4 -> 714, 101, 38, 59, no answer lost;
# 0.7 gained no more and lost one. Unseen sets N, O, P and Q: unchanged.
WORDS_WEIGHT = 0.4
# The most sentences the model reads in LLM mode (those chosen as answering number fewer).
LLM_SENTENCES = 8
HOLDINGS_SHOWN = 5  # documents a greeting names by title
# Words that ask for a summary and its format rather than name its topic.
SUMMARY_FRAME = frozenset(
    content_terms(
        "summary summarize summarise overview gist recap rundown tldr quick short brief few "
        "bullet bullets points key main whole thing everything doc document give"
    )
)


@dataclass(frozen=True)
class ChainConfig:
    top_k: int = 5
    generator: str = "extractive"
    min_dense: float = decide.MIN_RELEVANCE


@dataclass(frozen=True)
class Query:
    """A question as the chain reads it: cleaned, made standalone, and classified."""

    question: str
    cleaned: str
    rewritten: str
    profile: QuestionProfile
    intent: Intent
    said: str = ""  # the sentence the thread's last answer led with, for a follow-up
    # the rewrite brought nothing from the thread: the words are all the user's own
    standalone: bool = True


@dataclass(frozen=True)
class Written:
    """The answer text before the guard, with the passage each citation number points at."""

    text: str
    passages: dict[int, Chunk]
    generator: str
    notes: tuple[str, ...] = ()
    guarded: GuardedAnswer | None = None  # set when the writer already ran the guard
    prefix: str = ""  # our own framing sentence ("The corpus gives no date..."), unguarded
    quotes: dict[int, str] = field(default_factory=dict)  # the sentence a number was given for


class AnswerChain:
    """Grounded, cited answers over a retriever. Thread-safe once built."""

    def __init__(
        self,
        retriever: Any,
        entities: Sequence[Entity],
        config: ChainConfig = ChainConfig(),
        llm: Any = None,
        index_version: str = "",
    ) -> None:
        self.retriever = retriever
        self.entities = tuple(entities)
        self.config = config
        self.llm = llm
        self.index_version = index_version
        # Only questions, answer words and cited sentences are embedded, lazily, while
        # answering; the corpus's sentences were embedded when the index was built.
        self.embedder = SentenceEmbedder(retriever.embeddings)

    @classmethod
    def from_settings(cls, settings: Any, generator: str | None = None) -> AnswerChain:
        """Open the index and model named by the settings (loads the model once)."""
        from corpus.entities import load_known
        from index.embeddings import make_embeddings
        from index.retrieve import HybridRetriever
        from index.store import make_client

        embeddings = make_embeddings(settings.embedding_model, settings.embedding_sha256)
        client = make_client(settings.chroma_dir, settings.chroma_host, settings.chroma_port)
        retriever = HybridRetriever.open(client, embeddings, settings.collection)
        entities = load_known(settings.corpus_dir)
        chosen = generator or settings.generator
        llm = None
        if chosen == "llm":
            from bot.llm import make_llm_generator

            llm = make_llm_generator(settings)
        version = getattr(retriever, "version", "")
        return cls(
            retriever,
            entities,
            ChainConfig(
                settings.top_k,
                chosen,
                settings.min_retrieval_score
                if settings.min_retrieval_score is not None
                else decide.MIN_RELEVANCE,
            ),
            llm,
            version,
        )

    # -- public -----------------------------------------------------------------------------

    def answer(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer one question in the context of a thread's earlier turns."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        query = self.understand(question, history)
        timings["rewrite"] = _ms(t0)
        verdict = decide.before_retrieval(query.profile, query.rewritten)
        if verdict.final:
            return self._finish(self._stop(query, verdict, None), started, timings)
        t0 = time.perf_counter()
        evidence = self.gather(query)
        timings["retrieve"] = _ms(t0)
        t0 = time.perf_counter()
        answer = self._respond(query, evidence, history, timings)
        timings.setdefault("generate", _ms(t0))
        return self._finish(answer, started, timings)

    def understand(self, question: str, history: Sequence[Turn] = ()) -> Query:
        """Clean the question, drop instructions aimed at the bot, and make it standalone."""
        cleaned = clean_question(question)
        prof = profile(cleaned)
        text = strip_injection(cleaned) if prof.injection else cleaned
        text = correct(text, self.retriever.knows, self.embedder.similarities)
        rewritten = rewrite(text, history, self.entities) if text else text
        # what is asked is read from the user's own words; the rewrite only adds the subject
        intent = read_intent(text) if rewritten != text else read_intent(rewritten)
        # any question in a thread, rewritten or not ("so is europe on track?"), may ask past
        # what the last answer led with
        said = _last_lead(history)
        if said and intent.presupposition and _asks_past(intent.presupposition):
            # "why do they bother with that?" asks why of what the last answer said, and
            # claims nothing the corpus must be checked for
            intent = replace(intent, presupposition=None)
        return Query(question, cleaned, rewritten, prof, intent, said, rewritten == text)

    def gather(self, query: Query) -> Evidence:
        """Sentences for the question, its parts and its sides (a store failure is one error)."""
        try:
            evidence = gather(
                self.retriever,
                query.rewritten,
                query.intent,
                self.entities,
                query.cleaned,
                self._kinds_listed(query.intent.listing),
            )
        except Exception as exc:  # any store failure is the same thing to a user
            log.warning("retrieval failed: %s", type(exc).__name__)
            raise BackendUnavailable(messages.BACKEND_UNAVAILABLE) from exc
        # a follow-up is searched as it was found: its own words are a fragment ("and how do
        # they stack up on that front?"), and the words its rewrite brings from the thread
        # ("and europe?" -> "how is europe responding to asia's lead?") are not what it asks
        return self._reread(query.rewritten, evidence) if query.standalone else evidence

    def _reread(self, question: str, evidence: Evidence) -> Evidence:
        """The question's best sentence chosen again on how closely each meets its words read
        in context: search scores whole sentences and exact words, so "the planet's battery
        plants" finds "the world's battery manufacturing facilities" behind sentences that
        share the word "battery" and little else. Only the lead moves: the scores, which say
        how far an answer reaches, stay the search's; a part's or a side's sentences are
        chosen as searched (re-read too, they lost as many answers as they gained)."""
        hits = evidence.ranked
        terms = decide.topic_words(question, evidence.names)
        if not terms or len(hits) < 2:
            return evidence
        met = self.embedder.words_met(question, terms, [h.chunk.text for h in hits])
        if met is None:
            return evidence  # a model that cannot read words in context
        scores = [h.score - WORDS_WEIGHT * (1.0 - m) for h, m in zip(hits, met, strict=True)]
        best = hits[scores.index(max(scores))]
        return replace(evidence, ranked=(best, *(h for h in hits if h is not best)))

    def _kinds_listed(self, nouns: Sequence[str]) -> tuple[str, ...]:
        """The gazetteer kinds that a list question's class nouns name: those of the kind, or
        group of kinds, whose name (or its plural: list nouns are plural) is closest to the
        noun, when at least CLASS_MATCH close ("firms" -> company, "places" -> country and
        region)."""
        groups = kind_groups(sorted({e.type for e in self.entities}))
        if not nouns or not groups:
            return ()
        labels = list(groups)
        forms = self.embedder.vectors([*labels, *(plural(label) for label in labels)])
        closeness = self.embedder.vectors(list(nouns)) @ forms.T
        closeness = np.maximum(closeness[:, : len(labels)], closeness[:, len(labels) :])
        best = closeness.argmax(axis=1)
        return tuple(
            dict.fromkeys(
                kind
                for i, j in enumerate(best)
                if closeness[i, j] >= CLASS_MATCH
                for kind in groups[labels[j]]
            )
        )

    # -- steps ------------------------------------------------------------------------------

    def _respond(
        self, query: Query, evidence: Evidence, history: Sequence[Turn], timings: dict
    ) -> Answer:
        verdict = decide.after_retrieval(
            query.rewritten, query.intent, evidence, self.config.min_dense
        )
        if verdict.final:
            return self._stop(query, verdict, evidence)
        draft = self._draft(query, evidence)
        selection = decide.after_selection(
            query.rewritten,
            query.intent,
            draft.chosen,
            evidence.names,
            self.embedder.best,
            lambda span: bool(find_entities(span, self.entities)),
            evidence.members,
            lambda unit: referent(self.retriever, unit),
            self.retriever.knows,
        )
        checks = tuple(str(c) for c in (verdict.check, selection.check) if c)
        notes: tuple[str, ...] = ()
        if selection.final:
            # no date or figure where one was asked for: say so, then what the corpus does say
            lead = Draft(draft.chosen[:1])
            written = self._extractive(lead, evidence, prefix=selection.message)
            return self._build(query, evidence, written, selection, notes, checks, abstained=True)
        t0 = time.perf_counter()
        written = None
        if self.config.generator == "llm" and self.llm is not None:
            written = self._llm(query, evidence, draft, history)
        if written is None or written.guarded is None:
            fallback_notes = written.notes if written is not None else ()
            written = self._extractive(draft, evidence)
            written = replace(written, notes=fallback_notes)
        timings["generate"] = _ms(t0)
        if selection.lacks == "figure":
            notes += (messages.NO_EXACT_FIGURE,)
        return self._build(query, evidence, written, selection, notes, checks)

    def _draft(self, query: Query, evidence: Evidence) -> Draft:
        if query.intent.wants_summary:
            return summarise(evidence, self._sections(query, evidence))
        return choose(evidence, query.intent, self._asked_past(query, evidence), self.embedder.best)

    def _asked_past(self, query: Query, evidence: Evidence) -> str:
        """The last answer's lead when the follow-up asks for something it does not hold: its
        own words ("is that going smoothly?") are not met by it, as "which markets is that
        aimed at?" is met by "...catering to premium EV markets..."."""
        if not query.said:
            return ""
        met = decide.topic_met(query.cleaned, [query.said], evidence.names, self.embedder.best)
        return query.said if met < decide.TOPIC_MET else ""

    def _sections(self, query: Query, evidence: Evidence) -> list[list[Chunk]]:
        """The sections a summary covers: all of the best document's when the question names
        no topic beyond summarising, else those its best sentences come from."""
        best = evidence.ranked[0].chunk
        topical = decide.topic_words(query.rewritten, evidence.names)
        # a word the corpus never uses ("pls") names no topic of it
        topical = [w for w in topical if w not in SUMMARY_FRAME and self.retriever.knows(w)]
        if topical or evidence.names:
            # ...and, for "tl;dr every company", the sections that name one
            found = [*evidence.ranked[:4], *evidence.listed]
            wanted = list(dict.fromkeys(h.chunk.anchor for h in found))
            # "the rundown on korea" (nothing asked but things with sections of their own): those
            # sections; "...on lithium across china, korea, japan" keeps lithium's
            own = [[a for a in wanted if mentioned(n, section_label(a))] for n in evidence.names]
            if not topical and own and all(own):
                wanted = [a for a in wanted if any(a in sections_of for sections_of in own)]
        else:
            wanted = None
        sections: dict[str, list[Chunk]] = {}
        for unit in self.retriever.sentences:
            if unit.source_id == best.source_id and (wanted is None or unit.anchor in wanted):
                sections.setdefault(unit.anchor, []).append(unit)
        return [sorted(s, key=lambda u: u.position) for s in sections.values()]

    def _extractive(self, draft: Draft, evidence: Evidence, prefix: str = "") -> Written:
        """Verbatim sentences, each cited to the passage that holds it."""
        numbers: dict[str, int] = {}
        passages: dict[int, Chunk] = {}
        lines = []
        for hit in draft.chosen:
            unit = hit.chunk
            passage = self._passage_of(unit, evidence)
            n = numbers.setdefault(passage.id, len(numbers) + 1)
            passages[n] = passage
            lines.append(cite(unit.text, n))
        joiner = "\n" if draft.bullets else " "
        body = joiner.join(f"• {line}" if draft.bullets else line for line in lines)
        return Written(body, passages, "extractive", prefix=prefix)

    def _llm(
        self, query: Query, evidence: Evidence, draft: Draft, history: Sequence[Turn]
    ) -> Written | None:
        """The model writes from the sentences chosen as answering, each numbered on its own;
        the guard keeps what the cited sentence holds. Only those sentences: given more, a
        small model tends to pick one off to the side and stop. `complete` then restores what
        the model cut (see bot.guard)."""
        from bot.llm import NOT_IN_CORPUS, Context, GeneratorError, drop_own_framing

        units = [h.chunk for h in draft.chosen] or [h.chunk for h in evidence.pool[:1]]
        passages = {n: unit for n, unit in enumerate(units[:LLM_SENTENCES], start=1)}
        contexts = [
            Context(n, u.text, f"{u.title} — {section_label(u.anchor)}")
            for n, u in passages.items()
        ]
        try:
            text = self.llm.generate(query.rewritten, contexts, history)
        except GeneratorError as exc:
            return Written("", {}, "extractive", (messages.LLM_FALLBACK.format(reason=str(exc)),))
        if normalize(text).startswith(normalize(NOT_IN_CORPUS)):
            return Written("", {}, "extractive", (messages.LLM_DECLINED,))
        text = drop_own_framing(text)
        sentences = {n: u.text for n, u in passages.items()}
        guarded = guard(text, sentences, self.embedder.best)
        if guarded.empty:
            return Written("", {}, "extractive", (messages.LLM_UNSUPPORTED,))
        completed = complete(guarded, sentences)
        if completed != guarded.text:
            # the model's dropped sentences stay on record beside the completed answer's
            dropped = tuple(s for s in guarded.support if not s.supported)
            final = guard(completed, sentences, self.embedder.best)
            guarded = GuardedAnswer(final.text, (*dropped, *final.support), final.cited)
        # a citation points at the passage that holds its sentence, quoting that sentence
        held = {n: self._passage_of(u, evidence) for n, u in passages.items()}
        return Written(guarded.text, held, "llm", (), guarded, quotes=sentences)

    def _build(
        self,
        query: Query,
        evidence: Evidence,
        written: Written,
        verdict: Verdict,
        notes: tuple[str, ...],
        checks: tuple[str, ...],
        abstained: bool = False,
    ) -> Answer:
        t0 = time.perf_counter()
        contexts = {n: p.text for n, p in written.passages.items()}
        guarded = written.guarded or _guard_lines(written.text, contexts, self.embedder.best)
        retrieved = self._retrieved(evidence, written.passages)
        base = self._base(query, evidence, retrieved, notes + written.notes, written.generator)
        if guarded.empty:
            check = decide.Check("guard", "no sentence was supported by its citation", False)
            return Answer(
                text=messages.NOT_COVERED,
                abstained=True,
                reason=str(check),
                checks=(*checks, str(check)),
                **base,
            )
        text = guarded.text
        prefix = messages.PREMISE_REJECTED if verdict.premise_rejected else written.prefix
        if prefix:
            text = f"{prefix}{chr(10) if text.startswith('• ') else ' '}{text}"
        citations = tuple(
            _citation(n, written.passages[n], guarded, written.quotes.get(n, ""))
            for n in guarded.cited
            if n in written.passages
        )
        reason = verdict.reason if (abstained or verdict.premise_rejected) else ""
        return Answer(
            text=text,
            abstained=abstained,
            citations=citations,
            support=guarded.support,
            premise_rejected=verdict.premise_rejected,
            reason=reason,
            checks=checks,
            timings_ms={"guard": _ms(t0)},
            **base,
        )

    def _stop(self, query: Query, verdict: Verdict, evidence: Evidence | None) -> Answer:
        retrieved = self._retrieved(evidence, {}) if evidence else ()
        # the reply is ours, written before any model was asked
        base = self._base(query, evidence, retrieved, (), "extractive")
        checks = (verdict.reason,) if verdict.reason else ()
        # small talk is answered in kind: nothing was refused, so there is no reason to give
        talk = verdict.check is not None and verdict.check.name == "small_talk"
        reason = "" if talk else verdict.reason
        text = verdict.message
        if talk and verdict.check.value == "greeting" and self.retriever.sentences:
            text = f"{text} {self._holdings()}"
        return Answer(text=text, abstained=True, reason=reason, checks=checks, **base)

    def _holdings(self) -> str:
        """What the corpus holds, by document title: a new report is introduced as soon as it
        is indexed."""
        titles = list(dict.fromkeys(u.title for u in self.retriever.sentences))
        shown = "; ".join(titles[:HOLDINGS_SHOWN])
        more = len(titles) - HOLDINGS_SHOWN
        documents = "one document" if len(titles) == 1 else f"{len(titles)} documents"
        return messages.HOLDINGS.format(
            documents=documents, titles=shown + (f"; and {more} more" if more > 0 else "")
        )

    def _base(self, query, evidence, retrieved, notes, generator) -> dict:
        best = evidence.closest if evidence else 0.0
        return dict(
            question=query.question,
            rewritten_query=query.rewritten,
            retrieved=retrieved,
            generator=generator,
            notes=tuple(n for n in notes if n),
            confidence=round(float(max(best, 0.0)), 4),
        )

    def _retrieved(self, evidence: Evidence | None, cited: dict[int, Chunk]) -> tuple:
        """The passages behind the answer: those cited first, then those of the next-best
        sentences, at least top_k in all."""
        if evidence is None:
            return ()
        ordered: dict[str, tuple[Chunk, float]] = {}
        scores = {h.chunk.parent: h.dense for h in reversed(evidence.pool)}
        for passage in cited.values():
            ordered.setdefault(passage.id, (passage, scores.get(passage.id, 0.0)))
        for hit in evidence.pool:
            if len(ordered) >= max(self.config.top_k, len(cited)):
                break
            passage = self._passage_of(hit.chunk, evidence)
            ordered.setdefault(passage.id, (passage, hit.dense))
        return tuple(_retrieved(p, score) for p, score in ordered.values())

    def _passage_of(self, unit: Chunk, evidence: Evidence) -> Chunk:
        if unit.parent and unit.parent in evidence.passages:
            return evidence.passages[unit.parent]
        return (self.retriever.passage(unit.parent) if unit.parent else None) or unit

    def _finish(self, answer: Answer, started: float, timings: dict[str, float]) -> Answer:
        timings = {**timings, **answer.timings_ms, "total": _ms(started)}
        return replace(answer, timings_ms=timings)


def _guard_lines(text: str, contexts: dict[int, str], similarity) -> GuardedAnswer:
    """The guard, line by line, so a bulleted answer keeps its bullets."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) <= 1:
        return guard(text, contexts, similarity)
    kept, support, cited = [], [], []
    for line in lines:
        bullet = line.startswith("• ")
        result = guard(line[2:] if bullet else line, contexts, similarity)
        support.extend(result.support)
        cited.extend(n for n in result.cited if n not in cited)
        if not result.empty:
            kept.append(f"• {result.text}" if bullet else result.text)
        elif not bullet and messages.is_framing(line):
            kept.append(line)
    if not any(line.startswith("• ") for line in kept):
        return GuardedAnswer("", tuple(support), ())
    return GuardedAnswer("\n".join(kept), tuple(support), tuple(cited))


def _citation(n: int, passage: Chunk, guarded: GuardedAnswer, given: str = "") -> Citation:
    sentences = [s.sentence for s in guarded.support if n in s.cited and s.supported]
    quote = given or next((s for s in sentences if normalize(s) in normalize(passage.text)), "")
    quote = quote or (sentences[0] if sentences else passage.text)
    return Citation(n, passage.id, passage.source_id, passage.title, passage.anchor, quote)


def _retrieved(passage: Chunk, score: float) -> Retrieved:
    return Retrieved(
        passage.id, passage.source_id, passage.text, round(score, 5), passage.anchor, passage.kind
    )


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)


def _asks_past(clause: str) -> bool:
    """A presupposed clause that refers back and adds at most one word of its own ("that a
    worry", "they bother with that") takes as given what the thread has said, not a claim."""
    own = [w for w in content_terms(clause) if not refers_back(w)]
    return refers_back(clause) and len(own) <= 1


def _last_lead(history: Sequence[Turn]) -> str:
    """The sentence the thread's last answer opened with (none after a refusal)."""
    last = next((t.text for t in reversed(history) if t.role == "assistant"), "")
    if not last or messages.is_refusal(last):
        return ""
    line = last.strip().splitlines()[0].lstrip("•").strip()  # a bulleted answer's first line
    first = split_sentences(line)
    return strip_citations(first[0]) if first else ""
