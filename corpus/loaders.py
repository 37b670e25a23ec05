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
    """Load every document in a folder (sorted by name); ids must be unique across files.

    When two files claim one id, the one that was there first (older modification time) keeps
    it and the newer one is the problem: that is the file someone just added or edited.
    """
    if not documents_dir.is_dir():
        return [], [Problem(str(documents_dir), 0, "documents folder not found")]
    loaded: list[tuple[Path, Document]] = []
    problems: list[Problem] = []
    for path in sorted(documents_dir.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        try:
            loaded.append((path, load_document(path)))
        except CorpusError as exc:
            problems += exc.problems
    owner: dict[str, Path] = {}
    for path, document in sorted(loaded, key=lambda pair: (pair[0].stat().st_mtime, pair[0].name)):
        owner.setdefault(document.id, path)
    documents: list[Document] = []
    for path, document in loaded:
        first = owner[document.id]
        if first != path:
            reason = f"document id {document.id!r} is already used by {first.name}"
            problems.append(Problem(str(path), 1, reason))
            continue
        documents.append(document)
    return documents, sorted(problems, key=lambda p: (p.file, p.line))
