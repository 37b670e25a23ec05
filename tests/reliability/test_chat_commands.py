"""The terminal chat's commands and message reading, as plain functions over plain text."""

from __future__ import annotations

import io

import pytest

from bot.cli.chat import MessageReader, as_question, command_of


@pytest.mark.parametrize(
    ("message", "command"),
    [
        ("/help", "help"),
        ("help", "help"),
        ("  /HELP  ", "help"),
        ("/new", "reset"),
        ("/reset", "reset"),
        ("clear", "clear"),
        ("/clear", "clear"),
        ("/quit", "quit"),
        ("exit", "quit"),
        ("/exit", "quit"),
        ("Which companies lead South Korea's battery industry?", None),
        ("help me understand CATL's capacity", None),
        ("clear advantages of Japan?", None),
        ("", None),
    ],
)
def test_a_message_is_a_command_only_when_it_is_the_whole_message(message, command):
    assert command_of(message) == command


def test_a_pasted_block_becomes_one_question():
    pasted = "Which companies lead\n  South Korea's\n\nbattery industry?\n"
    assert as_question(pasted) == "Which companies lead South Korea's battery industry?"


def test_from_a_pipe_each_line_is_one_message():
    lines = iter(["first question", "second question"])

    def read_line(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    reader = MessageReader(read_line, io.StringIO(), interactive=False)
    assert reader.read("> ") == "first question"
    assert reader.read("> ") == "second question"
    with pytest.raises(EOFError):
        reader.read("> ")
