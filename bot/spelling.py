"""Typing slips in a question ("advatages", "producton", "battary") put right before it is
searched. Neither search copes with them: the keyword index has no such word, and the
embedding model splits it into pieces that mean something else.

A word is corrected only when nothing knows it, neither an English dictionary nor the
corpus's own vocabulary, and only into a word of the corpus a single edit away (a letter
added, dropped, changed, or two swapped), the most common one if several are. A slip that
leads to no corpus word cannot change what is found, so it is left as typed: "intro" is in no
dictionary, but "into" is not a word the search uses. Capitalised words, short words and words
with digits are left alone: those are names, acronyms and chat shorthand ("ROK", "ppl").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

MIN_LENGTH = 5  # "ppl" is one edit from "pal": shorter words are too close to too many others
# a whole lower-case word; a dropped "g" marked by an apostrophe ("manufacturin'") still is one
_WORD = re.compile(r"(?<![\w’'-])[a-z]+(?![\w-])(?![’']\w)")


@lru_cache(maxsize=1)
def _dictionary():
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


def correct(question: str, in_corpus: Callable[[str], bool]) -> str:
    """The question with each unknown lower-case word replaced by its one close spelling.
    `in_corpus` says whether the corpus's vocabulary has a word (in any of its forms)."""
    return _WORD.sub(lambda m: _corrected(m.group(0), in_corpus), question)


def _corrected(word: str, in_corpus: Callable[[str], bool]) -> str:
    if len(word) < MIN_LENGTH or in_corpus(word):
        return word
    dictionary = _dictionary()
    if word in dictionary:
        return word
    candidates = [c for c in dictionary.known(dictionary.edit_distance_1(word)) if in_corpus(c)]
    if not candidates:
        return word
    return max(candidates, key=dictionary.word_usage_frequency)
