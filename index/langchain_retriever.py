"""The hybrid retriever as a LangChain BaseRetriever, so chains can compose it."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.records import ScoredChunk


def to_document(hit: ScoredChunk) -> Document:
    """A scored chunk as a LangChain Document (scores and provenance in metadata)."""
    chunk = hit.chunk
    return Document(
        id=chunk.id,
        page_content=chunk.text,
        metadata={
            "source_id": chunk.source_id,
            "title": chunk.title,
            "anchor": chunk.anchor,
            "kind": chunk.kind,
            "position": chunk.position,
            "countries": list(chunk.countries),
            "companies": list(chunk.companies),
            "entity": chunk.entity,
            "quote": chunk.quote,
            "score": hit.score,
            "dense": hit.dense,
            "keyword": hit.keyword,
        },
    )


class HybridLangChainRetriever(BaseRetriever):
    """Wraps HybridRetriever.search; `k` and `where` apply to every call."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # index.retrieve.HybridRetriever
    k: int = 5
    where: dict | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.retriever.search(query, k=self.k, where=self.where)
        return [to_document(hit) for hit in result.hits]
