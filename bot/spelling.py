"""Typing slips in a question ("advatages", "producton", "battary") put right before it is
searched. Neither search copes with them: the keyword index has no such word, and the
embedding model splits it into pieces that mean something else.

Contractions the embedding model reads as a corpus word are written out too: "govt" is
"government" (see `_expanded`); "mfg" is left as typed, the model not reading it as
"manufacturing".

A slip in a question word ("wich", "whar") is put right into the one question word a single
edit away, so the question's shape is read; so is one in a word that refers back ("thier",
"insted"), when no dictionary knows the slip. Any other word is corrected only when nothing
knows it, neither an English dictionary nor the corpus's own vocabulary, and only into a word
of the corpus a single edit away (a letter added, dropped, changed, or two swapped), the most
common one if several are. A slip that
leads to no corpus word cannot change what is found, so it is left as typed: "intro" is in no
dictionary, but "into" is not a word the search uses. Capitalised words, short words and words
with digits are left alone: those are names, acronyms and chat shorthand ("ROK", "ppl").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from bot.text import REFERRING_WORDS

# A contraction ("govt") is a word of CONTRACTED_LENGTH letters that the dictionary
# does not know as a word in use (seen fewer times than this in its frequency list: "govt" 53,
# "tho" 262, "opt" 1,240, "tell" 3.6 million). It is written out as the corpus word that
# starts with its first letter, holds its letters in order, and is closest to it in meaning,
# when at least as close as a paraphrase counts elsewhere (0.62): "govt" is "government"
# (0.91); "pls" is not "players" (0.25), nor "lol" "local" (0.09).
IN_USE = 100
CONTRACTED_LENGTH = (3, 5)  # "mfg" to "govts"; a longer unknown word is a slip, not a contraction
CONTRACTION_MATCH = 0.62
CONTRACTION_CANDIDATES = 12  # the most common fitting words are read, no more
Closeness = Callable[[str, Sequence[str]], Sequence[float]]
MIN_LENGTH = 5  # "ppl" is one edit from "pal": shorter words are too close to too many others
# a whole lower-case word; a dropped "g" marked by an apostrophe ("manufacturin'") still is one
_WORD = re.compile(r"(?<![\w’'-])[a-z]+(?![\w-])(?![’']\w)")


@lru_cache(maxsize=1)
def _dictionary():
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


# The words that say what a question asks ("which", "when") or what it refers back to
# ("them", "instead"): a slip in one ("wich metals", "what do they do insted?") hides the
# question's shape, though the search never reads the word.
QUESTION_WORDS = ("what", "which", "who", "whom", "whose", "when", "where", "why", "how")
# referring words are short and near many words ("bot" -> "both", "thai" -> "that"): only a
# lower-case word of four letters or more that no dictionary knows is taken for a slip in one
# ("thier", "insted")
REFERRING = tuple(sorted(REFERRING_WORDS))
_SHORT_WORD = re.compile(r"(?<![\w’'-])[A-Za-z][a-z]{1,5}(?![\w’'-])")


def correct(
    question: str, in_corpus: Callable[[str], bool], closeness: Closeness | None = None
) -> str:
    """The question with each unknown lower-case word replaced by its one close spelling.
    `in_corpus` says whether the corpus's vocabulary has a word (in any of its forms);
    `closeness` (a word, candidate words -> their similarity), when given, confirms what a
    contraction stands for."""
    question = _SHORT_WORD.sub(lambda m: _question_word(m.group(0)), question)
    return _WORD.sub(lambda m: _corrected(m.group(0), in_corpus, closeness), question)


def _question_word(word: str) -> str:
    """The one question or referring word a rare word is a single edit from ("wich" ->
    "which", "insted" -> "instead"), keeping a capital; any other word as typed ("were",
    "show", "hwo": who or how?)."""
    lowered = word.lower()
    dictionary = _dictionary()
    if (
        lowered in QUESTION_WORDS
        or lowered in REFERRING
        or dictionary.word_frequency.dictionary.get(lowered, 0) >= IN_USE * 10
    ):
        return word
    unknown = (
        word.islower() and len(word) > 3 and lowered not in dictionary.word_frequency.dictionary
    )
    shapes = (*QUESTION_WORDS, *REFERRING) if unknown else QUESTION_WORDS
    near = [q for q in shapes if q in dictionary.edit_distance_1(lowered)]
    if len(near) != 1:
        return word
    return near[0].capitalize() if word[0].isupper() else near[0]


@lru_cache(maxsize=32)
def _starting_with(letter: str) -> tuple[str, ...]:
    """The dictionary's words that start with the letter, most common first."""
    frequency = _dictionary().word_frequency.dictionary
    found = [w for w in frequency if w[:1] == letter and w.isalpha()]
    return tuple(sorted(found, key=lambda w: -frequency[w]))


def _expanded(word: str, in_corpus: Callable[[str], bool], closeness: Closeness) -> str | None:
    """The corpus word a contraction stands for, if the word is one."""
    if not CONTRACTED_LENGTH[0] <= len(word) <= CONTRACTED_LENGTH[1]:
        return None
    if _dictionary().word_frequency.dictionary.get(word, 0) >= IN_USE:
        return None
    fitting = (
        c
        for c in _starting_with(word[0])
        if len(c) >= len(word) + 2 and _in_order(word, c) and in_corpus(c)
    )
    candidates = list(itertools.islice(fitting, CONTRACTION_CANDIDATES))
    if not candidates:
        return None
    scores = closeness(word, candidates)
    best = max(range(len(candidates)), key=lambda i: scores[i])
    return candidates[best] if scores[best] >= CONTRACTION_MATCH else None


def _in_order(letters: str, word: str) -> bool:
    rest = iter(word)
    return all(c in rest for c in letters)


def _corrected(word: str, in_corpus: Callable[[str], bool], closeness: Closeness | None) -> str:
    if in_corpus(word):
        return word
    expanded = _expanded(word, in_corpus, closeness) if closeness else None
    if expanded:
        return expanded
    if len(word) < MIN_LENGTH:
        return word
    dictionary = _dictionary()
    if word in dictionary:
        return word
    candidates = [c for c in dictionary.known(dictionary.edit_distance_1(word)) if in_corpus(c)]
    if not candidates:
        return word
    return max(candidates, key=dictionary.word_usage_frequency)
