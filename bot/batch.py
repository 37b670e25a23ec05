"""Batch answering: JSONL in, one Answer JSON per line out (conversations answered turn by turn).

The whole input is validated before anything is answered, and results already written to the
output file are kept, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import BackendUnavailable
from bot.records import Answer, Turn
from corpus.models import Problem  # file:line: reason, as corpus checks report it

# Past this many, a file is almost certainly not JSONL at all; the rest would be noise.
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class BatchItem:
    """One input line: the id its answer is written under, and the questions in order."""

    id: str | int
    turns: tuple[str, ...]
    line: int

    @property
    def key(self) -> str:
        """The id as JSON, so 3 and "3" stay different ids."""
        return id_key(self.id)


class BatchInvalid(Exception):
    """The input (or the output being resumed) has problems; nothing was answered."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def id_key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def answer_conversation(chain: Any, turns: Iterable[str]) -> Answer:
    """Answer every turn in order with the thread so far; return the last answer."""
    history: list[Turn] = []
    answer: Answer | None = None
    for question in turns:
        answer = chain.answer(question, tuple(history))
        history += [Turn("user", question), Turn("assistant", answer.text)]
    if answer is None:
        raise ValueError("a conversation needs at least one turn")
    return answer


def parse_item(text: str, number: int) -> BatchItem:
    """The item on one line; raise ValueError with the reason when the line is not one."""
    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(item, dict):
        raise ValueError("expected an object with 'question' or 'turns'")
    turns = item.get("turns")
    if turns is not None:
        if not isinstance(turns, list) or not all(isinstance(t, str) for t in turns):
            raise ValueError("'turns' must be a list of strings")
        if not turns or not all(t.strip() for t in turns):
            raise ValueError("'turns' needs at least one turn, and no empty ones")
    elif isinstance(item.get("question"), str):
        if not item["question"].strip():
            raise ValueError("'question' is empty")
        turns = [item["question"]]
    else:
        raise ValueError("needs a 'question' string or a 'turns' list of strings")
    case_id = item.get("id", number)
    if isinstance(case_id, bool) or not isinstance(case_id, str | int):
        raise ValueError(f"'id' must be a string or a whole number, not {case_id!r}")
    return BatchItem(case_id, tuple(turns), number)


def read_batch(file: str, data: bytes) -> list[BatchItem]:
    """Every item of a JSONL file's bytes; BatchInvalid lists each bad line (file:line: reason)."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        reason = "this is a binary file, not JSON Lines text (one JSON object per line)"
        raise BatchInvalid([Problem(file, line, reason)])
    items: list[BatchItem] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8 text (byte {exc.start + 1} is {raw[exc.start]:#04x})"
            problems.append(Problem(file, number, reason))
            continue
        if not text.strip():
            continue
        try:
            item = parse_item(text, number)
        except ValueError as exc:
            problems.append(Problem(file, number, str(exc)))
            continue
        if item.key in first_line:
            reason = f"id {item.id!r} is already used on line {first_line[item.key]}"
            problems.append(Problem(file, number, reason))
            continue
        first_line[item.key] = number
        items.append(item)
    if problems:
        raise BatchInvalid(_capped(problems))
    return items


def _capped(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    last = problems[MAX_PROBLEMS - 1]
    more = len(problems) - MAX_PROBLEMS + 1
    note = Problem(last.file, last.line, f"... and {more} more problem(s) after this line")
    return [*problems[: MAX_PROBLEMS - 1], note]


def finished_records(out: Path, items: list[BatchItem]) -> dict[str, str]:
    """Lines of `out` already answered (no error), by id key; raise BatchInvalid if it is foreign.

    An output file naming ids the input does not have was written for another input: it is
    left alone rather than appended to or overwritten.
    """
    if not out.exists():
        return {}
    wanted = {item.key for item in items}
    done: dict[str, str] = {}
    for number, line in enumerate(
        out.read_text(encoding="utf-8", errors="replace").splitlines(), 1
    ):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # cut short when a run was killed mid-write: answer that id again
        if not isinstance(record, dict) or "id" not in record:
            continue
        key = id_key(record["id"])
        if key not in wanted:
            reason = (
                f"holds an answer for id {record['id']!r}, which the input does not have; "
                "choose another --out or delete this file"
            )
            raise BatchInvalid([Problem(str(out), number, reason)])
        if "error" not in record:
            done[key] = line
    return done


def keep_only(out: Path, records: dict[str, str]) -> None:
    """Rewrite `out` to hold just the finished records (atomically), ready for appending."""
    temporary = out.with_name(out.name + ".partial")
    temporary.write_text("".join(line + "\n" for line in records.values()), encoding="utf-8")
    os.replace(temporary, out)


def answer_items(chain: Any, items: Iterable[BatchItem]) -> Iterator[dict[str, Any]]:
    """Answer each item; a backend failure becomes an error record, not a lost line."""
    for item in items:
        try:
            record = answer_conversation(chain, item.turns).to_json()
        except BackendUnavailable as exc:
            record = {"question": item.turns[-1], "error": str(exc)}
        yield {"id": item.id, **record}
