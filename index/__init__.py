"""The index layer: chunking, offline embeddings, Chroma storage and hybrid retrieval.

Heavy modules (chromadb, torch, langchain) load only when their submodule is imported.
"""

from index.errors import IndexMismatch, IndexMissing, IndexProblem, IndexUnavailable
from index.records import Chunk, ScoredChunk, SearchResult

__all__ = [
    "Chunk",
    "IndexMismatch",
    "IndexMissing",
    "IndexProblem",
    "IndexUnavailable",
    "ScoredChunk",
    "SearchResult",
]
