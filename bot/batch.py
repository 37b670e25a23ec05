"""Batch answering: JSONL in, one Answer JSON per line out (conversations answered turn by turn)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from bot.errors import BackendUnavailable
from bot.records import Answer, Turn


class BatchError(Exception):
    """An input line that is not a question or a conversation."""


def answer_conversation(chain: Any, turns: list[str]) -> Answer:
    """Answer every turn in order with the thread so far; return the last answer."""
    history: list[Turn] = []
    answer: Answer | None = None
    for question in turns:
        answer = chain.answer(question, tuple(history))
        history += [Turn("user", question), Turn("assistant", answer.text)]
    if answer is None:
        raise BatchError("a conversation needs at least one turn")
    return answer


def parse_line(line: str, number: int) -> tuple[Any, list[str]]:
    """(id, turns) of one input line; a bad line raises BatchError naming its line number."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BatchError(f"line {number}: not valid JSON ({exc.msg})") from exc
    if not isinstance(item, dict):
        raise BatchError(f"line {number}: expected an object with 'question' or 'turns'")
    if isinstance(item.get("turns"), list) and all(isinstance(t, str) for t in item["turns"]):
        turns = item["turns"]
    elif isinstance(item.get("question"), str):
        turns = [item["question"]]
    else:
        raise BatchError(f"line {number}: needs a 'question' string or a 'turns' list of strings")
    return item.get("id", number), turns


def answer_lines(chain: Any, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Answer each non-blank line; a backend failure becomes an error record, not a lost line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        case_id, turns = parse_line(line, number)
        try:
            record = answer_conversation(chain, turns).to_json()
        except BackendUnavailable as exc:
            record = {"question": turns[-1], "error": str(exc)}
        yield {"id": case_id, **record}
