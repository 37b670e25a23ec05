"""Read a test set in any of the formats evaluators bring, as numbered records of one shape.

Formats: the project's JSONL; RAGAS-style JSONL or CSV (`user_input`, `reference`,
`reference_contexts`); a CSV of questions (a `question` column); plain text, one question a line.
Each reader yields `Row(line, fields, reasons)` where `fields` uses the project's field names, so
one checker validates every format.
"""

from __future__ import annotations

import ast
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

FORMATS = ("jsonl", "ragas-jsonl", "ragas-csv", "questions-csv", "text")
# RAGAS SingleTurnSample columns a run fills in itself; an exported run can be read back as a set.
RAGAS_OUTPUT_COLUMNS = frozenset(
    {"response", "retrieved_contexts", "retrieved_context_ids", "reference_context_ids"}
)
RAGAS_RENAMES = {"user_input": "question", "reference_contexts": "evidence"}
# Columns a RAGAS-style or questions file may carry besides its own, to label or steer a case.
EXTRA_COLUMNS = ("id", "kind", "should_refuse")
QUESTION_COLUMNS = ("question", *EXTRA_COLUMNS, "reference")
JSON_SUFFIXES = (".jsonl", ".json", ".ndjson")


@dataclass(frozen=True)
class Row:
    """One record of a test set: where it starts, its fields, and why it cannot be read."""

    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()


def detect_format(text: str, suffix: str = "") -> str:
    """The format of a test set, from its suffix and its first non-empty line."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    suffix = suffix.lower()
    if first.startswith("{") or suffix in JSON_SUFFIXES:
        try:
            data = json.loads(first)
        except json.JSONDecodeError:
            return "jsonl"
        return "ragas-jsonl" if isinstance(data, dict) and "user_input" in data else "jsonl"
    header = [c.strip().lower() for c in _csv_header(first)]
    if "user_input" in header:
        return "ragas-csv"
    if suffix == ".txt":
        return "text"
    if suffix == ".csv" or ("question" in header and (len(header) > 1 or first == "question")):
        return "questions-csv"
    return "text"


def read_rows(text: str, fmt: str) -> Iterator[Row]:
    """The records of a test set in the given format."""
    readers = {
        "jsonl": lambda: _json_lines(text, ragas=False),
        "ragas-jsonl": lambda: _json_lines(text, ragas=True),
        "ragas-csv": lambda: _csv_rows(text, ragas=True),
        "questions-csv": lambda: _csv_rows(text, ragas=False),
        "text": lambda: _text_lines(text),
    }
    if fmt not in readers:
        raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return readers[fmt]()


def _json_lines(text: str, ragas: bool) -> Iterator[Row]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield Row(number, reasons=(f"not valid JSON: {exc.msg} (column {exc.colno})",))
            continue
        if not isinstance(data, dict):
            yield Row(number, reasons=("each line must be a JSON object",))
            continue
        yield Row(number, _from_ragas(data) if ragas else data, ())


def _from_ragas(data: dict[str, Any]) -> dict[str, Any]:
    """RAGAS names to the project's; the run's own output columns are dropped."""
    out = {}
    for name, value in data.items():
        if name in RAGAS_OUTPUT_COLUMNS:
            continue
        if name == "reference" and value in ("", None):
            continue  # RAGAS rows often carry an empty reference: the case simply has none
        if name == "user_input" and isinstance(value, list):
            out["turns"] = _user_turns(value)  # a multi-turn sample: the user's messages
            continue
        out[RAGAS_RENAMES.get(name, name)] = value
    if out.get("evidence") in ([], "", None):
        out.pop("evidence", None)
    return out


def _user_turns(messages: list[Any]) -> list[Any]:
    """The user's messages of a RAGAS multi-turn sample (strings, or {type|role, content})."""
    turns = []
    for message in messages:
        if isinstance(message, dict):
            if (message.get("type") or message.get("role")) in ("human", "user"):
                turns.append(message.get("content"))
        else:
            turns.append(message)
    return turns


def _csv_header(line: str) -> list[str]:
    try:
        return next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return []


def _csv_rows(text: str, ragas: bool) -> Iterator[Row]:
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream)
    try:
        header = [c.strip().lower() for c in next(reader)]
    except (csv.Error, StopIteration):
        yield Row(1, reasons=("the CSV has no header row",))
        return
    known = ("user_input", "reference", "reference_contexts", *EXTRA_COLUMNS)
    known += tuple(RAGAS_OUTPUT_COLUMNS) if ragas else ()
    allowed = known if ragas else QUESTION_COLUMNS
    needed = "user_input" if ragas else "question"
    unknown = [c for c in header if c not in allowed]
    if needed not in header or unknown:
        reasons = [f"the header needs a {needed!r} column"] if needed not in header else []
        reasons += [f"unknown column {c!r}; known: {', '.join(allowed)}" for c in unknown]
        yield Row(1, reasons=tuple(reasons))
        return
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Row(start, reasons=(f"not valid CSV: {exc}",))
            return
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            reason = f"has {len(cells)} columns, the header has {len(header)}"
            yield Row(start, reasons=(reason,))
            continue
        data = {name: value for name, value in zip(header, cells, strict=True) if value != ""}
        yield _csv_fields(start, data, ragas)


def _csv_fields(line: int, data: dict[str, str], ragas: bool) -> Row:
    reasons = []
    if "should_refuse" in data:
        flag = data["should_refuse"].strip().lower()
        if flag not in ("true", "false", "1", "0", "yes", "no"):
            reasons.append("'should_refuse' must be true or false")
        data["should_refuse"] = flag in ("true", "1", "yes")
    if ragas and data.get("user_input", "").lstrip().startswith("["):
        # A list of the user's turns; a question that merely opens with "[" stays a question.
        data["user_input"] = _list_cell(data["user_input"]) or data["user_input"]
    if "reference_contexts" in data:
        contexts = _list_cell(data["reference_contexts"])
        if contexts is None:
            reasons.append("'reference_contexts' must be a JSON list of strings")
        data["reference_contexts"] = contexts
    fields: dict[str, Any] = _from_ragas(data) if ragas else data
    return Row(line, fields, tuple(reasons))


def _list_cell(cell: str) -> list[str] | None:
    """A list column as RAGAS and pandas write it: JSON, a Python literal, or one plain string."""
    cell = cell.strip()
    if not cell.startswith("["):
        return [cell]
    for parse in (json.loads, ast.literal_eval):
        try:
            value = parse(cell)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
    return None


def _text_lines(text: str) -> Iterator[Row]:
    for number, raw in enumerate(text.splitlines(), start=1):
        question = raw.strip()
        if question and not question.startswith("#"):
            yield Row(number, {"question": question}, ())
