"""`batterybot index build|status` and `batterybot search`: build, inspect and query the index."""

from __future__ import annotations

import json
import sys
import textwrap
from typing import Any

import click

from bot.settings import Settings

NOT_BUILT = "No index has been built yet for '{collection}'. Run `batterybot index build`."
STALE = "Out of date: {names}. Run `batterybot index build` to update."
BROKEN = "The live index is missing or incomplete. Run `batterybot index build` to repair it."
NO_HITS = "Nothing in the index matches that query."
NOT_REBUILT = (
    "{count} problem(s) in the corpus, so the index was not rebuilt: the bot answers from the "
    "last good index ({documents} document(s), built {built_at}). Fix the file(s) above, then "
    "run `batterybot index build`."
)
NOTHING_TO_KEEP = (
    "{count} problem(s) in the corpus and no earlier index to answer from. Fix the file(s) "
    "above, then run `batterybot index build`."
)
LEFT_OUT = "Not indexed until fixed:"
UP_TO_DATE = "Up to date with the corpus."
UP_TO_DATE_BUT = "Up to date with every document that loads; the problems below are not indexed."


def register(main: click.Group) -> None:
    """Attach this module's commands to the top-level group."""
    main.add_command(index)
    main.add_command(search)


def _problems() -> tuple[type[Exception], ...]:
    """Domain errors that become a clear message and exit code 1 (imported lazily)."""
    from corpus.errors import CorpusError
    from index.errors import IndexProblem

    return (IndexProblem, CorpusError)


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
@click.option(
    "--keep-last-good",
    is_flag=True,
    help="If the corpus has problems, report them and keep the last good index (exit 0) "
    "instead of failing; still fails when there is no index yet.",
)
@click.pass_obj
def build(settings: Settings, rebuild: bool, keep_last_good: bool) -> None:
    """Index the corpus, embedding only what changed since the last build.

    A corpus with problems is never half-indexed: each problem is reported as file:line: reason
    and the index stays as it was.
    """
    from bot.cli.corpus_cmd import echo_problems
    from corpus.check import read_corpus
    from index.build import build_index

    corpus, problems = read_corpus(settings.corpus_dir)
    if problems:
        echo_problems(problems)
        _keep_last_good(settings, corpus, len(problems), fail=not keep_last_good)
        return
    try:
        report = build_index(
            corpus,
            _client(settings),
            _embeddings(settings),
            settings.collection,
            rebuild=rebuild,
            progress=sys.stderr.isatty(),
            sentences=settings.chunk_sentences,
            overlap=settings.chunk_overlap,
        )
    except _problems() as exc:
        raise _fail(exc) from exc
    click.echo(report.summary())


def _keep_last_good(settings: Settings, corpus: Any, count: int, *, fail: bool) -> None:
    """Say which index keeps answering; raise unless asked to carry on and one is there."""
    from index.build import index_status

    try:
        state = index_status(corpus, _client(settings), settings.collection)
    except _problems() as exc:
        raise _fail(exc) from exc
    if state is None or not state.live:
        raise click.ClickException(NOTHING_TO_KEEP.format(count=count))
    message = NOT_REBUILT.format(
        count=count, documents=len(state.manifest.sources), built_at=state.manifest.built_at
    )
    if fail:
        raise click.ClickException(message)
    click.echo(f"Warning: {message}", err=True)


@index.command("status")
@click.pass_obj
def status(settings: Settings) -> None:
    """Show what the index holds, which documents changed since it was built, and problems."""
    from bot.cli.corpus_cmd import echo_problems
    from corpus.check import read_corpus
    from index.build import index_status

    corpus, problems = read_corpus(settings.corpus_dir)
    try:
        state = index_status(
            corpus,
            _client(settings),
            settings.collection,
            sentences=settings.chunk_sentences,
            overlap=settings.chunk_overlap,
        )
    except _problems() as exc:
        raise _fail(exc) from exc
    if state is None:
        echo_problems(problems)
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
    current = UP_TO_DATE_BUT if problems else UP_TO_DATE
    click.echo(STALE.format(names=", ".join(changed)) if changed else current)
    if problems:
        click.echo(LEFT_OUT, err=True)
        echo_problems(problems)
    if not state.live:
        raise click.ClickException(BROKEN)
    if problems:
        raise SystemExit(1)


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
