"""What a sentence lists, read three ways for three kinds of count question.

- `lists_counted`: "how many giants does the doc name?" is answered by "giants like A, B,
  and C": the class word, then what introduces its members, then the members.
- `names_members`: "how many regions has China invested in?" is answered by a sentence naming
  two or more things of the counted kind, unless it gives them as examples ("like A and B").
- `listing_sizes`: "think there were 3" is a count a sentence gives by listing three items,
  whatever they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.names import Name, mentioned
from bot.text import content_terms, normalize, stem

# What introduces the members of a class: "giants like A, B, and C", "hurdles, including A, B,
# and C", "companies such as A and B".
_INTRODUCES = re.compile(r",?\s+(?:like|such as|including|namely)\s+|\s*:\s+", re.IGNORECASE)
_LAST_ITEM = re.compile(r"\s(?:and|or)\s")


def lists_counted(text: str, measured: str, any_class: bool = False) -> bool:
    """The sentence lists members of the counted class (the last word of what is measured,
    "korean battery giants" -> giants): the class word, then "like/such as/including", then
    items up to an "and" or "or" within one clause. With `any_class`, any word's members
    count: "how many japanese players does the doc name?" is answered by "companies like A and
    B" in a sentence on Japanese players (the caller checks what the sentence is about)."""
    terms = content_terms(measured)
    if not terms:
        return False
    for word in re.finditer(r"[A-Za-z][\w’'-]*", text):
        if not any_class and stem(word.group(0).lower()) != terms[-1]:
            continue
        opener = _INTRODUCES.match(text, word.end())
        if opener and _LAST_ITEM.search(re.split(r"[.;]", text[opener.end() :])[0]):
            return True
    return False


def names_members(text: str, members: Sequence[Name], examples_count: bool = False) -> bool:
    """The text names two or more of the members; given as examples ("such as", "like",
    "including" before the first), they count only when `examples_count`."""
    found = [m for m in members if mentioned(m, text)]
    if len(found) < 2:
        return False
    first = min(_first_mention(m, text) for m in found)
    return examples_count or not _INTRODUCES.search(text[:first])


def _first_mention(name: Name, text: str) -> int:
    folded = normalize(text)
    spots = [folded.lower().find(normalize(f).lower()) for f in name.forms]
    return min((s for s in spots if s >= 0), default=len(text))


# "A and B" between two capitalised names: a listing of two
_PAIR = re.compile(r"\b[A-Z][\w’'-]*\s+and\s+[A-Z]")
_JOINED = re.compile(r"(?:^|\s)(?:and|or)\s+", re.IGNORECASE)
MAX_ITEM_WORDS = 6  # an item of a series is a short phrase; a longer one is a clause


def listing_sizes(text: str) -> set[str]:
    """How many items the text's series hold ("A, B, and C"; "A, B and C"): "think there were
    3" of three firms named is a count the text gives by listing them, not a figure it lacks.
    A clause before a series reads like one more item ("These efforts face hurdles, including
    A, B, and C"), so every tail of three items or more counts. Read comma by comma, clause by
    clause, so a long text costs no more than its length."""
    sizes = set()
    for clause in re.split(r"[.;:!?](?:\s|$)", text):
        run = 0  # items so far in the current series; its first may be a longer phrase
        for segment in re.split(r",\s+", clause):
            joined = list(_JOINED.finditer(segment))
            if run and joined and joined[0].start() == 0:  # "A, B, and C"
                items = run + 1
            elif run and joined and len(segment[: joined[0].start()].split()) <= MAX_ITEM_WORDS:
                items = run + 2  # "A, B and C"
            else:
                items = 0
            sizes |= {str(n) for n in range(3, items + 1)}
            short = len(segment.split()) <= MAX_ITEM_WORDS and not joined
            run = 0 if items else (run + 1 if short else 1)
    return sizes | ({"2"} if _PAIR.search(text) else set())
