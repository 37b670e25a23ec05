"""A grounding test set in any supported format, checked against the corpus before any run."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.models import Document, Problem
from evals.formats import FORMATS, Row, detect_format, read_rows
from evals.matching import contains_passage, fold, has_phrase
from evals.suggest import closest_sentence, corpus_sentences

# A case without a kind is "answerable", or "refuse" when marked should_refuse.
ANSWERABLE_KINDS = (
    "fact",
    "numeric",
    "list",
    "compare",
    "multi",
    "paraphrase",
    "followup",
    "answerable",
)
DECLINE_KINDS = (
    "abstain",
    "false_premise",
    "refuse",
)  # the bot should decline (abstain or reject the premise)
KINDS = (*ANSWERABLE_KINDS, *DECLINE_KINDS, "injection")
UNLABELLED_KINDS = ("answerable", "refuse")  # what a case without a kind counts as

_FIELDS = {
    "id",
    "kind",
    "question",
    "turns",
    "answer_keys",
    "any_of",
    "evidence",
    "must_not",
    "reference",
    "should_refuse",
}
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?$")


@dataclass(frozen=True)
class EvalCase:
    """One grounding case: what is asked, and whatever the set says a correct answer holds.

    Only the question is required; each metric is computed for the cases that have what it needs
    (answer keys, evidence sentences, a reference answer)."""

    id: str
    kind: str
    turns: tuple[str, ...]  # the user's turns in order; a single question is one turn
    answer_keys: tuple[str, ...] = ()
    any_of: tuple[tuple[str, ...], ...] = ()
    evidence: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    line: int = 0
    reference: str = ""  # a reference answer, for answer similarity

    @property
    def question(self) -> str:
        """The question whose answer is scored: the last user turn."""
        return self.turns[-1]

    @property
    def should_decline(self) -> bool:
        return self.kind in DECLINE_KINDS

    @property
    def answerable(self) -> bool:
        return self.kind in ANSWERABLE_KINDS

    @property
    def has_keys(self) -> bool:
        return bool(self.answer_keys or self.any_of)


class DatasetError(ValueError):
    """The dataset has problems; each names its file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def dataset_format(path: str | Path, fmt: str | None = None) -> str:
    """The format a test set is read in: the one given, else the one detected from the file."""
    path = Path(path)
    if fmt is not None:
        return fmt
    return detect_format(path.read_bytes().decode("utf-8", errors="replace"), path.suffix)


def load_dataset(path: str | Path, corpus_text: str, fmt: str | None = None) -> list[EvalCase]:
    """Read a test set (format detected unless given) and check it against the corpus text;
    raise DatasetError listing every problem as file:line: reason."""
    path = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        raise DatasetError([Problem(str(path), 1, reason)]) from None
    fmt = fmt or detect_format(text, path.suffix)
    checker = _Checker(corpus_text)
    cases: list[EvalCase] = []
    problems: list[Problem] = []
    first_line_of: dict[str, int] = {}
    for row in read_rows(text, fmt):
        reasons, case = checker.check(row) if not row.reasons else (list(row.reasons), None)
        problems.extend(Problem(str(path), row.line, r) for r in reasons)
        if case is None:
            continue
        if case.id in first_line_of:
            reason = f"duplicate id {case.id!r} (first used on line {first_line_of[case.id]})"
            problems.append(Problem(str(path), row.line, reason))
            continue
        first_line_of[case.id] = row.line
        cases.append(case)
    if not cases and not problems:
        problems.append(Problem(str(path), 1, "the dataset has no cases"))
    if problems:
        raise DatasetError(problems)
    return cases


def select_cases(
    cases: Sequence[EvalCase], ids: Sequence[str] = (), kinds: Sequence[str] = ()
) -> list[EvalCase]:
    """The cases with one of the ids and one of the kinds (an empty filter keeps all);
    raise ValueError naming ids or kinds the set does not have."""
    known_ids, known_kinds = {c.id for c in cases}, {c.kind for c in cases}
    missing = [i for i in ids if i not in known_ids]
    if missing:
        raise ValueError(f"no case with id {', '.join(map(repr, missing))} in the set")
    absent = [k for k in kinds if k not in known_kinds]
    if absent:
        have = ", ".join(sorted(known_kinds))
        raise ValueError(f"no case of kind {', '.join(map(repr, absent))}; the set has: {have}")
    return [
        c for c in cases if (not ids or c.id in set(ids)) and (not kinds or c.kind in set(kinds))
    ]


class _Checker:
    """Checks one record against the corpus; the corpus is folded and split once per set."""

    def __init__(self, corpus_text: str) -> None:
        self.corpus = fold(corpus_text)
        self._text = corpus_text
        self._sentences: list[str] | None = None

    def suggestion(self, text: str) -> str:
        if self._sentences is None:
            self._sentences = corpus_sentences(self._text)
        best = closest_sentence(text, self._sentences)
        return f"; did you mean {best!r}?" if best else ""

    def check(self, row: Row) -> tuple[list[str], EvalCase | None]:
        data, number = row.fields, row.line
        reasons = [f"unknown field {name!r}" for name in sorted(set(data) - _FIELDS)]
        case_id = data.get("id", f"line-{number}")
        if not isinstance(case_id, str) or not case_id.strip():
            reasons.append("'id' must be a non-empty string")
        kind = _kind(data, reasons)
        turns = _turns(data, kind, reasons)
        keys = _strings(data, "answer_keys", reasons)
        must_not = _strings(data, "must_not", reasons)
        evidence = _strings(data, "evidence", reasons)
        any_of = _groups(data, reasons)
        reference = data.get("reference", "")
        if not isinstance(reference, str):
            reasons.append("'reference' must be a string")
        if reasons:
            return reasons, None
        reasons += [p for p in (self.evidence_problem(e) for e in evidence) if p]
        reasons += _check_expectations(kind, keys, any_of, evidence, reference)
        if reasons:
            return reasons, None
        case = EvalCase(
            case_id, kind, turns, keys, any_of, evidence, must_not, number, reference.strip()
        )
        return [], case

    def evidence_problem(self, sentence: str) -> str | None:
        if not contains_passage(self.corpus, sentence):
            hint = self.suggestion(sentence)
            return f"evidence is not verbatim in the corpus: {sentence[:80]!r}{hint}"
        folded = fold(sentence)
        before = self.corpus[: self.corpus.index(folded)].rstrip()
        starts_sentence = not before or before[-1] in ".!?>-"
        if not (starts_sentence and folded[0].isupper() and _SENTENCE_END.search(folded)):
            hint = self.suggestion(sentence)
            return f"evidence must be a full corpus sentence: {sentence[:80]!r}{hint}"
        return None


def _kind(data: dict[str, Any], reasons: list[str]) -> str:
    kind, refuse = data.get("kind"), data.get("should_refuse")
    if refuse is not None and not isinstance(refuse, bool):
        reasons.append("'should_refuse' must be true or false")
        return ""
    if kind is None:
        return "refuse" if refuse else "answerable"
    if kind not in KINDS:
        reasons.append(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
        return ""
    if refuse is not None and refuse != (kind in DECLINE_KINDS):
        reasons.append(f"kind {kind!r} contradicts should_refuse={str(refuse).lower()}")
    return kind


def _turns(data: dict[str, Any], kind: Any, reasons: list[str]) -> tuple[str, ...]:
    question, turns = data.get("question"), data.get("turns")
    if kind == "followup" or (turns is not None and question is None):
        ok = isinstance(turns, list) and len(turns) >= 2 and all(_text(t) for t in turns)
        if not ok:
            reasons.append("a followup case needs 'turns': a list of two or more questions")
            return ()
        # a thread may also repeat its last turn as 'question'; any other question is ambiguous
        if question is not None and (not _text(question) or question.strip() != turns[-1].strip()):
            reasons.append("a followup case's 'question', when given, must be its last turn")
            return ()
        return tuple(turns)
    if turns is not None or not _text(question):
        reasons.append("needs 'question' (a non-empty string), or 'turns' for a thread")
        return ()
    return (question.strip(),)


def _strings(data: dict[str, Any], name: str, reasons: list[str]) -> tuple[str, ...]:
    value = data.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(_text(v) for v in value):
        reasons.append(f"'{name}' must be a list of non-empty strings")
        return ()
    return tuple(value)


def _groups(data: dict[str, Any], reasons: list[str]) -> tuple[tuple[str, ...], ...]:
    value = data.get("any_of")
    if value is None:
        return ()
    ok = isinstance(value, list) and all(
        isinstance(g, list) and g and all(_text(v) for v in g) for g in value
    )
    if not ok:
        reasons.append("'any_of' must be a list of non-empty lists of strings")
        return ()
    return tuple(tuple(g) for g in value)


def _check_expectations(kind, keys, any_of, evidence, reference) -> list[str]:
    reasons = []
    if kind in ("abstain", "refuse") and (keys or any_of or evidence or reference):
        reasons.append(
            "a case the bot should refuse has no answer: leave 'answer_keys', 'any_of', "
            "'evidence' and 'reference' empty"
        )
    if not evidence:
        return reasons  # keys are checked against the evidence only where a case gives some
    joined = " ".join(evidence)
    for key in keys:
        if not has_phrase(joined, key):
            reasons.append(f"answer key {key!r} does not appear in the case's evidence")
    for group in any_of:
        if not any(has_phrase(joined, alt) for alt in group):
            reasons.append(f"no alternative of any_of group {list(group)} appears in the evidence")
    return reasons


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def corpus_text(documents: Sequence[Document]) -> str:
    """The paragraphs of all corpus documents as one string, for the verbatim-evidence check."""
    return "\n\n".join(d.text for d in documents)
