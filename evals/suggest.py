"""'Did you mean …': the corpus sentence closest to evidence that is not verbatim in the corpus."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from evals.matching import fold

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”')\]]?\s+(?=[\"“(\[]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9]+")
# Below this character-level similarity (difflib ratio) the closest sentence is a different
# statement, not an edit of the evidence, and suggesting it would mislead. Calibrated on the 29
# evidence sentences of evals/datasets/grounding.jsonl, each edited four ways (one word replaced,
# last third cut, figures changed, first word dropped): ratio to the intended sentence 0.72-0.99;
# to the best other corpus sentence at most 0.59 (mean 0.42). tests/evals/test_suggest.py
# re-runs that check.
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
