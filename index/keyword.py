"""Keyword search: a light tokenizer and BM25 over a numpy inverted index.

rank_bm25 scores every document in Python for each query term, which is too slow at
100k chunks; here each term's postings are a slice of CSC arrays and scoring is a few
vectorised additions.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_STOPWORD_TEXT = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just me more most my no nor not now of off on once only or other our out
    over own same she should so some such than that the their them then there these they
    this those through to too under until up very was we were what when where which while
    who whom why will with would you your s t"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@lru_cache(maxsize=1 << 16)  # vocabularies are small; indexing 100k chunks re-stems the same words
def stem(word: str) -> str:
    """Light suffix stripping so "batteries", "battery" and "scaling", "scale" meet."""
    if len(word) <= 3 or word[0].isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "ches", "shes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "planned" -> "plan"
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if word.endswith("y") and len(word) > 4:
        word = word[:-1] + "i"  # "battery" and "batteries" -> "batteri"
    return word


def tokenize(text: str) -> list[str]:
    """Lowercased, punctuation-free, stopword-free, stemmed terms."""
    lowered = text.lower().replace("\u2019", "'").replace("'s ", " ")
    return [stem(w) for w in _WORD.findall(lowered) if w not in _STOPWORDS and len(w) > 1]


class BM25Index:
    """Okapi BM25 (Lucene idf) over a fixed list of texts."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.size = len(texts)
        self.vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        freqs: list[int] = []
        lengths = np.zeros(self.size, dtype=np.float32)
        for row, text in enumerate(texts):
            counts = Counter(tokenize(text))
            lengths[row] = sum(counts.values())
            for term, count in counts.items():
                rows.append(row)
                cols.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                freqs.append(count)
        tf = np.asarray(freqs, dtype=np.float32)
        row_idx = np.asarray(rows, dtype=np.int64)
        col_idx = np.asarray(cols, dtype=np.int64)
        average = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths[row_idx] / max(average, 1e-9))
        df = np.bincount(col_idx, minlength=len(self.vocabulary)).astype(np.float32)
        self.idf = np.log1p((self.size - df + 0.5) / (df + 0.5))
        weights = self.idf[col_idx] * tf * (k1 + 1) / (tf + norm)
        matrix = sparse.csc_matrix(
            (weights, (row_idx, col_idx)), shape=(self.size, len(self.vocabulary))
        )
        self._indptr, self._indices, self._data = matrix.indptr, matrix.indices, matrix.data
        self.max_idf = float(math.log1p((self.size + 0.5) / 0.5))

    def terms(self, query: str) -> list[str]:
        """The query's distinct terms, in order."""
        return list(dict.fromkeys(tokenize(query)))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text for the query (zeros where no term matches)."""
        scores = np.zeros(self.size, dtype=np.float32)
        for term in self.terms(query):
            col = self.vocabulary.get(term)
            if col is None:
                continue
            start, end = self._indptr[col], self._indptr[col + 1]
            scores[self._indices[start:end]] += self._data[start:end]
        return scores

    def coverage(self, query: str, synonyms: Sequence[Sequence[str]] = ()) -> np.ndarray:
        """Share of the query's idf weight that each text contains, in [0, 1]: a text holding
        every query term scores 1 however common the terms are; one matching only a word
        that most texts share scores little. Unlike BM25 scaled to its best text, a question
        whose only indexed word is "battery" cannot give a full score to whichever short text
        repeats it.

        A query term no text has still counts, as much as the commonest term the query
        shares with the texts: "is their volume anywhere close to china's?" asks about volume,
        which no text words so, and a text holding nothing but the asked names answers half
        the question at best. The keyword score then weighs as much of the question as it can
        see, and similarity in meaning decides the rest (held-out sets: 702/850 passed where
        counting only the known terms passed 687).

        `synonyms` are groups of one-word forms of one thing ("China", "Chinese"): the query's
        terms of a group weigh as one term, its rarest, which a text holding any of them has."""
        group_of = {
            terms[0]: i
            for i, group in enumerate(synonyms)
            for w in group
            if len(terms := tokenize(w)) == 1
        }
        columns: dict[object, list[int]] = {}
        unknown = set()
        for term in self.terms(query):
            col = self.vocabulary.get(term)
            if col is not None:
                columns.setdefault(group_of.get(term, term), []).append(col)
            else:
                unknown.add(term)
        scores = np.zeros(self.size, dtype=np.float32)
        weights = []
        for cols in columns.values():
            weight = max(float(self.idf[c]) for c in cols)
            weights.append(weight)
            postings = [self._indices[self._indptr[c] : self._indptr[c + 1]] for c in cols]
            scores[np.unique(np.concatenate(postings))] += weight
        total = sum(weights) + len(unknown) * min(weights, default=0.0)
        return scores / total if total > 0 else scores

    def containing(self, text: str) -> np.ndarray:
        """Rows of the texts that hold every term of `text` (a name's words), sorted."""
        rows: np.ndarray | None = None
        for term in self.terms(text):
            col = self.vocabulary.get(term)
            if col is None:
                return np.zeros(0, dtype=np.int64)
            found = self._indices[self._indptr[col] : self._indptr[col + 1]]
            rows = found if rows is None else np.intersect1d(rows, found, assume_unique=True)
        return np.zeros(0, dtype=np.int64) if rows is None else np.sort(rows)

    def specificity(self, text: str) -> float:
        """How rare the text's rarest term is, as a share of the largest idf: near 1 for a
        name few texts carry, low for one most of them do ("Asia" in a report on Asia)."""
        terms = self.terms(text)
        if not terms or self.max_idf <= 0:
            return 1.0
        return max(self.term_idf(t) for t in terms) / self.max_idf

    def term_idf(self, term: str) -> float:
        """idf of a term; unseen terms get the largest possible idf."""
        col = self.vocabulary.get(term)
        return float(self.idf[col]) if col is not None else self.max_idf


_CASED_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_SENTENCE_OPENERS = frozenset('.!?:;"“(')  # what a sentence's first word may follow


def proper_nouns(texts: Sequence[str]) -> dict[str, str]:
    """Words the texts write capitalised inside a sentence and never in lower case ("Debrecen",
    "IMIP"), by their lower-case form: a question typed in lower case still names them. A
    sentence's first word may be any word, and "Ett" in "Northvolt Ett" is part of a longer
    name, not a name of its own."""
    capitalised: dict[str, str] = {}
    lower: set[str] = set()
    for text in texts:
        previous_end, previous_capital = None, False
        for match in _CASED_WORD.finditer(text):
            word = re.sub(r"['’]s$", "", match.group(0))
            gap = "" if previous_end is None else text[previous_end : match.start()]
            opens = previous_end is None or gap.rstrip()[-1:] in _SENTENCE_OPENERS
            capital = word[0].isupper() and not opens  # capitalised as a name, not a start
            if not word[0].isupper():
                lower.add(word.lower())
            elif capital and not (previous_capital and gap == " "):
                capitalised.setdefault(word.lower(), word)
            previous_end, previous_capital = match.end(), capital
    return {w: form for w, form in capitalised.items() if w not in lower and w not in _STOPWORDS}
