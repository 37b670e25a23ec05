"""Eval metrics: pure functions over plain data (texts, numbers, flags), one number each."""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from evals.matching import contains_passage, fold, has_phrase, mentions

# support(sentence, cited_texts) -> bool: a semantic support scorer (the guard's), optional.
SupportFn = Callable[[str, Sequence[str]], bool]

CITATION = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”')]?\s+(?=[\"“(]?[A-Z0-9])")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:%| percent)?")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")
_QUOTED = re.compile(r"\"([^\"]{3,})\"")
# Capitalised words that open a sentence without naming anything.
_OPENER_WORDS = """a an the this these that those it its they their there here in on at by for with
from as and but or so yet while when where which who what how however additionally meanwhile also
both each other some many most all such according overall still then thus"""
_COMMON_WORDS = """is are was were be been has have had do does did of to into over under than not
no can could will would may might should our your his her we you"""
_OPENERS = frozenset(_OPENER_WORDS.split())
_STOPWORDS = _OPENERS | frozenset(_COMMON_WORDS.split())
MIN_OVERLAP = 0.5  # without a semantic scorer, half of a sentence's content words must be cited


# --- retrieval -------------------------------------------------------------------------------


def evidence_ranks(evidence: Sequence[str], chunk_texts: Sequence[str]) -> list[int | None]:
    """For each evidence sentence, the 1-based rank of the first chunk containing it, or None."""
    ranks: list[int | None] = []
    for sentence in evidence:
        found = (i for i, text in enumerate(chunk_texts, 1) if contains_passage(text, sentence))
        ranks.append(next(found, None))
    return ranks


def recall_at_k(evidence: Sequence[str], chunk_texts: Sequence[str], k: int) -> float | None:
    """Share of evidence sentences found in the top k chunks; None when there is no evidence."""
    if not evidence:
        return None
    ranks = evidence_ranks(evidence, chunk_texts)
    return sum(r is not None and r <= k for r in ranks) / len(ranks)


def hit_at_k(evidence: Sequence[str], chunk_texts: Sequence[str], k: int) -> float | None:
    """1.0 when any evidence sentence is in the top k chunks; None when there is no evidence."""
    if not evidence:
        return None
    return float(any(r is not None and r <= k for r in evidence_ranks(evidence, chunk_texts)))


def reciprocal_rank(evidence: Sequence[str], chunk_texts: Sequence[str]) -> float | None:
    """1 / rank of the first chunk holding any evidence sentence (0.0 if none does)."""
    if not evidence:
        return None
    ranks = [r for r in evidence_ranks(evidence, chunk_texts) if r is not None]
    return 1.0 / min(ranks) if ranks else 0.0


# --- answer content --------------------------------------------------------------------------


def key_coverage(
    text: str, answer_keys: Sequence[str], any_of: Sequence[Sequence[str]] = ()
) -> float | None:
    """Share of keys (and any_of groups, one alternative each) the text contains; None if none."""
    total = len(answer_keys) + len(any_of)
    if total == 0:
        return None
    found = sum(has_phrase(text, key) for key in answer_keys)
    found += sum(any(has_phrase(text, alt) for alt in group) for group in any_of)
    return found / total


def must_not_violations(text: str, must_not: Sequence[str]) -> list[str]:
    """The forbidden strings the text contains."""
    return [phrase for phrase in must_not if mentions(text, phrase)]


# --- similarity to a reference answer -------------------------------------------------------

# SQuAD's answer normalisation (Rajpurkar et al. 2016, the official evaluate-v1.1.py): lower case,
# no punctuation, no articles, single spaces.
_SQUAD_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)


def squad_tokens(text: str) -> list[str]:
    """Tokens of a text normalised as the SQuAD evaluation script does (citations removed)."""
    text = strip_citations(fold(text)).lower().translate(_PUNCTUATION)
    return _SQUAD_ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD token F1: harmonic mean of token precision and recall against the reference."""
    predicted, expected = squad_tokens(prediction), squad_tokens(reference)
    if not predicted or not expected:
        return float(predicted == expected)
    common = sum((Counter(predicted) & Counter(expected)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(expected)
    return 2 * precision * recall / (precision + recall)


def cosine(u: Sequence[float], v: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0.0 when either is all zeros)."""
    dot = sum(a * b for a, b in zip(u, v, strict=True))
    norm = math.sqrt(sum(a * a for a in u)) * math.sqrt(sum(b * b for b in v))
    return dot / norm if norm else 0.0


# --- grounding -------------------------------------------------------------------------------


def answer_sentences(text: str) -> list[str]:
    """Split an answer into sentences, each keeping the [n] markers written right after it."""
    sentences = []
    for line in text.splitlines():
        line = _MARKERS_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", fold(line))
        line = line.lstrip("-*•").strip()
        sentences += [s.strip() for s in _SENTENCE_BREAK.split(line) if s.strip()]
    return sentences


def citation_numbers(sentence: str) -> list[int]:
    """The [n] numbers a sentence carries, in order, without repeats."""
    found = [int(n) for group in CITATION.findall(sentence) for n in group.split(",")]
    return list(dict.fromkeys(found))


def strip_citations(text: str) -> str:
    return CITATION.sub("", text).strip()


def numbers_in(text: str) -> list[str]:
    """Numbers, percentages and years, with '70 percent' written as '70%'."""
    return [m.replace(" percent", "%") for m in _NUMBER.findall(fold(text))]


def names_in(sentence: str) -> list[str]:
    """Capitalised words (the opening word only when it is not a common word), possessive dropped."""
    names = []
    for i, word in enumerate(_WORD.findall(fold(sentence))):
        if word[0].isupper() and not (i == 0 and word.lower() in _OPENERS):
            names.append(re.sub(r"'s$", "", word))
    return names


def content_words(text: str) -> set[str]:
    """Lower-case words of three letters or more, minus common words, crudely singularised."""
    words = {w.lower() for w in _WORD.findall(fold(text)) if len(w) > 2}
    return {re.sub(r"(?<=[a-z]{3})(es|s)$", "", w) for w in words - _STOPWORDS}


def missing_facts(sentence: str, cited_text: str) -> list[str]:
    """Numbers, names and quoted spans of the sentence that the cited text lacks."""
    plain, cited = strip_citations(fold(sentence)), fold(cited_text)
    cited_numbers = set(numbers_in(cited))
    cited_words = {w.lower() for w in _WORD.findall(cited)}
    cited_words |= {re.sub(r"'s$", "", w) for w in cited_words}
    missing = [n for n in numbers_in(plain) if n not in cited_numbers]
    missing += [n for n in names_in(plain) if n.lower() not in cited_words]
    missing += [f'"{q}"' for q in _QUOTED.findall(plain) if fold(q).lower() not in cited.lower()]
    return list(dict.fromkeys(missing))


def lexical_overlap(sentence: str, cited_text: str) -> float:
    """Share of the sentence's content words found in the cited text."""
    words = content_words(strip_citations(sentence))
    return len(words & content_words(cited_text)) / len(words) if words else 1.0


def sentence_supported(
    sentence: str, cited_texts: Sequence[str], support: SupportFn | None = None
) -> bool:
    """Supported: cited text exists, holds every number/name/quote, and the scorer agrees."""
    joined = "\n".join(t for t in cited_texts if t)
    if not joined.strip() or missing_facts(sentence, joined):
        return False
    if contains_passage(joined, strip_citations(sentence)):
        return True  # a verbatim copy of the cited text is supported by definition
    if support is not None:
        return support(strip_citations(sentence), list(cited_texts))
    return lexical_overlap(sentence, joined) >= MIN_OVERLAP


def faithfulness(
    text: str, contexts: Mapping[int, str], declined: bool = False, support: SupportFn | None = None
) -> float:
    """Supported sentences / all sentences. Sentences without [n] are judged against every context;
    in a declined answer only cited sentences count (the refusal itself states nothing)."""
    scored = []
    for sentence in answer_sentences(text):
        numbers = citation_numbers(sentence)
        if declined and not numbers:
            continue
        texts = (
            [contexts[n] for n in numbers if n in contexts] if numbers else list(contexts.values())
        )
        scored.append(sentence_supported(sentence, texts, support))
    return sum(scored) / len(scored) if scored else 1.0


def citation_validity(
    text: str, contexts: Mapping[int, str], declined: bool = False, support: SupportFn | None = None
) -> float:
    """Valid [n] markers / all markers: n names a context, the sentence's cited contexts support it,
    and context n shares a content word with it. An answer with no markers scores 0 unless declined."""
    total = valid = 0
    for sentence in answer_sentences(text):
        numbers = citation_numbers(sentence)
        known = [n for n in numbers if n in contexts]
        supported = bool(known) and sentence_supported(
            sentence, [contexts[n] for n in known], support
        )
        words = content_words(strip_citations(sentence))
        for n in numbers:
            total += 1
            valid += n in contexts and supported and bool(words & content_words(contexts[n]))
    if total == 0:
        return 1.0 if declined or not answer_sentences(text) else 0.0
    return valid / total


# --- abstention and aggregates ---------------------------------------------------------------


def abstention_scores(outcomes: Sequence[tuple[bool, bool]]) -> dict[str, float | None]:
    """Precision, recall and accuracy of declining, from (should_decline, declined) pairs."""
    declined = [o for o in outcomes if o[1]]
    should = [o for o in outcomes if o[0]]
    correct = sum(s == d for s, d in outcomes)
    return {
        "abstention_precision": sum(s for s, _ in declined) / len(declined) if declined else None,
        "abstention_recall": sum(d for _, d in should) / len(should) if should else None,
        "abstention_accuracy": correct / len(outcomes) if outcomes else None,
    }


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
