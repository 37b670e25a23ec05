"""Forgiving text matching for answer keys and evidence: case, whitespace and quote style ignored."""

from __future__ import annotations

import re
import unicodedata

_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_WORD = re.compile(r"[a-z0-9]+%?")
# A must_not string with characters like @ < > [ ] . / is about those characters: match it literally.
_LITERAL = re.compile(r"[^\w\s%'’-]")


def fold(text: str) -> str:
    """Unify Unicode forms, quotes and dashes, collapse whitespace, join '70 %' into '70%'."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    text = re.sub(r"(\d)\s+%", r"\1%", text)
    return re.sub(r"\s+", " ", text).strip()


def word_string(text: str) -> str:
    """Lower-cased words (and percentages) of the text, space-separated and space-padded."""
    return " " + " ".join(_WORD.findall(fold(text).lower())) + " "


def has_phrase(text: str, phrase: str) -> bool:
    """True when the phrase's words occur consecutively, as whole words, in the text."""
    needle = word_string(phrase)
    return needle.strip() != "" and needle in word_string(text)


def mentions(text: str, phrase: str) -> bool:
    """has_phrase, except that phrases with symbols (<!channel>, [9], a URL) match literally."""
    if _LITERAL.search(phrase):
        return fold(phrase).lower() in fold(text).lower()
    return has_phrase(text, phrase)


def contains_passage(haystack: str, passage: str) -> bool:
    """True when the passage occurs in the haystack, up to whitespace and quote style."""
    return fold(passage) in fold(haystack)
