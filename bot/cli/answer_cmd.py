"""`batterybot ask | chat | batch | start`: answers in the terminal, in bulk, or the main job."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import click

from bot.settings import Settings

GENERATOR = click.option(
    "--generator",
    type=click.Choice(["extractive", "llm"]),
    default=None,
    help="Override the configured generator.",
)
BATCH_INVALID = (
    "{count} problem(s) in {file}; nothing was answered. Fix each line above and run again."
)
BATCH_RESUMING = "Resuming: {done} already answered in {out}, {todo} to go."
BATCH_FAILED = (
    "{failed} of {total} could not be answered (see their 'error'); "
    "run the same command again to retry just those."
)
BATCH_INTERRUPTED = "Interrupted. Every answer written so far is kept; with --out, run the same command again to resume."


def register(main: click.Group) -> None:
    """Attach this module's commands to the top-level group."""
    for command in (ask, chat, batch, start):
        main.add_command(command)


def open_chain(settings: Settings, generator: str | None = None) -> Any:
    """Build the answer chain, turning setup problems into a message with what to do next."""
    from bot.chain import AnswerChain
    from corpus.errors import CorpusError
    from index.errors import IndexProblem

    try:
        return AnswerChain.from_settings(settings, generator)
    except (IndexProblem, CorpusError) as exc:
        raise click.ClickException(str(exc)) from exc


def render(answer: Any) -> str:
    """An Answer as a person reads it in a terminal: text, then numbered sources."""
    lines = [
        textwrap.fill(line, width=100, subsequent_indent="  " if line.startswith("• ") else "")
        for line in answer.text.splitlines()
        if line.strip()
    ]
    if answer.citations:
        lines += ["", "Sources:"]
        for c in answer.citations:
            lines.append(f"  [{c.n}] {c.title} (§{c.anchor}): “{c.quote}”")
    for note in answer.notes:
        lines += ["", f"Note: {note}"]
    if answer.reason:
        lines += ["", f"Why: {answer.reason}"]
    return "\n".join(lines)


def _answer_or_fail(chain: Any, question: str, history: tuple = ()) -> Any:
    from bot.errors import BackendUnavailable

    try:
        return chain.answer(question, history)
    except BackendUnavailable as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as one JSON object.")
@GENERATOR
@click.pass_obj
def ask(settings: Settings, question: str, as_json: bool, generator: str | None) -> None:
    """Answer one question, with numbered sources."""
    answer = _answer_or_fail(open_chain(settings, generator), question)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        click.echo(render(answer))


@click.command()
@GENERATOR
@click.pass_obj
def chat(settings: Settings, generator: str | None) -> None:
    """Talk with the bot in the terminal; follow-up questions use the conversation so far."""
    from bot.cli.chat import MessageReader, run_chat

    run_chat(open_chain(settings, generator), MessageReader.for_terminal(), render)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write answers here; run again with the same --out to resume an interrupted run.",
)
@GENERATOR
@click.pass_obj
def batch(settings: Settings, file: Path, out: Path | None, generator: str | None) -> None:
    """Answer each line of a JSONL file ({id, question} or {id, turns}); the model loads once.

    The whole file is checked first: any bad line is reported as file:line: reason and
    nothing is answered.
    """
    from bot.batch import BatchInvalid, finished_records, keep_only, read_batch

    try:
        items = read_batch(str(file), file.read_bytes())
        done = finished_records(out, items) if out else {}
    except BatchInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            BATCH_INVALID.format(count=len(exc.problems), file=file)
        ) from None
    todo = [item for item in items if item.key not in done]
    if done:
        click.echo(BATCH_RESUMING.format(done=len(done), todo=len(todo), out=out), err=True)
    chain = open_chain(settings, generator) if todo else None
    if out:
        keep_only(out, done)
    failed = _write_answers(chain, todo, out)
    if failed:
        raise click.ClickException(BATCH_FAILED.format(failed=failed, total=len(todo)))


def _write_answers(chain: Any, items: list, out: Path | None) -> int:
    """Answer items into out (appending) or stdout, one flushed line each; count failures."""
    from bot.batch import answer_items

    sink = out.open("a", encoding="utf-8") if out else sys.stdout
    failed = 0
    try:
        for record in answer_items(chain, items):
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            sink.flush()
            failed += "error" in record
    except KeyboardInterrupt:
        raise click.ClickException(BATCH_INTERRUPTED) from None
    finally:
        if out:
            sink.close()
    return failed


@click.command()
@click.pass_context
def start(ctx: click.Context) -> None:
    """The main job: the Slack bot when Slack tokens are set, the terminal chat otherwise."""
    settings: Settings = ctx.obj
    if settings.slack_configured:
        from bot.cli.slack_cmd import slack_command

        http = settings.slack_app_token is None
        ctx.invoke(slack_command, http=http, host="127.0.0.1", port=3000)
    else:
        click.echo(
            "No Slack tokens set (SLACK_BOT_TOKEN + SLACK_APP_TOKEN): starting the terminal chat."
        )
        ctx.invoke(chat, generator=None)
