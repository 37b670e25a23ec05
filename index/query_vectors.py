"""The embeddings of the latest queries, each computed once: one question is searched for,
and compared with what was found, several times while it is answered."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from langchain_core.embeddings import Embeddings


class QueryVectors:
    """`embed_query` of the last `size` texts asked for, least recently used first out."""

    def __init__(self, embeddings: Embeddings, size: int) -> None:
        self.embeddings = embeddings
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> np.ndarray:
        with self._lock:
            if text in self._vectors:
                self._vectors.move_to_end(text)
                return self._vectors[text]
        vector = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector
