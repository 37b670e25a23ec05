"""The README's example conversation is what the bot answers: each turn is asked again and compared.

When the answer chain changes what it says, refresh the README from a real chat; this test then
holds the chain to it.
"""

from __future__ import annotations

import re

from bot.cli.answer_cmd import render
from bot.records import Turn
from bot.settings import REPO_ROOT

SECTION = "## What it does"
CONTINUATION = " " * len("bot> ")


def example_conversation(readme: str) -> list[tuple[str, str]]:
    """(question, reply) pairs of the first code block under SECTION, as a terminal shows them."""
    section = readme[readme.index(SECTION) :]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block, f"no code block under {SECTION!r} in README.md"
    turns: list[tuple[str, list[str]]] = []
    for line in block.group(1).splitlines():
        if line.startswith("you> "):
            turns.append((line.removeprefix("you> "), []))
        elif line.startswith("bot> "):
            turns[-1][1].append(line.removeprefix("bot> "))
        else:
            assert turns and turns[-1][1], f"unexpected line in the README example: {line!r}"
            assert not line.strip() or line.startswith(CONTINUATION), line
            turns[-1][1].append(line.removeprefix(CONTINUATION))
    return [(question, "\n".join(reply)) for question, reply in turns]


def unwrapped(text: str) -> str:
    """Text with its wrapping undone: a line broken after a hyphen joins without a space."""
    return " ".join(re.sub(r"-\n\s*", "-", text).split())


def test_the_example_has_questions_and_replies():
    turns = example_conversation((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(turns) >= 2 and all(question and reply for question, reply in turns)


def test_the_readme_example_conversation_is_what_the_bot_answers(chain):
    turns = example_conversation((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    history: list[Turn] = []
    for question, expected in turns:
        answer = chain.answer(question, tuple(history))  # as the terminal chat asks it
        assert unwrapped(render(answer)) == unwrapped(expected), f"README turn: {question}"
        history += [Turn("user", question), Turn("assistant", answer.text)]
