"""`batterybot chat` in a real pseudo-terminal: commands, pastes, and the command list at start."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.chat import HELP, NEW_CONVERSATION
from bot.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.integration

KOREA = "Which companies lead South Korea's battery industry?"
PROMPT = "you> "
# Bracketed paste: what a terminal sends around pasted text once the program asks for it.
PASTE_START, PASTE_END = b"\x1b[200~", b"\x1b[201~"
CLEAR_SCREEN = "\x1b[2J"


class Terminal:
    """A program on the slave side of a pty; the test types into and reads from the master."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        master, slave = pty.openpty()
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.output = ""
        self.mark = 0

    def type(self, data: bytes) -> None:
        os.write(self.master, data)

    def expect(self, pattern: str, timeout: float = 180.0) -> str:
        """Wait until `pattern` appears after the last match; return the output up to it."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while not (found := regex.search(self.output, self.mark)):
            left = deadline - time.monotonic()
            ended = not self._read(min(max(left, 0.0), 1.0)) and self.process.poll() is not None
            if left <= 0 or ended:
                raise AssertionError(f"never saw {pattern!r}; output:\n{self.output}")
        seen = self.output[self.mark : found.end()]
        self.mark = found.end()
        return seen

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the program closed the terminal
            return False
        self.output += data.decode("utf-8", errors="replace")
        return bool(data)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        os.close(self.master)


@pytest.fixture
def cli_env(indexed: Settings) -> dict[str, str]:
    """The environment of a `batterybot` process answering from the session index."""
    return {
        **os.environ,
        "TERM": "xterm",
        "INPUTRC": os.devnull,  # the person's readline settings stay out of the test
        "PYTHONPATH": str(REPO_ROOT),
        "BATTERYBOT_DATA_DIR": str(indexed.data_dir),
        "BATTERYBOT_CORPUS_DIR": str(indexed.corpus_dir),
        "BATTERYBOT_COLLECTION": indexed.collection,
        "BATTERYBOT_GENERATOR": "extractive",
        "BATTERYBOT_CHROMA_HOST": "",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", f"from bot.cli import main; main({list(args)!r})"]


@pytest.fixture
def terminal(cli_env: dict[str, str], tmp_path: Path) -> Iterator[Terminal]:
    """`batterybot chat` over the session index, in a terminal of its own."""
    term = Terminal(cli("chat"), cli_env, tmp_path)
    try:
        yield term
    finally:
        term.close()


def bot_replies(text: str) -> int:
    return text.count("bot> ")


def test_commands_are_listed_at_start_and_never_sent_as_questions(terminal):
    start = terminal.expect(PROMPT)
    assert "/help" in start and "/new" in start and "/quit" in start

    terminal.type(b"/help\r")
    seen = terminal.expect(PROMPT)
    assert HELP.splitlines()[1] in seen and bot_replies(seen) == 0

    terminal.type(b"clear\r")
    seen = terminal.expect(PROMPT)
    assert CLEAR_SCREEN in seen and bot_replies(seen) == 0

    terminal.type(KOREA.encode() + b"\r")
    assert "LG Energy Solution" in terminal.expect(PROMPT)

    terminal.type(b"/reset\r")
    seen = terminal.expect(PROMPT)
    assert NEW_CONVERSATION in seen and bot_replies(seen) == 0

    terminal.type(b"/quit\r")
    assert terminal.process.wait(timeout=60) == 0


def test_a_pasted_block_of_lines_is_one_question(terminal):
    terminal.expect(PROMPT)
    first, second = KOREA.split(" South ")
    # A terminal that brackets pastes: the newlines inside stay in the one message.
    terminal.type(PASTE_START + f"{first}\r South\r {second}".encode() + PASTE_END + b"\r")
    seen = terminal.expect(PROMPT)
    assert bot_replies(seen) == 1, seen
    assert "LG Energy Solution" in seen

    # A terminal that does not: the lines arrive in one write, faster than anyone types.
    terminal.type(f"{first}\rSouth\r{second}\r".encode())
    seen = terminal.expect(PROMPT)
    assert bot_replies(seen) == 1, seen
    assert "LG Energy Solution" in seen

    terminal.type(b"\x04")  # Ctrl-D leaves cleanly
    assert terminal.process.wait(timeout=60) == 0


def test_a_one_off_ask_prints_the_answer_and_no_progress_bars(cli_env, tmp_path):
    result = subprocess.run(
        cli("ask", KOREA), env=cli_env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "LG Energy Solution" in result.stdout
    assert "Loading weights" not in result.stderr and "it/s" not in result.stderr
