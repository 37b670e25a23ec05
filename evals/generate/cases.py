"""Pure parts of question generation: corpus sentences, parsing replies, validating, splitting.

Every generated case is checked here before it is kept: its evidence is a verbatim corpus
sentence, its answer keys are phrases of that sentence, the question neither copies the sentence
nor contains its own answer, and no two kept questions say the same thing.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus.models import Document
from evals.matching import has_phrase, word_string
from index.chunking import split_sentences

# Limits on what a kept question may look like. They bound the generator's output, not the bot:
# a key longer than this is a clause, not an answer; a shared run this long is a copied sentence.
MAX_KEY_WORDS = 6
MAX_SHARED_RUN = 6
MIN_QUESTION_WORDS = 3
MAX_QUESTION_WORDS = 40
# A question whose content words are at most this share of the sentence's words is a paraphrase.
PARAPHRASE_OVERLAP = 0.5
# Two questions whose word sets overlap this much (Jaccard) are the same question.
DUPLICATE_JACCARD = 0.8

# Function words, for measuring how much of a question is the sentence's own vocabulary.
_FUNCTION_WORD_LIST = """a an the and or but of in on at to for from by with as is are was were be been has have
    had do does did what which who whom whose when where why how that this these those it its
    their they them there than then so such not no any some all about into over under per via
    s t u ur can could would should will shall may might must pls plz hey ok quick one doc"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())

# The details an unanswerable question may ask for, and how a text shows it carries one.
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PERCENT = re.compile(r"\d\s*%|\bper ?cent\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
DETAIL_TYPES = {
    "year": "year",
    "date": "year",
    "figure": "figure",
    "amount": "figure",
    "number": "figure",
    "count": "figure",
    "percentage": "percent",
    "percent": "percent",
    "rate": "percent",
    "share": "percent",
    "person": "person",
    "name": "person",
    "person's name": "person",
    "company": "company",
    "company's name": "company",
}


@dataclass(frozen=True)
class Source:
    """One corpus sentence with where it sits, the unit questions are generated and split by."""

    document: str
    title: str
    section: str
    paragraph: str
    sentence: str
    number: int  # position among all corpus sentences, 1-based

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.document}\n{self.sentence}".encode()).hexdigest()


@dataclass(frozen=True)
class Section:
    """One anchored paragraph, the unit unanswerable questions are generated from."""

    document: str
    title: str
    section: str
    paragraph: str
    company_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    """A validated case before it gets its id and side of the split."""

    question: str
    kind: str
    register: str
    answer_keys: tuple[str, ...]  # verbatim phrases of the evidence; all must be in the answer
    evidence: tuple[str, ...]
    unit: str  # the split unit: the source sentence's key, or the question's for abstain cases
    origin: str  # "s012" for sentence 12, "a-china" for the china section's unanswerables


@dataclass
class Tally:
    """What was asked for, kept and discarded, with the reasons."""

    proposed: int = 0
    kept: int = 0
    reasons: Counter = field(default_factory=Counter)

    def discard(self, reason: str) -> None:
        self.reasons[reason] += 1

    def as_dict(self) -> dict[str, Any]:
        discarded = sum(self.reasons.values())
        rate = discarded / self.proposed if self.proposed else 0.0
        return {
            "proposed": self.proposed,
            "kept": self.kept,
            "discarded": discarded,
            "discard_rate": round(rate, 3),
            "reasons": dict(self.reasons.most_common()),
        }


def corpus_sentences(documents: Sequence[Document]) -> list[Source]:
    """Every sentence of every document, in corpus order, split the way the index splits."""
    sources = []
    for document in documents:
        for paragraph in document.paragraphs:
            for sentence in split_sentences(paragraph.text):
                sources.append(
                    Source(
                        document.id,
                        document.title,
                        paragraph.anchor,
                        paragraph.text,
                        sentence,
                        len(sources) + 1,
                    )
                )
    return sources


def corpus_sections(documents: Sequence[Document], companies: Iterable[str] = ()) -> list[Section]:
    """Every anchored paragraph, with the company names (from the gazetteer) it mentions."""
    names = tuple(companies)
    return [
        Section(
            d.id,
            d.title,
            p.anchor,
            p.text,
            tuple(n for n in names if has_phrase(p.text, n)),
        )
        for d in documents
        for p in d.paragraphs
    ]


def reply_rows(text: str, fields: int) -> list[list[str]]:
    """The lines of a model reply that hold `fields` fields separated by '|', stripped."""
    rows = []
    for line in text.splitlines():
        parts = [p.strip().strip("`*").strip() for p in line.split("|")]
        if len(parts) == fields and all(parts):
            rows.append(parts)
    return rows


def answerable_items(text: str) -> list[dict[str, Any]]:
    """`style | question | answer` lines; several answers are separated by ';'."""
    items = []
    for style, question, answer in reply_rows(text, 3):
        style = re.sub(r"^[\d.)\s-]+", "", style).lower()
        if style == "style":  # a repeated format line, not a question
            continue
        answers = [a.strip() for a in answer.split(";") if a.strip()]
        items.append({"style": style, "question": question, "answers": answers})
    return items


def abstain_items(text: str) -> list[dict[str, Any]]:
    """`detail | question` lines."""
    items = []
    for detail, question in reply_rows(text, 2):
        detail = re.sub(r"^[\d.)\s-]+", "", detail).lower()
        if detail != "detail":
            items.append({"missing": detail, "question": question})
    return items


def words(text: str) -> list[str]:
    """Lower-cased words of a text, as the eval matcher sees them."""
    return word_string(text).split()


def content_words(text: str) -> set[str]:
    """Words of a text that carry meaning (no function words, no single letters)."""
    return {w for w in words(text) if len(w) > 1 and w not in _FUNCTION_WORDS}


def longest_shared_run(a: str, b: str) -> int:
    """Length in words of the longest run of consecutive words the two texts share."""
    x, y = words(a), words(b)
    best = 0
    previous = [0] * (len(y) + 1)
    for i in range(1, len(x) + 1):
        current = [0] * (len(y) + 1)
        for j in range(1, len(y) + 1):
            if x[i - 1] == y[j - 1]:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def sentence_overlap(question: str, sentence: str) -> float:
    """Share of the question's content words that the sentence also uses."""
    asked = content_words(question)
    return len(asked & content_words(sentence)) / len(asked) if asked else 1.0


def _question_problem(question: Any, sentence: str) -> str | None:
    if not isinstance(question, str) or not question.strip():
        return "no question text"
    count = len(words(question))
    if not MIN_QUESTION_WORDS <= count <= MAX_QUESTION_WORDS:
        return "question too short or too long"
    if longest_shared_run(question, sentence) >= MAX_SHARED_RUN:
        return "question copies the sentence"
    return None


def _key_problem(key: Any, question: str, sentence: str) -> str | None:
    if not isinstance(key, str) or not key.strip():
        return "no answer phrase"
    if not has_phrase(sentence, key):
        return "answer not verbatim in the sentence"
    if len(words(key)) > MAX_KEY_WORDS:
        return "answer phrase too long"
    if not content_words(key):
        return "answer phrase has no content word"
    if has_phrase(question, key) or content_words(key) <= content_words(question):
        return "question contains its answer"
    return None


def answer_keys(raw: Any, sentence: str) -> tuple[list[str], bool]:
    """The answer phrases of one reply, and whether a phrase was a list the script split.

    A model often answers "A, B and C" where the sentence says "A, B, and C": when the whole
    phrase is not verbatim but each item is, the items become the keys of a list question.
    """
    answers = raw if isinstance(raw, list) else [raw]
    keys: list[str] = []
    listed = False
    for answer in answers:
        if not isinstance(answer, str) or not answer.strip():
            return [], False
        answer = answer.strip().strip(".")
        parts = [p.strip() for p in _LIST_SEPARATOR.split(answer) if p.strip()]
        split_up = len(parts) > 1 and all(has_phrase(sentence, p) for p in parts)
        if split_up and not has_phrase(sentence, answer):
            keys += parts
            listed = True
            continue
        keys.append(answer)
    return keys, listed


_LIST_SEPARATOR = re.compile(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s*&\s*")


def answerable_drafts(source: Source, items: Sequence[dict[str, Any]], tally: Tally) -> list[Draft]:
    """The reply's questions about one sentence that pass every check."""
    drafts = []
    for item in items:
        tally.proposed += 1
        question = item.get("question")
        problem = _question_problem(question, source.sentence)
        style = str(item.get("style") or "casual").strip().lower()
        keys, listed = answer_keys(item.get("answers", item.get("answer")), source.sentence)
        if problem is None and style == "multi" and len(keys) < 2:
            problem = "multi question without two answers"
        for key in keys or [None]:
            problem = problem or _key_problem(key, question, source.sentence)
        if problem is None and len({" ".join(words(k)) for k in keys}) < len(keys):
            problem = "repeated answer phrase"
        if problem:
            tally.discard(problem)
            continue
        drafts.append(
            Draft(
                question=question.strip(),
                kind=_answerable_kind(question, source.sentence, keys, listed),
                register=style if style in _REGISTERS else "casual",
                answer_keys=tuple(keys),
                evidence=(source.sentence,),
                unit=source.key,
                origin=f"s{source.number:03d}",
            )
        )
    return drafts


_REGISTERS = ("casual", "typo", "abbrev", "indirect", "multi")


def _answerable_kind(question: str, sentence: str, keys: Sequence[str], listed: bool) -> str:
    # The kind is measured, not taken from the requested style: a question is a paraphrase only
    # when it really avoids the sentence's words.
    if listed:
        return "list"
    if len(keys) > 1:
        return "multi"
    if sentence_overlap(question, sentence) <= PARAPHRASE_OVERLAP:
        return "paraphrase"
    return "numeric" if _DIGIT.search(keys[0]) else "fact"


def _carries(section: Section, detail: str) -> bool:
    """Whether the section gives a detail of this type, so a question for it may be answerable."""
    if detail == "year":
        return bool(_YEAR.search(section.paragraph))
    if detail == "percent":
        return bool(_PERCENT.search(section.paragraph))
    if detail == "figure":
        return bool(_DIGIT.search(section.paragraph))
    if detail == "company":
        return bool(section.company_names)
    return False


# What a question must say to ask for each kind of detail (the model's label alone is not enough).
_ASKS_FOR = {
    "year": re.compile(r"\bwhen\b|\byears?\b|\bdate\b", re.IGNORECASE),
    "figure": re.compile(
        r"how (?:many|much|big|large)|\bnumber\b|\bamount\b|\bcost\b|\brevenue\b|\bgwh\b"
        r"|\bbillion\b|\bmillion\b|\btonnes?\b|\bvalue\b|\bsize\b",
        re.IGNORECASE,
    ),
    "percent": re.compile(r"%|\bper ?cent|\bshare\b|\brate\b", re.IGNORECASE),
    # "who leads X?" is often answered by a firm or a country the text names: ask for a role.
    "person": re.compile(
        r"\bceo\b|\bfounder|\bfounded\b|\bhead\b|\bheads\b|\bchief\b|\bpresident\b"
        r"|\bminister\b|\bruns\b|\bexecutive\b|\bboss\b|\bchair",
        re.IGNORECASE,
    ),
    "company": re.compile(
        r"compan|\bfirms?\b|\bcos\b|makers?\b|manufacturers?\b|suppliers?\b|\bbrands?\b",
        re.IGNORECASE,
    ),
}
# A corpus sentence that gives the asked kind of detail and is this close (cosine, MiniLM) to
# the question might answer it: the question is dropped. On the seed's one-topic corpus every
# question scores 0.45-0.65 against some sentence; the questions a sentence does answer (China's
# share of facilities, who controls Congolese mines) scored 0.7-0.8. Doubtful cases are dropped.
NEAR_CARRIER = 0.6


def carries(sentence: str, detail: str, names: Iterable[str] = ()) -> bool:
    """Whether a text gives a detail of this type (names: entities that could answer 'who')."""
    if detail == "year":
        return bool(_YEAR.search(sentence))
    if detail == "percent":
        return bool(_PERCENT.search(sentence))
    if detail == "figure":
        return bool(_DIGIT.search(sentence))
    return any(has_phrase(sentence, n) for n in names)


def abstain_drafts(
    section: Section,
    items: Sequence[dict[str, Any]],
    corpus: str,
    tally: Tally,
    nearest: Callable[[str, str], float] | None = None,
) -> list[Draft]:
    """The reply's unanswerable questions about one section that pass every check.

    `nearest(question, detail)` gives the highest similarity between the question and a corpus
    sentence carrying that kind of detail; without it only the section itself is checked.
    """
    drafts = []
    figures = set(re.findall(r"\d+(?:\.\d+)?%?", corpus))
    for item in items:
        tally.proposed += 1
        question = item.get("question")
        detail = DETAIL_TYPES.get(str(item.get("missing") or "").strip().lower())
        # Unlike an answerable question, this one may reuse the section's words: it asks for
        # a detail beside them.
        problem = _question_problem(question, "")
        if problem is None and detail is None:
            problem = "unanswerable question asks for no known kind of detail"
        if problem is None and not _ASKS_FOR[detail].search(question):
            problem = "unanswerable question does not ask for its detail"
        if problem is None and _carries(section, detail):
            problem = "the section gives that kind of detail"
        if problem is None and nearest is not None and nearest(question, detail) >= NEAR_CARRIER:
            problem = "a corpus sentence with that kind of detail is close to the question"
        if problem is None and not content_words(question) & content_words(section.paragraph):
            problem = "unanswerable question is off the section's topic"
        if problem is None and set(re.findall(r"\d+(?:\.\d+)?%?", question)) & figures:
            problem = "unanswerable question quotes a corpus figure"
        if problem:
            tally.discard(problem)
            continue
        drafts.append(
            Draft(
                question=question.strip(),
                kind="abstain",
                register=detail,
                answer_keys=(),
                evidence=(),
                unit=hashlib.sha256(question.strip().encode()).hexdigest(),
                origin=f"a-{section.section}",
            )
        )
    return drafts


def dedupe(drafts: Sequence[Draft], tally: Tally) -> list[Draft]:
    """Drop questions that repeat an earlier one (same words, or nearly the same word set)."""
    kept: list[Draft] = []
    seen: list[set[str]] = []
    for draft in drafts:
        bag = set(words(draft.question))
        if any(len(bag & other) / len(bag | other) >= DUPLICATE_JACCARD for other in seen):
            tally.discard("duplicate question")
            continue
        seen.append(bag)
        kept.append(draft)
    return kept


def split(drafts: Sequence[Draft], seed: int) -> tuple[list[Draft], list[Draft]]:
    """Deterministic dev/test halves by split unit: a sentence's questions stay on one side.

    Units are ordered by a seeded hash and dealt alternately, so each side gets half the units
    of each kind whatever the hash values happen to be.
    """
    sides: dict[str, int] = {}
    for group in ("answerable", "abstain"):
        units = sorted(
            {d.unit for d in drafts if (d.kind == "abstain") == (group == "abstain")},
            key=lambda u: hashlib.sha256(f"{seed}:{u}".encode()).hexdigest(),
        )
        sides.update({u: i % 2 for i, u in enumerate(units)})
    dev = [d for d in drafts if sides[d.unit] == 0]
    test = [d for d in drafts if sides[d.unit] == 1]
    return dev, test


def case_ids(drafts: Sequence[Draft]) -> list[str]:
    """Stable ids: origin, register and a running number within that pair."""
    counts: Counter = Counter()
    ids = []
    for d in drafts:
        counts[(d.origin, d.register)] += 1
        ids.append(f"gen-{d.origin}-{d.register}-{counts[(d.origin, d.register)]}")
    return ids


def to_row(case_id: str, draft: Draft) -> dict[str, Any]:
    """One line of the eval dataset format."""
    return {
        "id": case_id,
        "kind": draft.kind,
        "question": draft.question,
        "answer_keys": list(draft.answer_keys),
        "evidence": list(draft.evidence),
    }
