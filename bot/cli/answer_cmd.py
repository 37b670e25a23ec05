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
CHAT_HELP = "Ask about battery manufacturing in Asia. Commands: /new (new thread), /quit."


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
    lines = [textwrap.fill(answer.text, width=100)]
    if answer.citations:
        lines += ["", "Sources:"]
        for c in answer.citations:
            lines.append(f"  [{c.n}] {c.title} (§{c.anchor}): “{c.quote}”")
    for note in answer.notes:
        lines += ["", f"Note: {note}"]
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
    from bot.errors import BackendUnavailable
    from bot.records import Turn

    chain = open_chain(settings, generator)
    click.echo(CHAT_HELP)
    history: list[Turn] = []
    while True:
        try:
            question = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if question in ("/quit", "/exit", "quit", "exit"):
            return
        if question == "/new":
            history.clear()
            click.echo("Started a new thread.")
            continue
        if not question:
            continue
        try:
            answer = chain.answer(question, tuple(history))
        except BackendUnavailable as exc:
            click.echo(f"bot> {exc}")
            continue
        click.echo("bot> " + render(answer).replace("\n", "\n     "))
        history += [Turn("user", question), Turn("assistant", answer.text)]


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@GENERATOR
@click.pass_obj
def batch(settings: Settings, file: Path, out: Path | None, generator: str | None) -> None:
    """Answer each line of a JSONL file ({id, question} or {id, turns}); the model loads once."""
    from bot.batch import BatchError, answer_lines

    chain = open_chain(settings, generator)
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        for record in answer_lines(chain, file.read_text(encoding="utf-8").splitlines()):
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            sink.flush()
    except BatchError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if out:
            sink.close()


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
