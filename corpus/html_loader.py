"""HTML documents: title from <title> or <h1>, paragraphs from <p>, anchors from id attributes."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from corpus.errors import CorpusError
from corpus.models import Document, Problem
from corpus.text import (
    anchor_problem,
    collapse_space,
    number_paragraphs,
    read_text,
    title_from_stem,
)

# Opening any of these ends an open <p>, as browsers do.
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "div", "dl", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul",
}  # fmt: skip
SKIPPED = {"script", "style", "template"}


class _Collector(HTMLParser):
    """Collects title, metadata and paragraph drafts while the parser walks the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.h1 = ""
        self.meta: dict[str, str] = {}
        self.drafts: list[tuple[int, str, str | None, int]] = []
        self.bad_anchors: list[tuple[int, str]] = []
        self._capture: str | None = None  # "title" | "h1" | "p"
        self._buffer: list[str] = []
        self._p_start = 0
        self._p_anchor: str | None = None
        self._pending_id: str | None = None  # an id seen just before a paragraph names it
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in SKIPPED:
            self._skip_depth += 1
            return
        if tag in BLOCK_TAGS:
            self._end_paragraph()
        if tag == "meta" and found.get("name") and found.get("content") is not None:
            self.meta[found["name"].lower()] = found["content"] or ""
        anchor = found.get("id") or (found.get("name") if tag == "a" else None)
        if anchor and self._capture != "p":
            self._pending_id = anchor
        if tag == "p":
            self._capture, self._buffer = "p", []
            self._p_start = self.getpos()[0]
            self._p_anchor, self._pending_id = self._pending_id, None
        elif tag in ("title", "h1") and self._capture is None:
            self._capture, self._buffer = tag, []
        elif tag == "br" and self._capture:
            self._buffer.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == self._capture and tag in ("title", "h1"):
            text = collapse_space("".join(self._buffer))
            if tag == "title":
                self.title = self.title or text
            else:
                self.h1 = self.h1 or text
            self._capture = None
        elif tag in BLOCK_TAGS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if self._capture and not self._skip_depth:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._end_paragraph()

    def _end_paragraph(self) -> None:
        if self._capture != "p":
            return
        text = collapse_space("".join(self._buffer))
        if text:
            if self._p_anchor and anchor_problem(self._p_anchor):
                self.bad_anchors.append((self._p_start, self._p_anchor))
            self.drafts.append((self._p_start, text, self._p_anchor, 0))
        self._capture = None


def load_html(path: Path) -> Document:
    """Load an .html document; raise CorpusError on no paragraphs or bad/duplicate anchors."""
    collector = _Collector()
    collector.feed(read_text(path))
    collector.close()
    problems = [
        Problem(str(path), line, anchor_problem(name) or "") for line, name in collector.bad_anchors
    ]
    if not collector.drafts:
        problems.append(
            Problem(str(path), 1, "the document has no paragraphs (no text inside <p> tags)")
        )
    paragraphs, anchor_problems = number_paragraphs(path, collector.drafts)
    problems += anchor_problems
    if problems:
        raise CorpusError(problems)
    meta = collector.meta
    tags = tuple(t.strip() for t in meta.get("keywords", "").split(",") if t.strip())
    return Document(
        id=path.stem,
        title=collector.title or collector.h1 or title_from_stem(path),
        source=meta.get("source") or path.name,
        date=meta.get("date", ""),
        tags=tags,
        paragraphs=paragraphs,
        path=str(path),
    )
