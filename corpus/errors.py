"""Errors of the corpus layer; each carries the located problems a person needs to fix it."""

from __future__ import annotations

from corpus.models import Problem


class CorpusError(Exception):
    """A source file could not be loaded; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class CorpusInvalid(CorpusError):
    """The corpus as a whole failed validation; nothing of it was loaded."""
