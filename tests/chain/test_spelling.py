"""Typing slips are put right into corpus words; names, shorthand and real words are not."""

from __future__ import annotations

import pytest

from bot.spelling import correct

CORPUS = {"production", "advantages", "battery", "manufacturing", "tariffs", "challenge", "catl"}


def in_corpus(word: str) -> bool:
    return word in CORPUS


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("how does japan's producton scale compare?", "how does japan's production scale compare?"),
        ("wat are the biggest advatages of asia", "what are the biggest advantages of asia"),
        ("leading firms in battary manufacturin?", "leading firms in battery manufacturing?"),
        ("what tarifs apply?", "what tariffs apply?"),
        ("advantages in battery manufacturin'?", "advantages in battery manufacturing'?"),
    ],
)
def test_a_slip_one_edit_from_a_corpus_word_is_put_right(typed, meant):
    assert correct(typed, in_corpus) == meant


@pytest.mark.parametrize(
    "question",
    [
        "In the intro, what is said?",  # "into" is one edit away, but no corpus word
        "what does Northvolt make?",  # a capitalised name is never changed
        "how many ppl work there?",  # shorthand too short to tell from other words
        "what about catl?",  # the corpus knows it
        "is the challenger catching up?",  # an English word, though one edit from a corpus word
    ],
)
def test_names_shorthand_and_known_words_are_left_as_typed(question):
    assert correct(question, in_corpus) == question


CONTRACTED = CORPUS | {"government", "governments", "players", "local"}
# what an embedding model says of a contraction and a word it might stand for
MEANING = {("govt", "government"): 0.91, ("pls", "players"): 0.25, ("lol", "local"): 0.09}


def closeness(word: str, candidates) -> list[float]:
    return [MEANING.get((word, c), 0.0) for c in candidates]


def test_a_contraction_is_written_out_as_the_corpus_word_it_means():
    def knows(word: str) -> bool:
        return word in CONTRACTED

    assert correct("govt support vs japan?", knows, closeness) == "government support vs japan?"
    # letters that fit a corpus word, but not its meaning, are left as typed
    assert correct("quick table pls", knows, closeness) == "quick table pls"
    assert correct("lol ok", knows, closeness) == "lol ok"
    # a word in common use is no contraction; without a measure of meaning nothing is written out
    assert correct("tell me", knows, closeness) == "tell me"
    assert correct("govt support", knows) == "govt support"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("wich metals come up?", "which metals come up?"),
        ("Wich metals?", "Which metals?"),
        ("whar are the leading firms?", "what are the leading firms?"),
        ("wen did it start", "when did it start"),
        ("hwo does it work", "hwo does it work"),  # who or how: left as typed
        ("were are they", "were are they"),  # a common word, though one edit from "where"
    ],
)
def test_a_slip_in_a_question_word_is_put_right(typed, meant):
    assert correct(typed, in_corpus) == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("what do korea and japan do insted?", "what do korea and japan do instead?"),
        ("is thier plan working", "is their plan working"),
        ("hey bot, which firms?", "hey bot, which firms?"),  # "bot" is short: not "both"
        ("a good thai place?", "a good thai place?"),  # a word the dictionary knows
        ("spun off from LG Chem", "spun off from LG Chem"),  # a capitalised name
    ],
)
def test_a_slip_in_a_referring_word_is_put_right(typed, meant):
    assert correct(typed, in_corpus) == meant
