"""Deterministic stand-ins at the embeddings boundary: real Embeddings subclasses."""

from __future__ import annotations

import hashlib
import math
import re

from langchain_core.embeddings import Embeddings

_WORD = re.compile(r"[a-z0-9]+")


class HashEmbeddings(Embeddings):
    """Bag of hashed words, unit length: texts sharing words are close, exactly reproducible."""

    def __init__(self, dimension: int = 64, name: str = "test-hash-embeddings") -> None:
        self.dimension = dimension
        self.name = name

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimension
        for word in _WORD.findall(text.lower()):
            slot = int(hashlib.sha1(word.encode()).hexdigest(), 16) % self.dimension
            vector[slot] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class CountingEmbeddings(Embeddings):
    """Wraps other embeddings and records every text sent to embed_documents."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", type(inner).__qualname__)
        self.embedded: list[str] = []
        self.calls = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.embedded.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)
