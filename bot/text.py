"""Pure text helpers shared by the chain, the grounding guard and the evals."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from index.chunking import split_sentences

__all__ = [
    "split_sentences",
    "normalize",
    "tokens",
    "stem",
    "content_terms",
    "numbers_in",
    "names_in",
    "CITATION_RE",
    "strip_citations",
    "cited_numbers",
]

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "else",
        "ever",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "same",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "tell",
        "give",
        "show",
        "list",
        "name",
        "please",
        "explain",
        "describe",
        "say",
        "says",
        "said",
        "according",
        "corpus",
        "document",
        "source",
        "sources",
        "text",
    ]
)

# Words that say what kind of answer is wanted rather than what it is about.
QUESTION_WORDS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "many",
        "much",
        "main",
        "key",
        "major",
        "kind",
        "kinds",
        "type",
        "types",
        "role",
        "roles",
        "way",
        "ways",
        "thing",
        "things",
        "one",
        "ones",
        "part",
        "parts",
        "doing",
        "done",
        "does",
        "did",
        "know",
        "mean",
        "means",
        "exactly",
        "really",
        "currently",
        "today",
        "now",
        "still",
        "yet",
        "example",
        "examples",
        "particular",
        "specific",
        "compare",
        "compared",
        "comparison",
        "comparing",
        "differ",
        "differs",
        "difference",
        "differences",
        "contrast",
        "versus",
        "vs",
        "similar",
        "similarities",
    ]
)

_ACRONYMS = {"US": "usa", "U.S": "usa", "USA": "usa", "IT": "it-sector"}
_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[’'\-][A-Za-z0-9]+)*")
# "#1" is a rank ("the undisputed #1"), not a figure a text must hold
_NUMBER_RE = re.compile(r"(?<![\w.#])\d+(?:[.,]\d+)*(?:\s?%| percent)?")
CITATION_RE = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")


def normalize(text: str) -> str:
    """Fold quotes, dashes and whitespace so that comparisons ignore typography."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip()


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; possessive 's is dropped."""
    words = _WORD_RE.findall(normalize(text))
    # "US" the country is not "us" the pronoun
    return [_ACRONYMS.get(w) or re.sub(r"'s$", "", w.lower()) for w in words]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, predictable suffix stripper: batteries→battery, leading→lead."""
    w = word.lower()
    if len(w) <= 3 or any(c.isdigit() for c in w):
        return w
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ly", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                return w
            if suffix == "es" and not w.endswith(("ches", "shes", "xes", "sses", "zes")):
                return _drop_e(w[:-1])
            root = w[: len(w) - len(suffix)] + repl
            if suffix in ("ing", "ed") and _SHORT_ROOT.fullmatch(root):
                root += "e"  # "mining" and "mines" meet at "mine", "named" and "name" at "name"
            return _drop_e(root)
    return _drop_e(w)


# a one-syllable root that lost its "e" to a suffix: consonant, vowel, consonant
_SHORT_ROOT = re.compile(r"[^aeiou][aeiou][^aeiouwxy]")


def _drop_e(w: str) -> str:
    # "compare", "compares" and "compared" should meet at "compar"
    return w[:-1] if len(w) > 4 and w.endswith("e") else w


_CONTRACTION = re.compile(r"['’](?:s|m|d|ve|ll|re)$")


def without_contraction(word: str) -> str:
    """The word without a contracted verb: "it'll" -> "it", "that's" -> "that"."""
    return _CONTRACTION.sub("", word)


def content_terms(text: str) -> list[str]:
    """Stemmed content words: no stopwords, no question words, no single letters."""
    out = []
    for tok in tokens(text):
        if tok in STOPWORDS or tok in QUESTION_WORDS or len(tok) < 2:
            continue
        out.append(stem(tok))
    return out


def numbers_in(text: str) -> list[str]:
    """Numbers, percentages and years, normalised ("70 percent" → "70%")."""
    found = []
    for match in _NUMBER_RE.findall(normalize(text)):
        value = match.replace(" percent", "%").replace(" ", "")
        found.append(value)
    return found


def names_in(text: str) -> list[str]:
    """Capitalised words (a sentence's first word only when not a common word): its names."""
    names = []
    for sentence in split_sentences(normalize(text)) or [normalize(text)]:
        words = _WORD_RE.findall(sentence)
        for i, word in enumerate(words):
            if not word[0].isupper():
                continue
            common = word.lower() in STOPWORDS or word.lower() in QUESTION_WORDS
            # "US" opening a sentence is still the country, not the pronoun
            if i == 0 and common and word not in _ACRONYMS:
                continue
            names.append(re.sub(r"'s$", "", word))
    return names


def strip_citations(text: str) -> str:
    """Remove [n] markers."""
    return CITATION_RE.sub("", text).strip()


def cited_numbers(text: str) -> list[int]:
    """The citation numbers a sentence carries, in order of appearance."""
    nums: list[int] = []
    for group in CITATION_RE.findall(text):
        for part in group.split(","):
            n = int(part.strip())
            if n not in nums:
                nums.append(n)
    return nums


def contains_term(haystack_terms: set[str], term: str) -> bool:
    """True if a stemmed term (or a hyphen part of it) is among the haystack's terms."""
    if term in haystack_terms:
        return True
    parts = [p for p in term.split("-") if len(p) > 2]
    return bool(parts) and all(stem(p) in haystack_terms for p in parts)


# Words that stand for something said before ("them", "that") or set what is asked against
# it ("instead"): a question holding one refers back.
REFERRING_WORDS = frozenset(
    [
        "they",
        "them",
        "their",
        "theirs",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "his",
        "her",
        "there",
        "such",
        "both",
        "former",
        "latter",
        "same",
        "other",
        # adverbs that set what is asked against what was said ("what does japan do instead?")
        "instead",
        "too",
        "either",
        "likewise",
        "similarly",
    ]
)


# The numbers and letters that mark a question's items ("1) what has the US done 2) what
# snags...", "(a) which law... (b) what..."): a number or letter and a closing parenthesis, or a
# number and a full stop opening the text or a line. They ask for no figure.
ENUMERATOR = re.compile(
    r"(?:^|(?<=\s))\(?(?:\d{1,2}|[a-h])\)(?=\s)|(?:^|(?<=\n))\s*\d{1,2}\.(?=\s)", re.IGNORECASE
)
