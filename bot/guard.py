"""The grounding guard: every answer sentence must be supported by the text it cites.

Support is judged without a model of entailment (none is available offline), so it is strict:
every number, percentage, year, proper name and quoted span of a sentence must appear in its
cited text, and its content words must overlap that text (or be very close to one of its
sentences in embedding space). Sentences that fail are dropped, not repaired.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.records import Support
from bot.text import (
    CITATION_RE,
    cited_numbers,
    contains_term,
    content_terms,
    names_in,
    normalize,
    numbers_in,
    split_sentences,
    strip_citations,
    tokens,
)

# similarity(sentence, candidate_sentences) -> best cosine similarity in [-1, 1]
Similarity = Callable[[str, Sequence[str]], float]

MIN_OVERLAP = 1.0  # share of a sentence's content words found in its cited text
MIN_SIMILAR_OVERLAP = 0.8  # a lower overlap passes only with a close embedding match...
MIN_SIMILARITY = 0.85  # ...to one of the cited sentences
# A written sentence stands for the sentences it cites when it keeps at least this share of
# their content words; a shorter one has cut something the question may need.
KEPT_SHARE = 0.8

_MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|none|cannot)\b|n't\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“]([^\"”]{3,})[\"”]")


@dataclass(frozen=True)
class GuardedAnswer:
    """What survives the guard: the kept text, the support of every sentence, the numbers cited."""

    text: str
    support: tuple[Support, ...]
    cited: tuple[int, ...]

    @property
    def empty(self) -> bool:
        return not self.text


def missing_terms(sentence: str, cited_text: str) -> tuple[str, ...]:
    """Numbers, names and quoted spans of the sentence that its cited text does not contain."""
    plain = normalize(strip_citations(sentence))
    cited_norm = normalize(cited_text)
    cited_numbers_ = set(numbers_in(cited_norm))
    cited_tokens = set(tokens(cited_norm))
    missing: list[str] = []
    for number in numbers_in(plain):
        if number not in cited_numbers_ and number.rstrip("%") not in cited_numbers_:
            missing.append(number)
    for name in names_in(plain):
        if not all(part in cited_tokens for part in tokens(name)):
            missing.append(name)
    if _NEGATION.search(plain) and not _NEGATION.search(cited_norm):
        missing.append("(negation)")
    for quoted in _QUOTED.findall(plain):
        if normalize(quoted).lower() not in cited_norm.lower():
            missing.append(f'"{quoted}"')
    return tuple(dict.fromkeys(missing))


def term_overlap(sentence: str, cited_text: str) -> float:
    """Share of the sentence's content words that occur in the cited text."""
    terms = content_terms(strip_citations(sentence))
    if not terms:
        return 0.0
    cited = set(content_terms(cited_text))
    return sum(contains_term(cited, t) for t in terms) / len(terms)


def sentence_support(
    sentence: str,
    cited_texts: Sequence[str],
    similarity: Similarity | None = None,
    cited: tuple[int, ...] = (),
) -> Support:
    """Score how well one sentence is supported by the texts it cites."""
    joined = "\n".join(cited_texts)
    if not joined.strip():
        return Support(strip_citations(sentence), cited, 0.0, 0.0, (), False)
    missing = missing_terms(sentence, joined)
    overlap = term_overlap(sentence, joined)
    plain = strip_citations(sentence)
    sim = overlap
    if similarity is not None and plain:
        candidates = [s for text in cited_texts for s in split_sentences(text)] or list(cited_texts)
        sim = similarity(plain, candidates)
    verbatim = normalize(plain).lower() in normalize(joined).lower()
    supported = not missing and (
        verbatim
        or overlap >= MIN_OVERLAP
        or (overlap >= MIN_SIMILAR_OVERLAP and sim >= MIN_SIMILARITY)
    )
    return Support(plain, cited, round(sim, 4), round(overlap, 4), missing, supported)


def answer_sentences(text: str) -> list[str]:
    """Split an answer into sentences, keeping each [n] marker with the sentence it follows."""
    moved = _MARKERS_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", text.strip())
    sentences: list[str] = []
    for line in moved.splitlines():
        line = line.strip().lstrip("-*•").strip()
        if line:
            sentences.extend(split_sentences(line))
    return sentences


def guard(
    text: str, contexts: Mapping[int, str], similarity: Similarity | None = None
) -> GuardedAnswer:
    """Keep only the sentences supported by the contexts they cite; drop dangling markers."""
    kept: list[str] = []
    supports: list[Support] = []
    used: list[int] = []
    for sentence in answer_sentences(text):
        valid = tuple(n for n in cited_numbers(sentence) if n in contexts)
        support = sentence_support(sentence, [contexts[n] for n in valid], similarity, valid)
        supports.append(support)
        if not support.supported:
            continue
        kept.append(cite(strip_citations(sentence), *valid))
        used.extend(n for n in valid if n not in used)
    return GuardedAnswer(" ".join(kept), tuple(supports), tuple(used))


def complete(guarded: GuardedAnswer, sentences: Mapping[int, str]) -> str:
    """The written answer with what it cut restored: a sentence that keeps less than
    KEPT_SHARE of the content words of a sentence it cites gives way to that sentence,
    verbatim; a given sentence it never cites follows it. The writer chooses the order and
    may add sentences of its own; it cannot drop a part of the evidence that answers."""
    out: list[str] = []
    given: set[int] = set()
    for support in guarded.support:
        if not support.supported:
            continue
        cut = [n for n in support.cited if _kept(support.sentence, sentences[n]) < KEPT_SHARE]
        if not cut:
            out.append(cite(support.sentence, *support.cited))
            given.update(support.cited)
        for n in cut:
            if n not in given:
                out.append(cite(sentences[n], n))
                given.add(n)
    out += [cite(text, n) for n, text in sentences.items() if n not in given]
    return " ".join(out)


def _kept(sentence: str, source: str) -> float:
    wanted = set(content_terms(source))
    if not wanted:
        return 1.0
    return len(wanted & set(content_terms(strip_citations(sentence)))) / len(wanted)


def cite(sentence: str, *cited: int) -> str:
    """The sentence with its citation markers before its full stop."""
    sentence, markers = sentence.strip(), "".join(f" [{n}]" for n in cited)
    if sentence and sentence[-1] in ".!?":
        return f"{sentence[:-1]}{markers}{sentence[-1]}"
    return f"{sentence}{markers}"


def has_citation(text: str) -> bool:
    """True when the text carries at least one [n] marker."""
    return bool(CITATION_RE.search(text))
