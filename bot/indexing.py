"""Building the index a Settings object names: what `index build`, tests and benchmarks share."""

from __future__ import annotations

from typing import Any

from bot.settings import Settings


def build_index_from_settings(
    settings: Settings, *, rebuild: bool = False, progress: bool = False
) -> Any:
    """Bring the settings' index up to date with their corpus (a no-op when nothing changed)."""
    from corpus.check import load_corpus
    from index.build import build_index
    from index.embeddings import make_embeddings
    from index.store import make_client

    return build_index(
        load_corpus(settings.corpus_dir),
        make_client(settings.chroma_dir, settings.chroma_host, settings.chroma_port),
        make_embeddings(settings.embedding_model, settings.embedding_sha256),
        settings.collection,
        rebuild=rebuild,
        progress=progress,
        sentences=settings.chunk_sentences,
        overlap=settings.chunk_overlap,
    )
