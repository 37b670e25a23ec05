"""'Did you mean …': the corpus sentence closest to evidence that is not verbatim in the corpus."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from evals.matching import fold

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”')\]]?\s+(?=[\"“(\[]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9]+")
# Below this character-level similarity the closest sentence is a different statement, not a
# typo or an edit of the evidence; such a suggestion would mislead more than help. Checked on the
# shipped set's evidence with one figure, one word or the tail changed (ratios 0.80-0.99) against
# unrelated sentences of the same document (0.25-0.45).
MIN_RATIO = 0.6
SHORTLIST = 25  # sentences compared character by character, picked by shared words first


def corpus_sentences(corpus_text: str) -> list[str]:
    """The corpus split into sentences (paragraph breaks always end one)."""
    sentences = []
    for paragraph in re.split(r"\n\s*\n", corpus_text):
        text = fold(paragraph)
        sentences += [s.strip() for s in _SENTENCE_BREAK.split(text) if s.strip()]
    return sentences


def closest_sentence(text: str, sentences: Sequence[str]) -> str | None:
    """The sentence most like `text` (or holding it), or None when nothing is close enough."""
    folded = fold(text)
    holding = [s for s in sentences if folded and folded in s]
    if holding:
        return min(holding, key=len)
    words = set(_WORD.findall(folded.lower()))
    if not words:
        return None
    shortlist = sorted(
        sentences, key=lambda s: len(words & set(_WORD.findall(s.lower()))), reverse=True
    )[:SHORTLIST]
    scored = [(SequenceMatcher(None, folded.lower(), s.lower()).ratio(), s) for s in shortlist]
    ratio, best = max(scored, default=(0.0, ""))
    return best if ratio >= MIN_RATIO else None
