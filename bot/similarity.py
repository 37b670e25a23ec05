"""Sentence embeddings with a cache: the corpus is small, so every sentence is embedded once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

_QUERY_CACHE = 2048


class SentenceEmbedder:
    """Cosine similarities over a LangChain `Embeddings` object (normalised vectors)."""

    def __init__(self, embeddings) -> None:
        self._embeddings = embeddings
        self._lock = threading.Lock()
        self._docs: dict[str, np.ndarray] = {}
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts` (rows), computing only those not seen before."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._docs]
        if missing:
            computed = np.asarray(self._embeddings.embed_documents(missing), dtype=np.float32)
            with self._lock:
                self._docs.update(zip(missing, computed, strict=True))
        with self._lock:
            if not texts:
                return np.zeros((0, 0), dtype=np.float32)
            return np.stack([self._docs[t] for t in texts])

    def query(self, text: str) -> np.ndarray:
        """The embedding of a query (LRU-cached)."""
        with self._lock:
            if text in self._queries:
                self._queries.move_to_end(text)
                return self._queries[text]
        vector = np.asarray(self._embeddings.embed_query(text), dtype=np.float32)
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > _QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector

    def scores(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of the query to each text."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        return self.vectors(texts) @ self.query(query)

    def best(self, sentence: str, candidates: Sequence[str]) -> float:
        """Highest cosine similarity of `sentence` to any candidate (the guard's Similarity)."""
        if not candidates:
            return 0.0
        return float(np.max(self.vectors(candidates) @ self.vectors([sentence])[0]))
