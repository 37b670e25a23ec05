"""`batterybot corpus check|list`: validate the corpus and show what it holds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from bot.settings import Settings

CHECK_OK = "Corpus OK: {documents} document(s), {paragraphs} paragraphs, {facts} facts, {entities} entities in {dir}"
PROBLEMS_FOUND = "{count} problem(s) found in {dir}. Fix each line above, then run `batterybot corpus check` again."
LIST_TOTAL = "Total: {documents} document(s), {paragraphs} paragraphs, {facts} facts"
LEFT_OUT = (
    "{count} problem(s) in {dir}: what they name is left out until fixed. "
    "Run `batterybot corpus check` after fixing."
)
TITLE_WIDTH = 50

corpus_dir_option = click.option(
    "--corpus-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Corpus folder (documents/, facts/, entities.yaml). Defaults to the configured corpus_dir.",
)


def register(main: click.Group) -> None:
    """Attach this module's commands to the top-level group."""
    main.add_command(corpus)


@click.group()
def corpus() -> None:
    """Validate and inspect the source documents and structured facts."""


@corpus.command("check")
@corpus_dir_option
@click.pass_obj
def check(settings: Settings, corpus_dir: Path | None) -> None:
    """Validate every document, the entity list and every fact; exit 1 on any problem."""
    folder = corpus_dir or settings.corpus_dir
    loaded = _load_or_exit(folder)
    click.echo(
        CHECK_OK.format(
            documents=len(loaded.documents),
            paragraphs=sum(len(d.paragraphs) for d in loaded.documents),
            facts=len(loaded.facts),
            entities=len(loaded.entities),
            dir=_shown(folder),
        )
    )


@corpus.command("list")
@corpus_dir_option
@click.pass_obj
def list_documents(settings: Settings, corpus_dir: Path | None) -> None:
    """Show each document with its paragraph and fact counts, then any problems (exit 1)."""
    from corpus.check import read_corpus

    folder = corpus_dir or settings.corpus_dir
    loaded, problems = read_corpus(folder)
    facts = Counter(fact.source_id for fact in loaded.facts)
    rows = [("ID", "TITLE", "PARAGRAPHS", "FACTS", "DATE")]
    for doc in loaded.documents:
        title = doc.title if len(doc.title) <= TITLE_WIDTH else doc.title[: TITLE_WIDTH - 1] + "…"
        rows.append((doc.id, title, str(len(doc.paragraphs)), str(facts[doc.id]), doc.date or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [
            cell.rjust(width) if i in (2, 3) else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        click.echo("  ".join(cells).rstrip())
    click.echo(
        LIST_TOTAL.format(
            documents=len(loaded.documents),
            paragraphs=sum(len(d.paragraphs) for d in loaded.documents),
            facts=len(loaded.facts),
        )
    )
    if problems:
        echo_problems(problems)
        click.echo(LEFT_OUT.format(count=len(problems), dir=_shown(folder)), err=True)
        raise SystemExit(1)


def echo_problems(problems) -> None:
    """Each problem as file:line: reason on stderr, the file relative to where the user is."""
    for problem in problems:
        click.echo(f"{_shown(Path(problem.file))}:{problem.line}: {problem.reason}", err=True)


def _load_or_exit(folder: Path):
    """Load the corpus, or print each problem as file:line: reason on stderr and exit 1."""
    from corpus.check import CorpusInvalid, load_corpus

    try:
        return load_corpus(folder)
    except CorpusInvalid as exc:
        echo_problems(exc.problems)
        click.echo(PROBLEMS_FOUND.format(count=len(exc.problems), dir=_shown(folder)), err=True)
        raise SystemExit(1) from None


def _shown(path: Path) -> str:
    """A path relative to the working directory when it lies inside it, so editors can open it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
