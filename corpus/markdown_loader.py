"""Markdown documents: YAML front matter, then paragraphs each optionally named by an anchor comment."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from corpus.errors import CorpusError
from corpus.models import Document, Problem
from corpus.text import anchor_problem, join_lines, number_paragraphs, read_text
from corpus.yamlnodes import YamlSyntaxError, mapping_keys, parse

ANCHOR_COMMENT = re.compile(r"^<!--\s*anchor:\s*(.*?)\s*-->$")
OTHER_COMMENT = re.compile(r"^<!--.*-->$")
HEADING = re.compile(r"^#{1,6}(\s|$)")
FENCE = {"---"}
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def load_markdown(path: Path) -> Document:
    """Load a .md document; raise CorpusError listing every problem found."""
    lines = read_text(path).split("\n")
    meta, body_start, problems = _front_matter(path, lines)
    drafts, body_problems = _paragraph_drafts(path, lines, body_start)
    problems += body_problems
    paragraphs, anchor_problems = number_paragraphs(path, drafts)
    problems += anchor_problems
    if not drafts and not problems:
        problems.append(Problem(str(path), body_start + 1, "the document has no paragraphs"))
    if problems:
        raise CorpusError(problems)
    return Document(
        id=meta["id"],
        title=meta["title"],
        source=meta["source"],
        date=meta["date"],
        tags=meta["tags"],
        paragraphs=paragraphs,
        path=str(path),
    )


def _front_matter(path: Path, lines: list[str]) -> tuple[dict, int, list[Problem]]:
    """Parse the front matter; returns (metadata, index of the first body line, problems)."""
    file = str(path)
    if not lines or lines[0].strip() not in FENCE:
        reason = (
            "missing front matter: start the file with a '---' line, then id and title, then '---'"
        )
        return {}, 0, [Problem(file, 1, reason)]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in FENCE), None)
    if end is None:
        return (
            {},
            len(lines),
            [Problem(file, 1, "front matter is never closed: add a '---' line after it")],
        )
    try:
        located = parse("\n".join(lines[1:end]), first_line=2)
    except YamlSyntaxError as exc:
        return {}, end + 1, [Problem(file, exc.line, f"bad front matter: {exc.reason}")]
    if not isinstance(located.value, dict):
        return {}, end + 1, [Problem(file, 2, "bad front matter: expected 'key: value' lines")]
    meta, problems = _check_meta(file, located.value, mapping_keys(located.node, 2))
    return meta, end + 1, problems


def _check_meta(file: str, raw: dict, keys: dict) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []

    def line(key: str) -> int:
        return keys[key][0][1] if key in keys else 1

    meta: dict = {}
    for key in ("id", "title"):
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(
                Problem(file, line(key), f"front matter has no {key!r}; add '{key}: ...'")
            )
        elif not isinstance(value, str):
            problems.append(Problem(file, line(key), f"front matter {key!r} must be text"))
        else:
            meta[key] = value.strip()
    if "id" in meta and not DOC_ID.match(meta["id"]):
        reason = f"document id {meta['id']!r} must be lower-case letters, digits, '-', '_' or '.'"
        problems.append(Problem(file, line("id"), reason))
    date = raw.get("date", "")
    meta["date"] = date.isoformat() if isinstance(date, dt.date) else str(date or "")
    meta["source"] = str(raw.get("source") or "")
    tags = raw.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str | int) for t in tags):
        problems.append(Problem(file, line("tags"), "front matter 'tags' must be a list of words"))
        tags = []
    meta["tags"] = tuple(str(t) for t in tags)
    return meta, problems


def _paragraph_drafts(
    path: Path, lines: list[str], body_start: int
) -> tuple[list[tuple[int, str, str | None, int]], list[Problem]]:
    """Walk the body line by line, collecting paragraphs and the anchor comment before each."""
    drafts: list[tuple[int, str, str | None, int]] = []
    problems: list[Problem] = []
    current: list[str] = []
    start = 0
    pending: tuple[str, int] | None = None

    def flush() -> None:
        nonlocal current, pending
        if current:
            drafts.append((start, join_lines(current), pending[0] if pending else None, 0))
            current, pending = [], None

    for number, line in enumerate(lines[body_start:], start=body_start + 1):
        stripped = line.strip()
        match = ANCHOR_COMMENT.match(stripped)
        if not stripped or match or OTHER_COMMENT.match(stripped) or HEADING.match(stripped):
            flush()
        if match:
            if pending:
                reason = f"anchor {pending[0]!r} has no paragraph after it"
                problems.append(Problem(str(path), pending[1], reason))
            name = match.group(1)
            if reason := anchor_problem(name):
                problems.append(Problem(str(path), number, reason))
            pending = (name, number)
        elif stripped and not OTHER_COMMENT.match(stripped) and not HEADING.match(stripped):
            if not current:
                start = number
            current.append(stripped)
    flush()
    if pending:
        problems.append(
            Problem(str(path), pending[1], f"anchor {pending[0]!r} has no paragraph after it")
        )
    return drafts, problems
