"""The named things a question asks about: gazetteer entities where the gazetteer knows them,
and otherwise the capitalised words of the question itself, so a document the gazetteer has
never heard of ("What is Tsingshan?") is asked about in the same way as one it knows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.text import QUESTION_WORDS, STOPWORDS, normalize, without_contraction
from corpus.entities import Entity, find_entities

PLACE_KINDS = {"country": "place", "region": "place"}  # either can stand beside the other


def kind_groups(types: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each gazetteer kind by its name, and each group of kinds by the group's ("place" is
    every country and region): the classes a list question's noun may name."""
    groups: dict[str, tuple[str, ...]] = {t: (t,) for t in types}
    for t in types:
        label = PLACE_KINDS.get(t)
        if label:
            groups[label] = (*groups.get(label, ()), t)
    return groups


def plural(noun: str) -> str:
    """The regular English plural of a kind's name ("policy" -> "policies")."""
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


# A run of capitalised words; a word ending a sentence ("...and Japanese. Names only", "the
# US. How...") ends the run, while an initialism's period ("U.S. Steel") does not.
_CAPITALISED = re.compile(
    r"\b[A-Z][\w’'&.-]*(?:(?<![A-Za-z][A-Za-z][.!?])\s+(?:of\s+)?[A-Z][\w’'&.-]*)*"
)


@dataclass(frozen=True)
class Name:
    """A named thing of a question and every form under which a text may mention it."""

    name: str
    kind: str  # "place", "company", ... from the gazetteer; "name" when it does not know it
    forms: tuple[str, ...]

    @property
    def name_only(self) -> Name:
        """The same thing under its usual name alone."""
        return Name(self.name, self.kind, (self.name,))


def _forms_of(entity: Entity, entities: Sequence[Entity]) -> tuple[str, ...]:
    """Every form a text may mention the entity by: its own, and those of the places it takes
    in ("the West" is spoken of where the United States or Europe is)."""
    inside = [e for e in entities if e.name in entity.includes] if entity.includes else []
    return (*entity.forms, *(f for e in inside for f in e.forms))


def asked_names(question: str, entities: Sequence[Entity]) -> tuple[Name, ...]:
    """Gazetteer entities named in the question, then its other capitalised words."""
    found = find_entities(question, entities)
    names = [Name(e.name, PLACE_KINDS.get(e.type, e.type), _forms_of(e, entities)) for e in found]
    covered = " ".join(f for n in names for f in n.forms).lower()
    covered_words = set(covered.split())
    text = normalize(question)
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > len(letters) / 2:
        return tuple(names)  # a shouted question: its capitals mark no names
    # only the first piece of a run can open a sentence
    # "Harita's HPAL" is two names, and so is "the ACC JV": acronyms side by side name
    # different things
    spans = [
        (i == 0 and _sentence_initial(text, match.start()), piece)
        for match in _CAPITALISED.finditer(text)
        for i, piece in enumerate(_pieces(match.group(0)))
    ]
    for opens_sentence, raw in spans:
        span = re.sub(r"(?:'s|’s)$", "", raw.strip(".-’'"))
        words = span.split()
        if words and opens_sentence and not _acronym(words[0]):
            words = words[1:]  # capitalised because it opens a sentence, not because a name
        while words and _common(words[0]):
            words = words[1:]
        span = " ".join(words)
        # "Japans firms" is the name found already, with an unmarked possessive
        unmarked = span[-1:] == "s" and span[:-1].lower() in covered_words
        if not span or _common(span) or span.lower() in covered or len(span) < 2 or unmarked:
            continue
        if any(
            span.lower() == f.lower()
            for e in find_entities(span, entities)
            for f in (e.name, *e.aliases)
        ):
            continue  # a form of a gazetteer entity already listed
        if "-" in span and span.split("-")[0].lower() in covered_words:
            continue  # "EU-level", "China-based": the listed name, qualified
        names.append(Name(span, "name", _forms(span)))
    return tuple(names)


def _pieces(run: str) -> list[str]:
    """A run of capitalised words cut where one name ends: at a possessive, and between two
    acronyms."""
    pieces = []
    for part in re.split(r"(?:'s|’s)\s+", run):
        words = part.split()
        start = 0
        for i in range(1, len(words)):
            if _acronym(words[i - 1]) and _acronym(words[i]):
                pieces.append(" ".join(words[start:i]))
                start = i
        pieces.append(" ".join(words[start:]))
    return pieces


def _forms(span: str) -> tuple[str, ...]:
    """A name as written, and an acronym's singular: "EVs" is mentioned by "EV subsidies";
    so is a word's, for a possessive typed without its apostrophe ("Tsingshans plant")."""
    if re.fullmatch(r"[A-Z]{2,}s|[A-Z][a-z]+[^s\W]s", span):
        return (span, span[:-1])
    return (span,)


def mentioned(name: Name, text: str) -> bool:
    """True when the text mentions the name under any of its forms (whole words, any case)."""
    folded = normalize(text).replace("’", "'")
    for form in name.forms:
        matches = _form_pattern(form).finditer(folded)
        if any(not _qualified(folded, m.start(), m.end()) for m in matches):
            return True
    return False


def without_names(text: str, names: Sequence[Name]) -> str:
    """The text with every form of the names blanked out: "the Made in China 2025 plan"
    carries no year of its own once the plan's name is set aside."""
    folded = normalize(text).replace("’", "'")
    for name in names:
        for form in name.forms:
            folded = _form_pattern(form).sub(" ", folded)
    return folded


@lru_cache(maxsize=8192)
def _form_pattern(form: str) -> re.Pattern[str]:
    """A form as whole words, spaces and hyphens alike, any case (compiled once: a question
    checks hundreds of forms against dozens of sentences)."""
    words = [re.escape(w) for w in re.split(r"[\s-]+", normalize(form).replace("’", "'"))]
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(words) + r"(?!\w)", re.IGNORECASE)


def spelled_out(name: Name, text: str) -> bool:
    """True when the name is an acronym whose letters open consecutive words of the text, one
    letter a word: "JVs" is "joint ventures", "EBA" the "European Battery Alliance", "LiB" a
    "lithium-ion battery" (the parts of a hyphenated word count as words), and an ampersand
    is the word "and": "R&D" is "research and development"."""
    return spelling_of(name, text) is not None


def spelling_of(name: Name, text: str) -> str | None:
    """The words of the text that spell the acronym out (see spelled_out), else None."""
    letters = _acronym_letters(name.name)
    if letters is None:
        return None
    words = [w for w in re.split(r"[^\w’'&]+|(?<=\w)-(?=\w)", normalize(text)) if w]
    target = [("and" if c == "&" else c.lower()) for c in letters]
    for i in range(len(words) - len(target) + 1):
        run = words[i : i + len(target)]
        if all(
            w.lower() == t if t == "and" else w[0].lower() == t and not _common(w)
            for w, t in zip(run, target, strict=True)
        ):
            return " ".join(run)
    return None


def initials_pattern(name: Name) -> re.Pattern[str] | None:
    """A quick test for words opening with an acronym's letters in turn, for scanning many
    texts (spelling_of decides); None when the name is no acronym."""
    letters = _acronym_letters(name.name)
    if letters is None:
        return None
    words = ["and" if c == "&" else re.escape(c) + r"[\w’']*" for c in letters]
    return re.compile(r"(?<!\w)" + r"[^\w’'&]+".join(words) + r"(?!\w)", re.IGNORECASE)


def _acronym_letters(name: str) -> str | None:
    """An acronym's letters, less a plural "s" ("JVs" -> "JV"); None when the name is none."""
    letters = re.sub(r"(?<=[A-Z])s$", "", name)
    if not re.fullmatch(r"[A-Za-z]+(?:&[A-Za-z]+)*", letters) or not _acronym(letters):
        return None
    return letters


def _qualified(text: str, start: int, end: int) -> bool:
    """True when the match ends a longer proper name that another name qualifies: "America"
    in "South America" or "North America" is another place than America. The word before must
    be capitalised as part of the name: not a function word, not a possessive ("Huayou's
    Huayue"), not opening the sentence ("In Japan"). A name followed by more capitalised
    words ("Indonesia Weda Bay Industrial Park") still mentions its own part."""
    before = re.search(r"(?<![\w'’.-])([A-Z][\w-]*)\s+$", text[:start])
    if before is None or _common(before.group(1)):
        return False
    if re.match(r"\s+[A-Z]", text[end:]):
        return False
    return not _sentence_initial(text, before.start(1))


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".?!:;\"'(-–—"


def _acronym(word: str) -> bool:
    return sum(c.isupper() for c in word) >= 2


def _common(word: str) -> bool:
    # "I've", "It's", "That'll": a function word with its contraction is still one
    lowered = without_contraction(word.lower())
    return lowered in STOPWORDS or lowered in QUESTION_WORDS or lowered in {"i", "ok", "okay"}
