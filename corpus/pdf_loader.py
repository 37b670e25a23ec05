"""PDF documents via pypdf: paragraphs are blank-line separated blocks of each page's text."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from corpus.errors import CorpusError
from corpus.models import Document, Problem
from corpus.text import blocks, collapse_space, number_paragraphs, title_from_stem

# Where the "%PDF-" header may sit: readers accept up to 1 KiB of junk before it.
HEADER_WINDOW = 1024
NOT_A_PDF = "not a PDF: the file does not start with %PDF- (another format saved as .pdf?)"


def load_pdf(path: Path) -> Document:
    """Load a .pdf document; raise CorpusError if it is unreadable, encrypted or has no text."""
    with _quiet_pypdf():
        return _load_pdf(path)


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs its repairs ("EOF marker not found") as warnings; our Problem says it once."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _load_pdf(path: Path) -> Document:
    file = str(path)
    reader = _open(path)
    drafts: list[tuple[int, str, str | None, int]] = []
    try:
        for page_number, page in enumerate(reader.pages, start=1):
            for start, lines in blocks(_page_text(page).split("\n")):
                drafts.append((start, _join(lines), None, page_number))
        meta = reader.metadata or {}
        title = collapse_space(str(meta.get("/Title") or ""))
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise CorpusError([Problem(file, 0, f"unreadable PDF: {exc}")]) from exc
    if not drafts:
        reason = "the PDF has no extractable text (a scanned image?); add a text version instead"
        raise CorpusError([Problem(file, 0, reason)])
    paragraphs, problems = number_paragraphs(path, drafts)
    if problems:
        raise CorpusError(problems)
    return Document(
        id=path.stem,
        title=title or title_from_stem(path),
        source=path.name,
        date="",
        tags=(),
        paragraphs=paragraphs,
        path=file,
    )


def _open(path: Path) -> PdfReader:
    file = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(HEADER_WINDOW)
    except OSError as exc:
        raise CorpusError([Problem(file, 0, f"cannot read the file: {exc.strerror}")]) from exc
    if b"%PDF-" not in head:
        raise CorpusError([Problem(file, 0, NOT_A_PDF)])
    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
    except (OSError, PdfReadError, PyPdfError, ValueError) as exc:
        raise CorpusError([Problem(file, 0, f"unreadable PDF: {exc}")]) from exc
    # An empty user password still lets anyone read the text; anything else we cannot open.
    if encrypted and not _opens_without_password(reader):
        reason = "the PDF is encrypted with a password; add an unencrypted copy instead"
        raise CorpusError([Problem(file, 0, reason)])
    return reader


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except (PdfReadError, PyPdfError, NotImplementedError, ValueError):
        return False


def _page_text(page) -> str:
    # Layout mode keeps the blank lines between paragraphs; plain mode is the fallback.
    try:
        return page.extract_text(extraction_mode="layout")
    except (PyPdfError, ValueError, KeyError, TypeError, ZeroDivisionError):
        return page.extract_text()


def _join(lines: list[str]) -> str:
    text = ""
    for line in (collapse_space(line) for line in lines):
        text = text + line if text.endswith("-") or not text else f"{text} {line}"
    return text
