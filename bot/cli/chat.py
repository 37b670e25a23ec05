"""The terminal chat: commands people try, and a pasted block of lines read as one message."""

from __future__ import annotations

import select
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

import click

# Lines that reach us within this long of each other came from one paste, not from typing:
# nobody types a line and presses Enter in 50 ms, and a terminal delivers a paste at once.
PASTE_GAP_SECONDS = 0.05

PROMPT = "\nyou> "
COMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("/help", "help", "/?", "?"),
    "reset": ("/new", "/reset"),
    "clear": ("/clear", "clear", "cls"),
    "quit": ("/quit", "/exit", "quit", "exit", "/q", ":q"),
}
HELP = """Ask about battery manufacturing in Asia; follow-ups use the conversation so far.
Commands:
  /help           this list
  /new, /reset    start a new conversation (earlier questions no longer count)
  /clear, clear   clear the screen (the conversation is kept)
  /quit, /exit    leave (or Ctrl-D)
Paste several lines at once and they are read as one question."""
NEW_CONVERSATION = "Started a new conversation."
STOPPED = "Stopped. Ask again, or /quit to leave."
UNKNOWN_COMMAND = "Unknown command {command}. Type /help for the list."


def command_of(message: str) -> str | None:
    """The command a message is ('help', 'reset', 'clear', 'quit'), or None for a question."""
    word = message.strip().lower()
    for command, spellings in COMMANDS.items():
        if word in spellings:
            return command
    return None


def as_question(message: str) -> str:
    """A message as one question: a pasted block's lines and wrapping joined with spaces."""
    return " ".join(message.split())


@dataclass
class MessageReader:
    """Reads one message per prompt from a terminal or a pipe.

    On a terminal, readline's bracketed paste returns a paste as one block; where the terminal
    does not bracket pastes, lines that arrive together are joined. From a pipe, each line
    is one message.
    """

    read_line: Callable[[str], str]
    stream: TextIO
    interactive: bool

    @classmethod
    def for_terminal(cls) -> MessageReader:
        interactive = sys.stdin.isatty()
        if interactive:
            _enable_line_editing()
        return cls(input, sys.stdin, interactive)

    def read(self, prompt: str) -> str:
        """The next message; EOFError at the end of input."""
        lines = [self.read_line(prompt)]
        while self.interactive and self._more_waiting():
            try:
                lines.append(self.read_line(""))
            except EOFError:
                break
        return "\n".join(lines)

    def _more_waiting(self) -> bool:
        ready, _, _ = select.select([self.stream], [], [], PASTE_GAP_SECONDS)
        return bool(ready)


def _enable_line_editing() -> None:
    """Arrow keys and history via readline, with bracketed paste (Python turns it off)."""
    try:
        import readline
    except ImportError:  # no readline on this platform: plain input() still works
        return
    readline.parse_and_bind("set enable-bracketed-paste on")


def run_chat(chain: Any, reader: MessageReader, render: Callable[[Any], str]) -> None:
    """The chat loop: commands are handled here, everything else is a question for the chain."""
    from bot.errors import BackendUnavailable
    from bot.records import Turn

    click.echo(HELP)
    history: list[Turn] = []
    while True:
        try:
            message = reader.read(PROMPT)
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        command = command_of(message)
        if command == "quit":
            return
        if command == "help":
            click.echo(HELP)
            continue
        if command == "reset":
            history.clear()
            click.echo(NEW_CONVERSATION)
            continue
        if command == "clear":
            click.clear()
            continue
        question = as_question(message)
        if not question:
            continue
        if question.startswith("/") and " " not in question:
            click.echo(UNKNOWN_COMMAND.format(command=question))
            continue
        try:
            answer = chain.answer(question, tuple(history))
        except BackendUnavailable as exc:
            click.echo(f"bot> {exc}")
            continue
        except KeyboardInterrupt:
            click.echo(STOPPED)
            continue
        click.echo("bot> " + render(answer).replace("\n", "\n     "))
        history += [Turn("user", question), Turn("assistant", answer.text)]
