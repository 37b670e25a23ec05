"""`batterybot index build|status` and `batterybot search`: build, inspect and query the index."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import click

from bot.settings import Settings

NOT_BUILT = "No index has been built yet for '{collection}'. Run `batterybot index build`."
STALE = "Out of date: {names}. Run `batterybot index build` to update."
BROKEN = "The live index is missing or incomplete. Run `batterybot index build` to repair it."
NO_HITS = "Nothing in the index matches that query."


def register(main: click.Group) -> None:
    """Attach this module's commands to the top-level group."""
    main.add_command(index)
    main.add_command(search)


def _problems() -> tuple[type[Exception], ...]:
    """Domain errors that become a clear message and exit code 1 (imported lazily)."""
    from corpus.errors import CorpusError
    from index.errors import IndexProblem

    return (IndexProblem, CorpusError)


def _load_corpus(settings: Settings) -> Any:
    from corpus.check import load_corpus

    return load_corpus(settings.corpus_dir)


def _client(settings: Settings) -> Any:
    from index.store import make_client

    return make_client(settings.chroma_dir, settings.chroma_host, settings.chroma_port)


def _embeddings(settings: Settings) -> Any:
    from index.embeddings import make_embeddings

    return make_embeddings(settings.embedding_model, settings.embedding_sha256)


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group()
def index() -> None:
    """Build and inspect the search index."""


@index.command("build")
@click.option("--rebuild", is_flag=True, help="Re-embed everything, even unchanged documents.")
@click.pass_obj
def build(settings: Settings, rebuild: bool) -> None:
    """Index the corpus, embedding only what changed since the last build."""
    from index.build import build_index

    try:
        report = build_index(
            _load_corpus(settings),
            _client(settings),
            _embeddings(settings),
            settings.collection,
            rebuild=rebuild,
            sentences=settings.chunk_sentences,
            overlap=settings.chunk_overlap,
        )
    except _problems() as exc:
        raise _fail(exc) from exc
    click.echo(report.summary())


@index.command("status")
@click.pass_obj
def status(settings: Settings) -> None:
    """Show what the index holds and which documents changed since it was built."""
    from index.build import index_status

    try:
        state = index_status(
            _load_corpus(settings),
            _client(settings),
            settings.collection,
            sentences=settings.chunk_sentences,
            overlap=settings.chunk_overlap,
        )
    except _problems() as exc:
        raise _fail(exc) from exc
    if state is None:
        raise click.ClickException(NOT_BUILT.format(collection=settings.collection))
    manifest = state.manifest
    where = (
        f"{settings.chroma_host}:{settings.chroma_port}"
        if settings.server_mode
        else settings.chroma_dir
    )
    click.echo(f"Index:      {settings.collection} ({manifest.collection}) in {where}")
    click.echo(f"Documents:  {len(manifest.sources)}   Chunks: {manifest.chunks}")
    click.echo(f"Model:      {manifest.model} ({manifest.dimension} dimensions)")
    click.echo(f"Last build: {manifest.built_at} ({manifest.seconds:.1f} s)")
    changed = [*state.stale, *(f"{name} (deleted)" for name in state.deleted)]
    click.echo(STALE.format(names=", ".join(changed)) if changed else "Up to date with the corpus.")
    if not state.live:
        raise click.ClickException(BROKEN)


@click.command("search")
@click.argument("query")
@click.option("-k", "k", type=click.IntRange(1, 100), default=None, help="How many chunks to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_obj
def search(settings: Settings, query: str, k: int | None, as_json: bool) -> None:
    """Show the chunks the bot would retrieve for QUERY, with their scores."""
    from index.retrieve import HybridRetriever

    try:
        retriever = HybridRetriever.open(
            _client(settings), _embeddings(settings), settings.collection
        )
        result = retriever.search(query, k=k or settings.top_k)
    except _problems() as exc:
        raise _fail(exc) from exc
    if as_json:
        click.echo(json.dumps(_as_json(result), ensure_ascii=False, indent=2))
        return
    click.echo(f"Confidence {result.confidence:.2f}")
    if not result.hits:
        click.echo(NO_HITS)
    for rank, hit in enumerate(result.hits, start=1):
        chunk = hit.chunk
        click.echo(
            f"{rank}. {chunk.source_id}#{chunk.anchor} [{chunk.kind}]  score {hit.score:.3f}  "
            f"dense {hit.dense:.3f}  keyword {hit.keyword:.3f}"
        )
        click.echo(textwrap.indent(textwrap.fill(chunk.text, 96), "   "))


def _as_json(result: Any) -> dict:
    return {
        "query": result.query,
        "confidence": result.confidence,
        "hits": [
            {
                "id": hit.chunk.id,
                "source_id": hit.chunk.source_id,
                "title": hit.chunk.title,
                "anchor": hit.chunk.anchor,
                "kind": hit.chunk.kind,
                "text": hit.chunk.text,
                "countries": list(hit.chunk.countries),
                "companies": list(hit.chunk.companies),
                "score": hit.score,
                "dense": hit.dense,
                "keyword": hit.keyword,
            }
            for hit in result.hits
        ],
    }
