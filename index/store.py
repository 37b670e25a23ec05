"""Chroma at the edge: clients, collections, and the manifest that points at the live index.

Every build writes a fresh collection `{name}__b{build_id}`; the small collection
`{name}__manifest` holds, in its metadata, the JSON manifest naming the live one. Flipping
that metadata is a single write, so readers see either the old index or the new one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index import errors
from index.records import Chunk

MANIFEST_SUFFIX = "__manifest"
BUILD_INFIX = "__b"
_MANIFEST_KEY = "manifest"


@dataclass(frozen=True)
class Manifest:
    """What the live index holds: its collection, model, and per-source content hashes."""

    collection: str  # the live build collection
    model: str
    dimension: int
    sources: dict[str, str] = field(default_factory=dict)  # source id -> content hash
    chunks: int = 0
    built_at: str = ""
    seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        return cls(**json.loads(text))


def _settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def make_client(chroma_dir: Path, host: str | None, port: int) -> Any:
    """An embedded PersistentClient under chroma_dir, or an HttpClient when host is set."""
    import chromadb

    if host:
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=_settings())
            client.heartbeat()
        except Exception as exc:  # chromadb raises several unrelated types for a dead server
            raise errors.unreachable(host, port, _reason(exc)) from exc
        return client
    try:
        # The index holds the corpus text: user-only, like the feedback store.
        Path(chroma_dir).mkdir(mode=0o700, parents=True, exist_ok=True)
        Path(chroma_dir).chmod(0o700)
        return chromadb.PersistentClient(path=str(chroma_dir), settings=_settings())
    except Exception as exc:
        raise errors.unreadable(str(chroma_dir), _reason(exc)) from exc


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def describe(client: Any) -> str:
    """Where the client's data lives, for messages."""
    settings = client.get_settings()
    if getattr(settings, "chroma_server_host", None):
        return (
            f"the Chroma server at {settings.chroma_server_host}:{settings.chroma_server_http_port}"
        )
    return f"the index directory {settings.persist_directory}"


def collection_names(client: Any) -> list[str]:
    """Names of all collections (chromadb returns names or objects depending on version)."""
    return [getattr(c, "name", c) for c in client.list_collections()]


def read_manifest(client: Any, name: str) -> Manifest | None:
    """The manifest of index `name`, or None when it was never built."""
    if name + MANIFEST_SUFFIX not in collection_names(client):
        return None
    metadata = client.get_collection(name + MANIFEST_SUFFIX).metadata or {}
    text = metadata.get(_MANIFEST_KEY)
    return Manifest.from_json(text) if text else None


def write_manifest(client: Any, name: str, manifest: Manifest) -> None:
    """Point index `name` at manifest.collection: the single write that activates a build."""
    holder = client.get_or_create_collection(name + MANIFEST_SUFFIX, embedding_function=None)
    holder.modify(metadata={_MANIFEST_KEY: manifest.to_json()})


def new_build_collection(client: Any, name: str, build_id: str) -> Any:
    """An empty cosine-space collection for one build; never uses Chroma's default embedder."""
    return client.create_collection(
        f"{name}{BUILD_INFIX}{build_id}",
        metadata={"hnsw:space": "cosine"},
        embedding_function=None,
    )


def leftover_builds(client: Any, name: str, keep: str | None) -> list[str]:
    """Build collections of index `name` other than `keep` (old or interrupted builds)."""
    prefix = name + BUILD_INFIX
    return [n for n in collection_names(client) if n.startswith(prefix) and n != keep]


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    """Chroma metadata for a chunk (scalars only; lists only where a filter needs them)."""
    metadata: dict[str, Any] = {
        "source_id": chunk.source_id,
        "title": chunk.title,
        "anchor": chunk.anchor,
        "kind": chunk.kind,
        "position": chunk.position,
        "countries": ",".join(chunk.countries),
        "companies": ",".join(chunk.companies),
    }
    if chunk.countries:
        # A list lets the `country` filter use `$contains`; Chroma rejects empty lists.
        metadata["country_tags"] = list(chunk.countries)
    if chunk.entity is not None:
        metadata["entity"] = chunk.entity
    if chunk.quote is not None:
        metadata["quote"] = chunk.quote
    if chunk.parent is not None:
        metadata["parent"] = chunk.parent
    return metadata


def chunk_from_record(chunk_id: str, text: str, metadata: dict[str, Any]) -> Chunk:
    """The Chunk stored under an id, rebuilt from its document text and metadata."""
    return Chunk(
        id=chunk_id,
        text=text,
        source_id=metadata["source_id"],
        title=metadata.get("title", ""),
        anchor=metadata.get("anchor", ""),
        kind=metadata.get("kind", "passage"),
        countries=_split(metadata.get("countries", "")),
        companies=_split(metadata.get("companies", "")),
        entity=metadata.get("entity"),
        quote=metadata.get("quote"),
        position=int(metadata.get("position", 0)),
        parent=metadata.get("parent"),
    )


def _split(joined: str) -> tuple[str, ...]:
    return tuple(part for part in joined.split(",") if part)


def add_chunks(
    collection: Any, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]
) -> None:
    """Write chunks with their precomputed vectors, in batches Chroma accepts."""
    step = 4000  # under Chroma's max batch size (5461 in 1.5)
    for start in range(0, len(chunks), step):
        part = chunks[start : start + step]
        collection.add(
            ids=[c.id for c in part],
            documents=[c.text for c in part],
            metadatas=[chunk_metadata(c) for c in part],
            embeddings=[list(map(float, v)) for v in vectors[start : start + step]],
        )


def stored_records(
    collection: Any, *, ids: Sequence[str] | None = None, embeddings: bool = False, step: int = 2000
) -> Iterator[tuple[Chunk, Any]]:
    """Stored (chunk, vector or None), paged so large collections stay cheap to read."""
    include = ["documents", "metadatas"] + (["embeddings"] if embeddings else [])
    if ids is not None:
        pages = (
            collection.get(ids=list(ids[i : i + step]), include=include)
            for i in range(0, len(ids), step)
        )
    else:
        pages = (
            collection.get(limit=step, offset=offset, include=include)
            for offset in range(0, collection.count(), step)
        )
    for page in pages:
        vectors = page.get("embeddings") if embeddings else None
        for i, chunk_id in enumerate(page["ids"]):
            chunk = chunk_from_record(chunk_id, page["documents"][i], page["metadatas"][i])
            yield chunk, (vectors[i] if vectors is not None else None)
