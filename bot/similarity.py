"""Embeddings of the few texts compared while answering (words, cited sentences), LRU-cached.

The corpus itself is embedded when the index is built; this cache holds only what answers
have needed lately, so a long-running bot's memory does not grow with the corpus.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from index.embeddings import LIGHT_BATCH_MAX
from index.query_vectors import QueryVectors

_QUERY_CACHE = 2048
_TEXT_CACHE = 20_000  # about 30 MB of 384-dimension vectors


class SentenceEmbedder:
    """Cosine similarities over a LangChain `Embeddings` object (normalised vectors)."""

    def __init__(self, embeddings) -> None:
        self._embeddings = embeddings
        self._lock = threading.Lock()
        self._docs: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries = QueryVectors(embeddings, _QUERY_CACHE)

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
