"""The answer chain: rewrite → gate → retrieve → generate → guard → Answer.

One public entry point, `AnswerChain.answer(question, history)`, used alike by the CLI, the
Slack app and the evals. Each step is a LangChain runnable over a plain state dict, so steps
can be timed, swapped and tested one by one.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from langchain_core.runnables import RunnableLambda

from bot import messages
from bot.errors import BackendUnavailable
from bot.extractive import (
    IdfTable,
    Scored,
    candidates,
    chunk_sentences,
    compose,
    paragraph_subjects,
    score,
    select,
)
from bot.gates import Gate, Verdict, yes_no_claim
from bot.guard import guard
from bot.lexicon import expansion_words
from bot.question import clean_question, profile, strip_injection
from bot.records import Answer, Citation, Retrieved, Turn
from bot.rewrite import rewrite
from bot.similarity import SentenceEmbedder
from bot.text import content_terms, normalize, split_sentences
from corpus.entities import Entity, find_entities
from index.records import ScoredChunk

log = logging.getLogger(__name__)

FACET_K = 3  # extra chunks fetched per sub-question or side of a comparison
# entity types that can stand on either side of a comparison, grouped by kind
SIDE_KINDS = {"country": "place", "region": "place", "company": "company", "material": "material"}
_COMPARING = re.compile(r"\b(compare|comparison|differ|difference|versus|vs|contrast)\w*\b", re.I)
# a clause joined by "and" is its own part ("X's investments and its contracts")
# "X, and which Y?" / "X; Y" / "X and how Y" split a question into parts answered one by one
_PARTS = re.compile(r"[;?]\s+|,?\s+and\s+(?=(?:which|what|how|where|who|why|when)\b)", re.I)
_CLAUSES = re.compile(
    r"[;?]\s+|,?\s+and\s+(?=(?:which|what|how|where|who|why|when|its|their|the|also)\b)", re.I
)
RETRIEVE_K = 8  # chunks fetched for the extractive pool; the first top_k are the "retrieved" set


@dataclass(frozen=True)
class Facet:
    """A part of a question answered on its own: a sub-question, or one side of a comparison."""

    query: str
    entities: tuple[Entity, ...]
    where: dict | None
    rivals: tuple[str, ...] = ()  # the other sides of a comparison


@dataclass(frozen=True)
class ChainConfig:
    top_k: int = 5
    generator: str = "extractive"
    min_dense: float = 0.40


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
        self.embedder = SentenceEmbedder(retriever.embeddings)
        sentences = [s for c in retriever.chunks for s in chunk_sentences(c)]
        self.idf = IdfTable(sentences)
        self.subjects = paragraph_subjects(retriever.chunks, self.entities)
        self.embedder.vectors(sentences)  # embed the corpus once, so first answers are fast
        self.gate = Gate(retriever.chunks, self.entities, self.idf, self.embedder, config.min_dense)
        self._pipeline = (
            RunnableLambda(self._understand)
            | RunnableLambda(self._retrieve)
            | RunnableLambda(self._generate)
            | RunnableLambda(self._finish)
        )

    @classmethod
    def from_settings(cls, settings: Any, generator: str | None = None) -> AnswerChain:
        """Open the index and model named by the settings (loads the model once, ~5 s)."""
        from corpus.entities import entities_path, load_entities
        from index.embeddings import make_embeddings
        from index.retrieve import HybridRetriever
        from index.store import make_client

        embeddings = make_embeddings(settings.embedding_model, settings.embedding_sha256)
        client = make_client(settings.chroma_dir, settings.chroma_host, settings.chroma_port)
        retriever = HybridRetriever.open(client, embeddings, settings.collection)
        entities = load_entities(entities_path(settings.corpus_dir))
        chosen = generator or settings.generator
        llm = None
        if chosen == "llm":
            from bot.llm import make_llm_generator

            llm = make_llm_generator(settings)
        version = getattr(retriever, "version", "")
        return cls(
            retriever,
            entities,
            ChainConfig(settings.top_k, chosen, settings.min_retrieval_score),
            llm,
            version,
        )

    # -- public -----------------------------------------------------------------------------

    def answer(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer one question in the context of a thread's earlier turns."""
        started = time.perf_counter()
        state = {"question": question, "history": tuple(history), "timings": {}}
        result: Answer = self._pipeline.invoke(state)
        timings = dict(result.timings_ms)
        timings["total"] = round((time.perf_counter() - started) * 1000, 2)
        return replace(result, timings_ms=timings)

    def _search_query(self, query: str) -> str:
        """The query plus the corpus's names for entities it calls otherwise ("Seoul")."""
        lowered = query.lower()
        extra = [
            e.name for e in find_entities(query, self.entities) if e.name.lower() not in lowered
        ]
        return f"{query} {' '.join(extra)}".strip() if extra else query

    @staticmethod
    def _keyword_query(query: str) -> str:
        """The search query plus the corpus's words for its everyday words ("plants")."""
        lowered = query.lower()
        extra = [w for w in expansion_words(query) if w not in lowered]
        return f"{query} {' '.join(extra)}" if extra else query

    def _facet_queries(self, query: str) -> list[Facet]:
        """Sub-questions of a multi-part question and one per side of a comparison."""
        facets: list[Facet] = []
        splitter = _PARTS if _COMPARING.search(query) else _CLAUSES
        parts = [p for p in splitter.split(query) if p and len(content_terms(p)) >= 2]
        if len(parts) > 1:
            facets += [Facet(p, find_entities(p, self.entities), None) for p in parts]
        groups: dict[str, list[Entity]] = {}
        for e in find_entities(query, self.entities):
            groups.setdefault(SIDE_KINDS.get(e.type, e.type), []).append(e)
        sides = max(groups.values(), key=len, default=[])
        if len(sides) >= 2:
            for side in sides[:4]:
                place = SIDE_KINDS.get(side.type) in ("place", "company")
                where = {"country": side.country or side.name} if place else None
                others = [e for e in sides if e != side]
                rivals = tuple(e.name for e in others)
                facets.append(Facet(_without(query, others), (side,), where, rivals))
        return facets

    # -- steps ------------------------------------------------------------------------------

    def _understand(self, state: dict) -> dict:
        t0 = time.perf_counter()
        cleaned = clean_question(state["question"])
        prof = profile(cleaned)
        query = cleaned
        if prof.injection:
            query = strip_injection(cleaned)
        query = rewrite(query, state["history"], self.entities) if query else query
        state.update(cleaned=cleaned, profile=prof, query=query, search=self._search_query(query))
        state["verdict"] = self.gate.before_retrieval(prof, query)
        state["timings"]["rewrite"] = _ms(t0)
        return state

    def _retrieve(self, state: dict) -> dict:
        if state["verdict"].final:
            state["hits"] = ()
            return state
        t0 = time.perf_counter()
        try:
            result = self.retriever.search(
                state["search"],
                k=max(RETRIEVE_K, self.config.top_k),
                keywords=self._keyword_query(state["search"]),
            )
            hits = list(result.hits)
            state["facets"] = self._facet_queries(state["search"])
            for facet in state["facets"]:
                extra = self.retriever.search(facet.query, k=FACET_K, where=facet.where)
                hits += [h for h in extra.hits if all(h.chunk.id != o.chunk.id for o in hits)]
        except Exception as exc:  # any store failure is the same thing to a user
            log.warning("retrieval failed: %s", type(exc).__name__)
            raise BackendUnavailable(messages.BACKEND_UNAVAILABLE) from exc
        state["hits"] = tuple(hits)
        state["confidence"] = result.confidence
        state["timings"]["retrieve"] = _ms(t0)
        return state

    def _generate(self, state: dict) -> dict:
        t0 = time.perf_counter()
        state.setdefault("notes", [])
        if state["verdict"].final:
            state["timings"]["generate"] = _ms(t0)
            return state
        hits, query, prof = state["hits"], state["search"], state["profile"]
        query_entities = find_entities(query, self.entities)
        pool = candidates(hits, self.entities, self.subjects)
        ranked = score(query, prof, query_entities, pool, self.embedder, self.idf)
        verdict = self.gate.after_retrieval(prof, query, ranked, hits)
        state["verdict"] = verdict
        state["ranked"] = ranked
        if verdict.final:
            state["timings"]["generate"] = _ms(t0)
            return state
        facet_best = []
        for facet in state["facets"]:
            top = score(facet.query, prof, facet.entities, pool, self.embedder, self.idf)
            if facet.entities and facet.rivals:  # a side of a comparison: its own sentences'
                side = facet.entities[0].name
                top = [s for s in top if side in s.candidate.context_entities]
                rivals = set(facet.rivals)
                alone = [s for s in top if not rivals & s.candidate.entities]
                top = alone or top
            if top:
                facet_best.append(top[0])
        if verdict.premise_rejected and query_entities:
            # what the corpus says of the claim's predicate, whoever it is about
            predicate = _without(query, query_entities)
            top = score(predicate, prof, (), pool, self.embedder, self.idf)
            facet_best += top[:1]
        chosen = select(ranked, prof, query, query_entities, facet_best)
        state["chosen"] = chosen
        if not verdict.premise_rejected:
            state["verdict"] = verdict = self.gate.after_selection(query, chosen)
            if verdict.final:
                state["timings"]["generate"] = _ms(t0)
                return state
        state["generator"] = "extractive"
        if self.config.generator == "llm" and self.llm is not None:
            self._generate_llm(state)
        if "draft" not in state:
            state["draft"], state["numbers"] = _extractive_draft(chosen)
        state["timings"]["generate"] = _ms(t0)
        return state

    def _generate_llm(self, state: dict) -> None:
        from bot.llm import NOT_IN_CORPUS, PREMISE_NOT_SUPPORTED, Context, GeneratorError

        hits = state["hits"][: self.config.top_k + 1]
        contexts = [Context(i + 1, h.chunk.text, h.chunk.title) for i, h in enumerate(hits)]
        try:
            text = self.llm.generate(state["query"], contexts, state["history"])
        except GeneratorError as exc:
            state["notes"].append(messages.LLM_FALLBACK.format(reason=str(exc)))
            return
        state["generator"] = "llm"
        if normalize(text).startswith(normalize(NOT_IN_CORPUS)):
            # the gates found supporting sentences; a small model often misses them
            state["notes"].append(messages.LLM_DECLINED)
            state["generator"] = "extractive"
            return
        if normalize(text).startswith(normalize(PREMISE_NOT_SUPPORTED)):
            # the model's own framing sentence carries no claim; ours replaces it, and only
            # when the question does presuppose something
            text = text.strip()[len(PREMISE_NOT_SUPPORTED) :]
            prof = state["profile"]
            if prof.presupposition or yes_no_claim(state["query"]):
                state["verdict"] = Verdict.reject_premise("the model rejected the premise")
        numbers = {h.chunk.id: i + 1 for i, h in enumerate(hits)}
        texts = {i + 1: h.chunk.text for i, h in enumerate(hits)}
        guarded = guard(text, texts, self.embedder.best)
        if guarded.empty:
            state["notes"].append(messages.LLM_UNSUPPORTED)
            state["generator"] = "extractive"
            return
        state["draft"], state["numbers"] = guarded.text, numbers
        state["llm_guarded"] = guarded

    def _finish(self, state: dict) -> Answer:
        t0 = time.perf_counter()
        verdict: Verdict = state["verdict"]
        hits: tuple[ScoredChunk, ...] = state.get("hits", ())
        retrieved = tuple(_retrieved(h) for h in hits)
        base = dict(
            question=state["question"],
            rewritten_query=state.get("query", ""),
            retrieved=retrieved,
            generator=state.get("generator", self.config.generator),
            notes=tuple(state.get("notes", ())),
            confidence=round(float(state.get("confidence", 0.0)), 4),
        )
        if verdict.final:
            text = verdict.message
            if verdict.show_topics and hits:
                text = (
                    f"{text} {messages.CLOSEST_TOPICS.format(topics=_topics(hits, self.entities))}"
                )
            timings = state["timings"] | {"guard": _ms(t0)}
            return Answer(text=text, abstained=True, timings_ms=timings, **base)
        numbers: dict[str, int] = state["numbers"]
        by_number = {n: h for h in hits for cid, n in numbers.items() if h.chunk.id == cid}
        contexts = {n: h.chunk.text for n, h in by_number.items()}
        guarded = state.get("llm_guarded") or guard(state["draft"], contexts, self.embedder.best)
        state["timings"]["guard"] = _ms(t0)
        if guarded.empty:
            return Answer(
                text=messages.NOT_COVERED, abstained=True, timings_ms=state["timings"], **base
            )
        citations = _citations(guarded, by_number, self.embedder)
        text = guarded.text
        if verdict.premise_rejected:
            text = f"{messages.PREMISE_REJECTED} {text}"
        return Answer(
            text=text,
            abstained=False,
            citations=citations,
            support=guarded.support,
            timings_ms=state["timings"],
            premise_rejected=verdict.premise_rejected,
            **base,
        )


def _without(query: str, entities: Sequence[Entity]) -> str:
    """The query with the given entities' names taken out (one side of a comparison)."""
    for e in entities:
        forms = sorted((e.name, *e.aliases, *e.case_sensitive), key=len, reverse=True)
        pattern = r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")(?:'s|’s)?\b"
        query = re.sub(pattern, " ", query, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", query).strip()


def _extractive_draft(chosen: Sequence[Scored]) -> tuple[str, dict[str, int]]:
    numbers: dict[str, int] = {}
    for s in chosen:
        numbers.setdefault(s.candidate.hit.chunk.id, len(numbers) + 1)
    return compose(chosen, numbers), numbers


def _citations(guarded, by_number: dict[int, ScoredChunk], embedder: SentenceEmbedder):
    out = []
    for n in guarded.cited:
        hit = by_number[n]
        sentences = [s.sentence for s in guarded.support if n in s.cited and s.supported]
        pool = chunk_sentences(hit.chunk) or split_sentences(hit.chunk.text)
        quote = _best_quote(sentences, pool, embedder)
        c = hit.chunk
        out.append(Citation(n, c.id, c.source_id, c.title, c.anchor, quote))
    return tuple(out)


def _best_quote(sentences: Sequence[str], pool: Sequence[str], embedder: SentenceEmbedder) -> str:
    """The chunk sentence that supports the answer sentences best (verbatim match first)."""
    if not pool:
        return ""
    norm_pool = {normalize(p): p for p in pool}
    for s in sentences:
        if normalize(s) in norm_pool:
            return norm_pool[normalize(s)]
    if not sentences:
        return pool[0]
    return max(pool, key=lambda p: max(embedder.best(s, [p]) for s in sentences))


def _retrieved(hit: ScoredChunk) -> Retrieved:
    c = hit.chunk
    return Retrieved(c.id, c.source_id, c.text, round(hit.score, 5), c.anchor, c.kind)


def _topics(hits: Sequence[ScoredChunk], entities: Sequence[Entity]) -> str:
    """Readable names of the paragraphs the nearest chunks come from."""
    labels: list[str] = []
    for hit in hits:
        label = _humanize(hit.chunk.anchor, entities)
        if label and label not in labels:
            labels.append(label)
    return "; ".join(labels[:3])


def _humanize(anchor: str, entities: Sequence[Entity]) -> str:
    words = anchor.replace("-", " ").strip()
    found = find_entities(words, entities)
    for e in found:
        words = words.replace(e.name.lower(), e.name)
    special = {"us eu": "US/EU", "us": "US", "eu": "EU"}
    for k, v in special.items():
        words = words.replace(k, v)
    return words[:1].upper() + words[1:] if words else ""


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)
