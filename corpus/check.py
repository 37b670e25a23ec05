"""Load and validate a whole corpus folder: documents, gazetteer and facts, all or nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from corpus.entities import entities_path, load_entities, read_entities, world_path
from corpus.errors import CorpusInvalid
from corpus.facts import load_facts
from corpus.loaders import load_documents
from corpus.models import Corpus, Document, Problem

__all__ = [
    "CorpusInvalid",
    "check_corpus",
    "document_hash",
    "entities_path",
    "load_corpus",
    "load_entities",
    "read_corpus",
]


def load_corpus(corpus_dir: Path) -> Corpus:
    """Load documents/, entities.yaml and facts/ under corpus_dir; raise CorpusInvalid on any problem."""
    corpus, problems = read_corpus(corpus_dir)
    if problems:
        raise CorpusInvalid(problems)
    return corpus


def read_corpus(corpus_dir: Path) -> tuple[Corpus, list[Problem]]:
    """What loads cleanly under corpus_dir, and every problem with the rest.

    For showing people what is there; building an index takes `load_corpus`, all or nothing.
    """
    if not corpus_dir.is_dir():
        reason = "corpus folder not found; point --corpus-dir or BATTERYBOT_CORPUS_DIR at it"
        return Corpus(documents=(), facts=(), entities=()), [Problem(str(corpus_dir), 0, reason)]
    documents, problems = load_documents(corpus_dir / "documents")
    entities, entity_problems = read_entities(entities_path(corpus_dir))
    problems += entity_problems
    if world_path(corpus_dir).exists():  # the world's places: checked here, used by the bot
        problems += read_entities(world_path(corpus_dir))[1]
    facts, fact_problems = load_facts(corpus_dir / "facts", documents, entities)
    problems += fact_problems
    return Corpus(documents=tuple(documents), facts=tuple(facts), entities=entities), problems


def check_corpus(corpus_dir: Path) -> list[Problem]:
    """Every problem in the corpus under corpus_dir; an empty list means it is valid."""
    try:
        load_corpus(corpus_dir)
    except CorpusInvalid as exc:
        return exc.problems
    return []


def document_hash(document: Document) -> str:
    """sha256 of a document's content and metadata; unchanged by moving the file or re-wrapping lines."""
    canonical = {
        "id": document.id,
        "title": document.title,
        "source": document.source,
        "date": document.date,
        "tags": list(document.tags),
        "paragraphs": [[p.anchor, p.text] for p in document.paragraphs],
    }
    payload = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
