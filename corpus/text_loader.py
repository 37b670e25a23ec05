"""Plain-text documents: an optional title line, then paragraphs by blank lines or one per line."""

from __future__ import annotations

from pathlib import Path

from corpus.errors import CorpusError
from corpus.models import Document, Problem
from corpus.text import blocks, join_lines, number_paragraphs, read_text, title_from_stem

MAX_TITLE_CHARS = 120
SENTENCE_END = tuple(".!?…:;,")


def load_text(path: Path) -> Document:
    """Load a .txt document: id is the file stem; raise CorpusError when it has no paragraphs."""
    found = blocks(read_text(path).split("\n"))
    title = title_from_stem(path)
    if found and len(found[0][1]) == 1 and _looks_like_title(found[0][1][0]):
        title = found.pop(0)[1][0].strip()
    if len(found) == 1:
        # No blank lines: the file holds one paragraph per line (as the seed text does).
        start, lines = found[0]
        drafts = [(start + i, line.strip(), None, 0) for i, line in enumerate(lines)]
    else:
        drafts = [(start, join_lines(lines), None, 0) for start, lines in found]
    if not drafts:
        raise CorpusError([Problem(str(path), 1, "the document has no paragraphs")])
    paragraphs, problems = number_paragraphs(path, drafts)
    if problems:
        raise CorpusError(problems)
    return Document(
        id=path.stem,
        title=title,
        source=path.name,
        date="",
        tags=(),
        paragraphs=paragraphs,
        path=str(path),
    )


def _looks_like_title(line: str) -> bool:
    line = line.strip()
    return len(line) <= MAX_TITLE_CHARS and not line.endswith(SENTENCE_END)
