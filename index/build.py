"""Incremental, atomic index builds: embed only what changed, then flip the manifest pointer."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from langchain_core.embeddings import Embeddings

from corpus.models import Corpus
from index import store
from index.chunking import DEFAULT_OVERLAP, DEFAULT_SENTENCES, corpus_chunks, embedding_text
from index.embeddings import model_name
from index.records import Chunk
from index.tagging import entity_tagger

EMBED_BATCH = 256
# The embedding bar appears only once a build has run this long: short work stays quiet.
PROGRESS_DELAY_SECONDS = 2.0


@dataclass(frozen=True)
class BuildReport:
    """What a build did; `embedded` counts texts sent to the model."""

    docs: int
    chunks: int
    added: int
    removed: int
    unchanged: int
    seconds: float
    embedded: int = 0
    up_to_date: bool = False
    collection: str = ""
    model: str = ""

    def summary(self) -> str:
        """One line for people."""
        state = "already up to date; " if self.up_to_date else ""
        return (
            f"Index {state}{self.docs} documents, {self.chunks} chunks: {self.added} added, "
            f"{self.removed} removed, {self.unchanged} unchanged ({self.seconds:.1f} s)."
        )


def source_hash(chunks: Sequence[Chunk]) -> str:
    """Content hash of one source's chunks: any change to text, facts, tags or chunking shows."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk.id.encode())
        digest.update(json.dumps(store.chunk_metadata(chunk), sort_keys=True).encode())
    return digest.hexdigest()


def plan_chunks(
    corpus: Corpus, entities: Sequence[Any] | None, sentences: int, overlap: int
) -> dict[str, tuple[Chunk, ...]]:
    """The chunks a build of this corpus would hold, grouped by source id (pure, no model)."""
    tagger = entity_tagger(corpus.entities if entities is None else entities)
    return corpus_chunks(corpus, sentences=sentences, overlap=overlap, tagger=tagger)


def build_index(
    corpus: Corpus,
    client: Any,
    embeddings: Embeddings,
    collection: str,
    entities: Sequence[Any] | None = None,
    *,
    rebuild: bool = False,
    progress: bool = True,
    sentences: int = DEFAULT_SENTENCES,
    overlap: int = DEFAULT_OVERLAP,
    batch_size: int = EMBED_BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> BuildReport:
    """Bring index `collection` in line with the corpus, re-embedding only new chunk texts.

    `entities` defaults to the corpus gazetteer. `on_batch(written)` is called after each
    batch lands in the new collection; tests use it to stop a build midway. Until the final manifest write, readers keep the old index.
    """
    started = time.perf_counter()
    previous = store.read_manifest(client, collection)
    for name in store.leftover_builds(client, collection, keep=previous and previous.collection):
        client.delete_collection(name)

    grouped = plan_chunks(corpus, entities, sentences, overlap)
    hashes = {source: source_hash(chunks) for source, chunks in grouped.items()}
    chunks = [chunk for group in grouped.values() for chunk in group]
    model = model_name(embeddings)
    active = _active_collection(client, previous)
    reusable = active is not None and not rebuild and previous.model == model

    if reusable and previous.sources == hashes:
        return BuildReport(
            docs=len(corpus.documents),
            chunks=len(chunks),
            added=0,
            removed=0,
            unchanged=len(chunks),
            seconds=time.perf_counter() - started,
            up_to_date=True,
            collection=previous.collection,
            model=model,
        )

    old_ids = set(active.get(include=[])["ids"]) if active is not None else set()
    kept_ids = old_ids & {c.id for c in chunks} if reusable else set()
    target = store.new_build_collection(client, collection, _build_id())
    written = 0

    def landed(count: int) -> None:
        nonlocal written
        written += count
        if on_batch is not None:
            on_batch(written)

    dimension = _copy_kept(active, target, [c for c in chunks if c.id in kept_ids], landed)
    # Length-sorted batches pad less, as SentenceTransformer.encode does within one call.
    fresh = sorted(
        (c for c in chunks if c.id not in kept_ids), key=lambda c: len(embedding_text(c))
    )
    dimension = _embed_into(target, fresh, embeddings, batch_size, progress, landed) or dimension
    if not dimension and previous is not None:
        dimension = previous.dimension
    if target.count() != len(chunks):
        raise RuntimeError(f"build wrote {target.count()} of {len(chunks)} chunks; index unchanged")

    seconds = time.perf_counter() - started
    store.write_manifest(
        client,
        collection,
        store.Manifest(
            collection=target.name,
            model=model,
            dimension=dimension,
            sources=hashes,
            chunks=len(chunks),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            seconds=round(seconds, 3),
        ),
    )
    for name in store.leftover_builds(client, collection, keep=target.name):
        client.delete_collection(name)
    return BuildReport(
        docs=len(corpus.documents),
        chunks=len(chunks),
        added=len({c.id for c in chunks} - old_ids),
        removed=len(old_ids - {c.id for c in chunks}),
        unchanged=len(kept_ids),
        seconds=seconds,
        embedded=len(fresh),
        collection=target.name,
        model=model,
    )


def _active_collection(client: Any, manifest: store.Manifest | None) -> Any | None:
    """The live build collection, or None when it is missing or incomplete."""
    if manifest is None or manifest.collection not in store.collection_names(client):
        return None
    active = client.get_collection(manifest.collection, embedding_function=None)
    return active if active.count() == manifest.chunks else None


def _build_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S") + uuid.uuid4().hex[:6]


def _copy_kept(source: Any, target: Any, chunks: list[Chunk], landed: Callable[[int], None]) -> int:
    """Copy stored vectors of unchanged chunks (with fresh metadata); returns the dimension."""
    if not chunks:
        return 0
    vectors = {
        chunk.id: vector
        for chunk, vector in store.stored_records(
            source, ids=[c.id for c in chunks], embeddings=True
        )
    }
    step = 1000
    for start in range(0, len(chunks), step):
        part = chunks[start : start + step]
        store.add_chunks(target, part, [vectors[c.id] for c in part])
        landed(len(part))
    return len(next(iter(vectors.values())))


def _embed_into(
    target: Any,
    chunks: list[Chunk],
    embeddings: Embeddings,
    batch_size: int,
    progress: bool,
    landed: Callable[[int], None],
) -> int:
    """Embed chunks batch by batch into target; returns the dimension (0 if none)."""
    if not chunks:
        return 0
    from tqdm import tqdm

    dimension = 0
    with tqdm(
        total=len(chunks),
        unit="chunk",
        desc="Embedding",
        disable=not progress,
        delay=PROGRESS_DELAY_SECONDS,
    ) as bar:
        for start in range(0, len(chunks), batch_size):
            part = chunks[start : start + batch_size]
            vectors = embeddings.embed_documents([embedding_text(c) for c in part])
            dimension = len(vectors[0])
            store.add_chunks(target, part, vectors)
            bar.update(len(part))
            landed(len(part))
    return dimension


@dataclass(frozen=True)
class IndexStatus:
    """The live index compared with the corpus on disk."""

    manifest: store.Manifest
    live: bool  # the live collection exists and is complete
    stale: tuple[str, ...]  # source ids changed or new since the last build
    deleted: tuple[str, ...]  # source ids indexed but no longer in the corpus


def index_status(
    corpus: Corpus,
    client: Any,
    collection: str,
    entities: Sequence[Any] | None = None,
    *,
    sentences: int = DEFAULT_SENTENCES,
    overlap: int = DEFAULT_OVERLAP,
) -> IndexStatus | None:
    """How the index stands against the corpus, without loading the model; None if never built."""
    manifest = store.read_manifest(client, collection)
    if manifest is None:
        return None
    grouped = plan_chunks(corpus, entities, sentences, overlap)
    hashes = {source: source_hash(chunks) for source, chunks in grouped.items()}
    return IndexStatus(
        manifest=manifest,
        live=_active_collection(client, manifest) is not None,
        stale=tuple(s for s, h in hashes.items() if manifest.sources.get(s) != h),
        deleted=tuple(s for s in manifest.sources if s not in hashes),
    )
