"""Load source documents of any supported format from a file or a folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from corpus.errors import CorpusError
from corpus.html_loader import load_html
from corpus.markdown_loader import load_markdown
from corpus.models import Document, Problem
from corpus.pdf_loader import load_pdf
from corpus.text_loader import load_text

LOADERS: dict[str, Callable[[Path], Document]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
}

__all__ = ["LOADERS", "CorpusError", "load_document", "load_documents"]


def load_document(path: Path) -> Document:
    """Load one document by its suffix; raise CorpusError with located problems if it is malformed."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        supported = ", ".join(sorted(LOADERS))
        reason = (
            f"{path.suffix or 'files without a suffix'} is not a supported format ({supported})"
        )
        raise CorpusError([Problem(str(path), 0, reason)])
    return loader(path)


def load_documents(documents_dir: Path) -> tuple[list[Document], list[Problem]]:
    """Load every document in a folder (sorted by name); ids must be unique across files."""
    if not documents_dir.is_dir():
        return [], [Problem(str(documents_dir), 0, "documents folder not found")]
    documents: list[Document] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in sorted(documents_dir.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        try:
            document = load_document(path)
        except CorpusError as exc:
            problems += exc.problems
            continue
        if document.id in seen:
            reason = f"document id {document.id!r} is already used by {seen[document.id]}"
            problems.append(Problem(str(path), 1, reason))
            continue
        seen[document.id] = path.name
        documents.append(document)
    return documents, problems
