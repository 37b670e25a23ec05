"""Typed records of the answer chain. One Answer maps onto one eval record without glue."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Turn:
    """One turn of a conversation: who spoke (user|assistant) and what they said."""

    role: str
    text: str


@dataclass(frozen=True)
class Citation:
    n: int
    chunk_id: str
    source_id: str
    title: str
    anchor: str
    quote: str


@dataclass(frozen=True)
class Retrieved:
    chunk_id: str
    source_id: str
    text: str
    score: float
    anchor: str = ""
    kind: str = "passage"


@dataclass(frozen=True)
class Support:
    """How well one answer sentence is supported by the text it cites."""

    sentence: str
    cited: tuple[int, ...]
    similarity: float
    overlap: float
    missing_terms: tuple[str, ...]
    supported: bool


@dataclass(frozen=True)
class Answer:
    question: str
    rewritten_query: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[Retrieved, ...] = ()
    support: tuple[Support, ...] = ()
    generator: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # e.g. "LLM endpoint failed; extractive fallback used"
    premise_rejected: bool = False
    confidence: float = 0.0
    reason: str = ""  # for a refusal or rejected premise: the check that decided, and its value
    checks: tuple[str, ...] = ()  # every check the answer passed through, with its value

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of `ask --json` and `batch` (answer text under "answer")."""
        data = asdict(self)
        data["answer"] = data.pop("text")
        return data
