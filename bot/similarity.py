"""Embeddings of the few texts compared while answering (words, cited sentences), LRU-cached.

The corpus itself is embedded when the index is built; this cache holds only what answers
have needed lately, so a long-running bot's memory does not grow with the corpus.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from bot.text import STOPWORDS, stem
from index.embeddings import LIGHT_BATCH_MAX
from index.query_vectors import QueryVectors

_QUERY_CACHE = 2048
_TEXT_CACHE = 20_000  # about 30 MB of 384-dimension vectors
_WORDS_CACHE = 1024  # texts read word by word: about 20 MB of half-precision word vectors
# Words are read in context after this many of the model's layers. The early layers keep a
# word's own sense (a later one blurs every word of a sentence toward the whole), and the
# middle ones have taken in its neighbours. Re-ranking the best 20 sentences of the 465
# one-turn held-out questions by words met after 2, 4 or 6 layers put the answering sentence
# first for 74.2%, 75.5% and 73.8% of them (70.5% as searched).
CONTEXT_LAYERS = 4


class SentenceEmbedder:
    """Cosine similarities over a LangChain `Embeddings` object (normalised vectors)."""

    def __init__(self, embeddings) -> None:
        self._embeddings = embeddings
        self._lock = threading.Lock()
        self._docs: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries = QueryVectors(embeddings, _QUERY_CACHE)
        self._words: OrderedDict[str, tuple[list[str], np.ndarray]] = OrderedDict()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts` (rows), computing only those not cached."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        with self._lock:
            found = {t: self._docs[t] for t in unique if t in self._docs}
        missing = [t for t in unique if t not in found]
        # in batches the light encoder takes, so answering never waits for torch to load
        for start in range(0, len(missing), LIGHT_BATCH_MAX):
            batch = missing[start : start + LIGHT_BATCH_MAX]
            computed = np.asarray(self._embeddings.embed_documents(batch), dtype=np.float32)
            found.update(zip(batch, computed, strict=True))
        with self._lock:
            for text in unique:
                self._docs[text] = found[text]
                self._docs.move_to_end(text)
            while len(self._docs) > _TEXT_CACHE:
                self._docs.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def query(self, text: str) -> np.ndarray:
        """The embedding of a query (LRU-cached)."""
        return self._queries(text)

    def scores(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of the query to each text."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        return self.vectors(texts) @ self.query(query)

    def similarities(self, text: str, others: Sequence[str]) -> np.ndarray:
        """Cosine similarity of `text` to each of the others, all embedded as documents."""
        if not others:
            return np.zeros(0, dtype=np.float32)
        return self.vectors(others) @ self.vectors([text])[0]

    def best(self, sentence: str, candidates: Sequence[str]) -> float:
        """Highest cosine similarity of `sentence` to any candidate (the guard's Similarity)."""
        if not candidates:
            return 0.0
        return float(np.max(self.similarities(sentence, candidates)))

    def words_met(
        self, query: str, terms: Sequence[str], texts: Sequence[str]
    ) -> list[float] | None:
        """How closely each text meets the query's terms (stems of its content words), read in
        context: for each term, its word's best cosine similarity to any content word of the
        text, averaged. None when the model cannot read words in context, or when no term is
        a word of the query as typed."""
        asked = self._word_vectors(query)
        if asked is None:
            return None
        # each term's rows among the query's words, read once for all the texts
        term_rows = []
        for term in terms:
            parts = term.split("-")
            rows = [
                i for i, w in enumerate(asked[0]) if w.isalpha() and (stem(w) == term or w in parts)
            ]
            if rows:
                term_rows.append(asked[1][rows].astype(np.float32))
        if not term_rows:
            return None
        met = []
        for text in texts:
            found = self._word_vectors(text)
            if found is None:
                return None
            keep = [i for i, w in enumerate(found[0]) if _content(w)]
            if not keep:
                met.append(0.0)
                continue
            against = found[1][keep].astype(np.float32).T
            met.append(sum(float((rows @ against).max()) for rows in term_rows) / len(term_rows))
        return met

    def _word_vectors(self, text: str) -> tuple[list[str], np.ndarray] | None:
        with self._lock:
            if text in self._words:
                self._words.move_to_end(text)
                return self._words[text]
        read = getattr(self._embeddings, "word_vectors", None)
        result = read(text, CONTEXT_LAYERS) if read is not None else None
        if result is None:
            return None
        words, vectors = result
        entry = (words, np.asarray(vectors, dtype=np.float16))
        with self._lock:
            self._words[text] = entry
            while len(self._words) > _WORDS_CACHE:
                self._words.popitem(last=False)
        return entry


def _content(word: str) -> bool:
    return word.isalpha() and len(word) > 2 and word not in STOPWORDS
