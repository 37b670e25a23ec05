"""Hybrid retrieval: Chroma cosine similarity and BM25, fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, Literal

import numpy as np
from langchain_core.embeddings import Embeddings

from index import errors, store
from index.embeddings import model_name, whole_words
from index.keyword import BM25Index, proper_nouns
from index.query_vectors import QueryVectors
from index.records import Chunk, ScoredChunk, SearchResult

SENTENCE = "sentence"
PASSAGES_ONLY = {"kind": {"$ne": SENTENCE}}
SENTENCES_ONLY = {"kind": SENTENCE}
# A sentence's score is its cosine similarity to the query plus this share of its keyword
# score: the share of the query's idf weight the sentence contains (BM25Index.coverage).
# Keywords rescue rare names and figures that a small embedding model blurs. evals.calibrate
# style sweep on generated-dev: 34/47 passed at 0.10, 35 at 0.15, 34 at 0.25. Swept again once
# the keyword score counted the question's words the corpus lacks: generated-dev 37/38/38 and
# held-out 703/702/699 of 850 at 0.10/0.15/0.20, the field set 59/59/58: flat, so it stays.
KEYWORD_SHARE = 0.15

Mode = Literal["hybrid", "dense", "keyword"]
FILTER_KEYS = ("country", "source_id", "kind", "anchor")
RRF_K = 60  # the usual reciprocal-rank constant: ranks far down still count a little
CANDIDATES = 30  # how deep each ranking is read before fusing
OVERFETCH = 3  # nearest units of every kind read per unit of the wanted kind wanted

# Confidence maps top cosine similarity linearly from DENSE_FLOOR (0) to DENSE_FULL (1),
# and keyword evidence as the idf-weighted share of query terms found in the top hits.
DENSE_FLOOR, DENSE_FULL = 0.20, 0.60
COVERAGE_HITS = 3
# Fact chunks restate single sentences; more than one in the top k crowds out passages that
# hold several evidence sentences (recall@5 on the eval set: 0.93 with no cap, 1.0 with 1).
MAX_FACTS = 1
QUERY_VECTORS = 64  # query embeddings kept (the latest questions' sentence searches)


def confidence(top_dense: float, coverage: float) -> float:
    """Retrieval confidence in [0, 1]: half semantic closeness, half keyword coverage."""
    closeness = min(max((top_dense - DENSE_FLOOR) / (DENSE_FULL - DENSE_FLOOR), 0.0), 1.0)
    return round(0.5 * closeness + 0.5 * min(max(coverage, 0.0), 1.0), 4)


def chroma_where(where: dict[str, Any] | None) -> dict[str, Any] | None:
    """Translate {country, source_id, kind} filters (a value or a list of values) for Chroma."""
    if not where:
        return None
    unknown = sorted(set(where) - set(FILTER_KEYS))
    if unknown:
        raise ValueError(f"unknown filter {unknown}; filters are {', '.join(FILTER_KEYS)}")
    clauses = []
    for key, value in where.items():
        values = [value] if isinstance(value, str) else list(value)
        if key == "country":
            options = [{"country_tags": {"$contains": v}} for v in values]
            clauses.append(options[0] if len(options) == 1 else {"$or": options})
        else:
            clauses.append({key: values[0]} if len(values) == 1 else {key: {"$in": values}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _and(first: dict[str, Any], second: dict[str, Any] | None) -> dict[str, Any]:
    """Both Chroma filters at once."""
    return {"$and": [first, second]} if second else first


def _cosine_rows(found: dict[str, Any], rows: dict[str, int]) -> dict[int, float]:
    """Row -> cosine similarity for the ids a Chroma query found that `rows` numbers, nearest
    first (Chroma's cosine space returns distance = 1 - cosine similarity)."""
    return {
        rows[unit_id]: 1.0 - float(distance)
        for unit_id, distance in zip(found["ids"][0], found["distances"][0], strict=True)
        if unit_id in rows
    }


def _values(value: str | Sequence[str]) -> set[str]:
    return {value} if isinstance(value, str) else set(value)


def _matches(chunk: Chunk, where: dict[str, Any]) -> bool:
    for key, value in where.items():
        values = _values(value)
        have = set(chunk.countries) if key == "country" else {getattr(chunk, key)}
        if not values & have:
            return False
    return True


class HybridRetriever:
    """Search one built index by meaning and by keywords at once."""

    def __init__(
        self,
        client: Any,
        embeddings: Embeddings,
        collection: str,
        manifest: store.Manifest,
        chunks: Sequence[Chunk],
        mode: Mode = "hybrid",
        sentences: Sequence[Chunk] = (),
    ) -> None:
        self.client = client
        self.embeddings = embeddings
        self.collection = collection
        self.manifest = manifest
        self.mode: Mode = mode
        self.chunks: tuple[Chunk, ...] = tuple(chunks)
        self.version = manifest.collection  # names the build; changes whenever the index does
        self._row = {chunk.id: row for row, chunk in enumerate(self.chunks)}
        self._keyword = BM25Index([c.text for c in self.chunks])
        self.sentences: tuple[Chunk, ...] = tuple(sentences)
        self._sentence_row = {unit.id: row for row, unit in enumerate(self.sentences)}
        self._sentence_keyword = BM25Index([c.text for c in self.sentences])
        self._sentences_of: dict[str, list[int]] = {}  # passage id -> its sentences' rows
        for row, unit in enumerate(self.sentences):
            self._sentences_of.setdefault(unit.parent or "", []).append(row)
        self._masks: dict[str, np.ndarray] = {}
        # one question searches the same text more than once (its sentences, then the
        # members of a kind it lists)
        self._query_vector = QueryVectors(embeddings, QUERY_VECTORS)
        self._live = client.get_collection(manifest.collection, embedding_function=None)

    @classmethod
    def open(
        cls, client: Any, embeddings: Embeddings, collection: str, mode: Mode = "hybrid"
    ) -> HybridRetriever:
        """Open the live build of `collection`; IndexMissing / IndexMismatch say what to run."""
        manifest = store.read_manifest(client, collection)
        if manifest is None or manifest.collection not in store.collection_names(client):
            raise errors.missing(collection, store.describe(client))
        using = model_name(embeddings)
        if manifest.model != using:
            raise errors.other_model(collection, manifest.model, using)
        dimension = len(embeddings.embed_query("dimension check"))
        if manifest.chunks and dimension != manifest.dimension:
            raise errors.other_dimension(collection, manifest.dimension, dimension)
        live = client.get_collection(manifest.collection, embedding_function=None)
        stored = [chunk for chunk, _ in store.stored_records(live)]
        stored.sort(key=lambda c: (c.source_id, c.position, c.id))
        chunks = [c for c in stored if c.kind != SENTENCE]
        sentences = [c for c in stored if c.kind == SENTENCE]
        return cls(client, embeddings, collection, manifest, chunks, mode, sentences)

    def sections(self, source_id: str) -> list[str]:
        """The anchors of a document's sections, in document order."""
        return list(dict.fromkeys(u.anchor for u in self.sentences if u.source_id == source_id))

    def sentence_before(self, unit: Chunk) -> Chunk | None:
        """The sentence before this one in its section (None for the section's first)."""
        row = self._sentence_row.get(unit.id)
        if not row:
            return None
        prior = self.sentences[row - 1]
        same = prior.source_id == unit.source_id and prior.anchor == unit.anchor
        return prior if same else None

    def passages_with_words(self, forms: Sequence[str]) -> list[Chunk]:
        """Passages that hold every word of one of the forms (in any order: the caller checks
        the phrase)."""
        rows = {row for form in forms for row in self._keyword.containing(form).tolist()}
        return [self.chunks[row] for row in sorted(rows)]

    @cached_property
    def _proper(self) -> dict[str, str]:
        # read on the first question that needs it, not at start-up
        common = whole_words(self.embeddings)
        if not common:
            return {}
        found = proper_nouns([unit.text for unit in self.sentences])
        return {word: form for word, form in found.items() if word not in common}

    def proper_form(self, word: str) -> str | None:
        """How the corpus writes a name typed in lower case ("debrecen" -> "Debrecen"): a word
        it writes only capitalised and that is no common word, else None."""
        return self._proper.get(word.lower())

    def knows(self, word: str) -> bool:
        """True when an indexed sentence holds the word, in any form the stemmer joins; for
        several words ("United Republic of Tanzania"), one sentence holding every one."""
        return self._sentence_keyword.containing(word).size > 0

    def specificity(self, text: str) -> float:
        """How rare a word or name is among the indexed sentences (BM25Index.specificity)."""
        return self._sentence_keyword.specificity(text)

    def passage(self, chunk_id: str) -> Chunk | None:
        """The passage (or fact) chunk with this id."""
        row = self._row.get(chunk_id)
        return None if row is None else self.chunks[row]

    def search_sentences(
        self,
        query: str,
        k: int = 12,
        where: dict | None = None,
        mentions: Sequence[str] = (),
        synonyms: Sequence[Sequence[str]] = (),
    ) -> tuple[ScoredChunk, ...]:
        """The k sentences closest to the query: cosine similarity to each sentence's stored
        vector (embedded with its title and section), plus a share of its keyword score.

        `mentions` are the forms of the names the question asks about: sentences holding one,
        or whose passage does, are scored too (the CANDIDATES with the most keyword evidence)
        and follow the k best, so a sentence on the asked country is found even when many
        documents on other countries read closer. `synonyms` are groups of forms of one thing
        that the keyword score counts as one word (BM25Index.coverage)."""
        if not query.strip() or not self.sentences or k < 1:
            return ()
        vector = self._query_vector(query)
        depth = min(max(CANDIDATES, k), len(self.sentences))
        dense = self._nearest(
            vector, depth, self._sentence_row, SENTENCES_ONLY, chroma_where(where)
        )
        keyword = self._sentence_keyword.coverage(query, synonyms)
        if where:
            keyword = keyword * self._sentence_mask(where)
        rows = set(dense) | set(self._keyword_ranking(keyword, depth))
        naming = set(self._mentioning(mentions, keyword, depth, where))
        rows |= naming
        missing = [self.sentences[r].id for r in rows if r not in dense]
        if missing:
            got = self._live.get(ids=missing, include=["embeddings"])
            for unit_id, stored in zip(got["ids"], got["embeddings"], strict=True):
                dense[self._sentence_row[unit_id]] = float(np.dot(vector, np.asarray(stored)))
        scored = [
            ScoredChunk(
                chunk=self.sentences[r],
                score=round(dense[r] + KEYWORD_SHARE * float(keyword[r]), 6),
                dense=round(dense[r], 6),
                keyword=round(float(keyword[r]), 6),
            )
            for r in rows
        ]
        scored.sort(key=lambda h: (-h.score, h.chunk.source_id, h.chunk.position))
        named = [h for h in scored[k:] if self._sentence_row[h.chunk.id] in naming]
        return tuple(scored[:k]) + tuple(named)

    def _mentioning(
        self, forms: Sequence[str], keyword: np.ndarray, depth: int, where: dict | None
    ) -> list[int]:
        if not forms:
            return []
        found = [self._sentence_keyword.containing(f) for f in forms]
        # ...and the sentences of passages that do: "Europe is pursuing similar strategies"
        # is about the US response when its paragraph names the United States
        for passage in self.passages_with_words(forms):
            found.append(np.asarray(self._sentences_of.get(passage.id, [])))
        rows = np.unique(np.concatenate(found or [np.zeros(0)])).astype(np.int64)
        if where and rows.size:
            rows = rows[self._sentence_mask(where)[rows] > 0]
        if rows.size > depth:
            rows = rows[np.argsort(-keyword[rows], kind="stable")[:depth]]
        return rows.tolist()

    def _sentence_mask(self, where: dict[str, Any]) -> np.ndarray:
        key = "sentence:" + repr(
            sorted((k, v if isinstance(v, str) else sorted(v)) for k, v in where.items())
        )
        if key not in self._masks:
            self._masks[key] = np.fromiter(
                (_matches(c, where) for c in self.sentences),
                dtype=np.float32,
                count=len(self.sentences),
            )
        return self._masks[key]

    def search(
        self,
        query: str,
        k: int = 5,
        where: dict | None = None,
        mode: Mode | None = None,
        diverse: bool = True,
        keywords: str | None = None,
    ) -> SearchResult:
        """The k best chunks for a query, each with fused, dense and keyword scores.

        `keywords`, when given, is what the keyword index searches for instead of the query
        (e.g. the query with synonyms added), so the dense side sees the question as asked.

        With `diverse`, at most MAX_FACTS fact chunks are returned (unless the filter asks
        for facts) and a fact whose quote already appears in a better-ranked hit is skipped,
        so facts restating one sentence do not crowd out passages with other evidence.
        """
        mode = mode or self.mode
        chroma_filter = chroma_where(where)  # validates the filter keys first
        if not query.strip() or not self.chunks or k < 1:
            return SearchResult(query=query, hits=(), confidence=0.0)
        depth = max(CANDIDATES, k)
        vector = self._query_vector(query)
        dense = self._dense(vector, depth, chroma_filter) if mode != "keyword" else {}
        bm25 = self._keyword.scores(keywords or query)
        if where:
            bm25 = bm25 * self._mask(where)
        top_bm25 = float(bm25.max()) if bm25.size else 0.0
        keyword_rank = self._keyword_ranking(bm25, depth) if mode != "dense" else []

        fused: dict[int, float] = {}
        for rank, row in enumerate(dense):
            fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, row in enumerate(keyword_rank):
            fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
        lists = (mode != "keyword") + (mode != "dense")
        ranked = sorted(fused, key=lambda row: (-fused[row], row))
        wants_facts = bool(where) and "fact" in _values(where.get("kind", ()))
        best = self._diverse(ranked, k, k if wants_facts else MAX_FACTS) if diverse else ranked[:k]
        cosines = self._cosines(vector, best, dense)
        hits = tuple(
            ScoredChunk(
                chunk=self.chunks[row],
                score=round(fused[row] * (RRF_K + 1) / lists, 6),
                dense=round(cosines[row], 6),
                keyword=round(float(bm25[row]) / top_bm25, 6) if top_bm25 > 0 else 0.0,
            )
            for row in best
        )
        top_dense = max((h.dense for h in hits), default=0.0)
        return SearchResult(
            query=query, hits=hits, confidence=confidence(top_dense, self._coverage(query, hits))
        )

    def _diverse(self, ranked: list[int], k: int, max_facts: int) -> list[int]:
        chosen: list[int] = []
        facts = 0
        for row in ranked:
            quote = self.chunks[row].quote
            if quote and (facts >= max_facts or any(quote in self.chunks[c].text for c in chosen)):
                continue
            facts += bool(quote)
            chosen.append(row)
            if len(chosen) == k:
                return chosen
        # Too few distinct candidates: top up with the skipped facts, best first.
        skipped = [row for row in ranked if row not in chosen]
        chosen += skipped[: k - len(chosen)]
        return sorted(chosen, key=ranked.index)

    def _dense(self, vector: np.ndarray, depth: int, where: dict | None) -> dict[int, float]:
        """Row -> cosine similarity of the nearest chunks, nearest first."""
        return self._nearest(vector, min(depth, len(self.chunks)), self._row, PASSAGES_ONLY, where)

    def _nearest(
        self,
        vector: np.ndarray,
        depth: int,
        rows: dict[str, int],
        kind: dict[str, Any],
        where: dict | None,
    ) -> dict[int, float]:
        """Row -> cosine similarity of the `depth` nearest units that `rows` numbers (`where`
        is a Chroma filter).

        A metadata filter makes Chroma scan its metadata table: about 40 ms a query at 15k
        units against about 1.5 ms unfiltered. So the nearest units of every kind are read
        (OVERFETCH times as many) and those of the wanted kind kept; only when too few of
        them are among those, or the caller filters further, is the filtered query run."""
        total = len(self._sentence_row) + len(self._row)
        if not where:
            found = self._live.query(
                query_embeddings=[vector.tolist()],
                n_results=max(min(depth * OVERFETCH, total), 1),
                include=["distances"],
            )
            nearest = _cosine_rows(found, rows)
            if len(nearest) >= depth or depth * OVERFETCH >= total:
                return dict(list(nearest.items())[:depth])
        found = self._live.query(
            query_embeddings=[vector.tolist()],
            n_results=max(depth, 1),
            where=_and(kind, where),
            include=["distances"],
        )
        return _cosine_rows(found, rows)

    def _keyword_ranking(self, scores: np.ndarray, depth: int) -> list[int]:
        positive = np.flatnonzero(scores > 0)
        if positive.size > depth:
            positive = positive[np.argpartition(-scores[positive], depth - 1)[:depth]]
        return sorted(positive.tolist(), key=lambda row: (-scores[row], row))

    def _cosines(self, vector: np.ndarray, rows: list[int], dense: dict[int, float]) -> dict:
        """Cosine similarity for each row, fetching stored vectors for keyword-only hits."""
        cosines = {row: dense[row] for row in rows if row in dense}
        missing = [self.chunks[row].id for row in rows if row not in dense]
        if missing:
            got = self._live.get(ids=missing, include=["embeddings"])
            for chunk_id, stored in zip(got["ids"], got["embeddings"], strict=True):
                cosines[self._row[chunk_id]] = float(np.dot(vector, np.asarray(stored)))
        return cosines

    def _mask(self, where: dict[str, Any]) -> np.ndarray:
        key = repr(sorted((k, v if isinstance(v, str) else sorted(v)) for k, v in where.items()))
        if key not in self._masks:
            self._masks[key] = np.fromiter(
                (_matches(c, where) for c in self.chunks), dtype=np.float32, count=len(self.chunks)
            )
        return self._masks[key]

    def _coverage(self, query: str, hits: Sequence[ScoredChunk]) -> float:
        """idf-weighted share of the query's terms that appear in the top hits."""
        terms = self._keyword.terms(query)
        if not terms or not hits:
            return 0.0
        present: set[str] = set()
        for hit in hits[:COVERAGE_HITS]:
            present.update(self._keyword.terms(hit.chunk.text))
        total = sum(self._keyword.term_idf(t) for t in terms)
        return sum(self._keyword.term_idf(t) for t in terms if t in present) / total
