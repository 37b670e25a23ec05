"""Shared text helpers for the loaders: decoding, block splitting, naming."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.errors import CorpusError
from corpus.models import Paragraph, Problem

ANCHOR_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SPACE_RE = re.compile(r"\s+")


def read_text(path: Path) -> str:
    """Read a file as UTF-8 with newlines normalised; non-UTF-8 bytes raise a located CorpusError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError([Problem(str(path), 0, f"cannot read the file: {exc.strerror}")]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        reason = (
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        )
        raise CorpusError([Problem(str(path), line, reason)]) from exc
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def blocks(lines: list[str], first_line: int = 1) -> list[tuple[int, list[str]]]:
    """Split lines into blank-line separated blocks as (1-based line of first line, lines)."""
    found: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = first_line
    for number, line in enumerate(lines, start=first_line):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            found.append((start, current))
            current = []
    if current:
        found.append((start, current))
    return found


def join_lines(lines: list[str]) -> str:
    """Join soft-wrapped lines of one paragraph with single spaces, as a renderer would."""
    return " ".join(line.strip() for line in lines)


def collapse_space(text: str) -> str:
    """Collapse runs of whitespace into single spaces."""
    return _SPACE_RE.sub(" ", text).strip()


def title_from_stem(path: Path) -> str:
    """A readable fallback title from a file name: 'battery-report_2024' -> 'Battery report 2024'."""
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


def anchor_problem(name: str) -> str | None:
    """Why an anchor name is unusable, or None when it is fine."""
    if ANCHOR_RE.match(name):
        return None
    return (
        f"anchor name {name!r} is not usable; use letters, digits, '-', '_' or '.', "
        "starting with a letter or digit"
    )


def number_paragraphs(
    path: Path, drafts: list[tuple[int, str, str | None, int]]
) -> tuple[tuple[Paragraph, ...], list[Problem]]:
    """Turn (line, text, anchor or None, page) drafts into paragraphs; unnamed ones get p{n}."""
    paragraphs: list[Paragraph] = []
    problems: list[Problem] = []
    first_use: dict[str, int] = {}
    for number, (line, text, anchor, page) in enumerate(drafts, start=1):
        name = anchor or f"p{number}"
        if name in first_use:
            where = f"line {first_use[name]}" if first_use[name] else "an earlier paragraph"
            problems.append(
                Problem(str(path), line, f"duplicate anchor {name!r} (first used on {where})")
            )
            continue
        first_use[name] = line
        paragraphs.append(Paragraph(anchor=name, text=text, line=line, page=page))
    return tuple(paragraphs), problems
