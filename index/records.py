"""Typed records of the index layer: chunks and scored search hits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    """A retrievable unit: a few sentences of a paragraph, or one structured fact."""

    id: str  # hash of (source_id, text): re-indexing updates instead of duplicating
    text: str
    source_id: str
    title: str
    anchor: str
    kind: str  # "passage" | "fact" | "sentence"
    countries: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    entity: str | None = None  # facts only
    quote: str | None = None  # facts only: the verbatim evidence sentence
    position: int = 0  # order of the chunk within its document
    parent: str | None = None  # sentences only: the id of the passage that holds the sentence


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk with its fused score and the dense/keyword scores that made it."""

    chunk: Chunk
    score: float  # fused score used for ranking
    dense: float  # cosine similarity of query and chunk, in [-1, 1]
    keyword: float  # BM25 score normalised to [0, 1] within the query


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[ScoredChunk, ...]
    confidence: float  # retrieval confidence in [0, 1]; the chain abstains below a threshold
