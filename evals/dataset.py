"""The grounding test set: one JSON object per line, checked against the corpus before any run."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.models import Document, Problem
from evals.matching import contains_passage, fold, has_phrase

ANSWERABLE_KINDS = ("fact", "numeric", "list", "compare", "multi", "paraphrase", "followup")
DECLINE_KINDS = (
    "abstain",
    "false_premise",
)  # the bot should decline (abstain or reject the premise)
KINDS = (*ANSWERABLE_KINDS, *DECLINE_KINDS, "injection")

_FIELDS = {"id", "kind", "question", "turns", "answer_keys", "any_of", "evidence", "must_not"}
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?$")


@dataclass(frozen=True)
class EvalCase:
    """One grounding case: what is asked, what a correct answer contains, where the corpus says it."""

    id: str
    kind: str
    turns: tuple[str, ...]  # the user's turns in order; a single question is one turn
    answer_keys: tuple[str, ...]
    any_of: tuple[tuple[str, ...], ...] = ()
    evidence: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    line: int = 0

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


class DatasetError(ValueError):
    """The dataset has problems; each names its file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_dataset(path: str | Path, corpus_text: str) -> list[EvalCase]:
    """Parse and check a JSONL dataset against the corpus text; raise DatasetError listing every problem."""
    path = Path(path)
    cases: list[EvalCase] = []
    problems: list[Problem] = []
    first_line_of: dict[str, int] = {}
    corpus = fold(corpus_text)
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        reasons, case = _parse_line(raw, number, corpus)
        problems.extend(Problem(str(path), number, r) for r in reasons)
        if case is None:
            continue
        if case.id in first_line_of:
            reason = f"duplicate id {case.id!r} (first used on line {first_line_of[case.id]})"
            problems.append(Problem(str(path), number, reason))
            continue
        first_line_of[case.id] = number
        cases.append(case)
    if not cases and not problems:
        problems.append(Problem(str(path), 1, "the dataset has no cases"))
    if problems:
        raise DatasetError(problems)
    return cases


def _parse_line(raw: str, number: int, corpus: str) -> tuple[list[str], EvalCase | None]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return [f"not valid JSON: {exc.msg} (column {exc.colno})"], None
    if not isinstance(data, dict):
        return ["each line must be a JSON object"], None
    reasons = [f"unknown field {name!r}" for name in sorted(set(data) - _FIELDS)]
    case_id = data.get("id")
    if not isinstance(case_id, str) or not case_id.strip():
        reasons.append("missing 'id' (a non-empty string)")
    kind = data.get("kind")
    if kind not in KINDS:
        reasons.append(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    turns = _turns(data, kind, reasons)
    keys = _strings(data, "answer_keys", reasons, required=True)
    must_not = _strings(data, "must_not", reasons)
    evidence = _strings(data, "evidence", reasons, required=True)
    any_of = _groups(data, reasons)
    if reasons:
        return reasons, None
    reasons += [p for p in (_evidence_problem(e, corpus) for e in evidence) if p]
    reasons += _check_expectations(kind, keys, any_of, evidence)
    if reasons:
        return reasons, None
    case = EvalCase(case_id, kind, turns, keys, any_of, evidence, must_not, number)
    return [], case


def _turns(data: dict[str, Any], kind: Any, reasons: list[str]) -> tuple[str, ...]:
    question, turns = data.get("question"), data.get("turns")
    if kind == "followup":
        ok = isinstance(turns, list) and len(turns) >= 2 and all(_text(t) for t in turns)
        if not ok or question is not None:
            reasons.append("a followup case needs 'turns': a list of two or more questions")
            return ()
        return tuple(turns)
    if turns is not None or not _text(question):
        reasons.append("needs 'question' (a non-empty string); only followup cases use 'turns'")
        return ()
    return (question,)


def _strings(
    data: dict[str, Any], name: str, reasons: list[str], required=False
) -> tuple[str, ...]:
    value = data.get(name)
    if value is None and not required:
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


def _check_expectations(kind, keys, any_of, evidence) -> list[str]:
    reasons = []
    if kind in ANSWERABLE_KINDS and not (keys or any_of):
        reasons.append(f"a {kind} case needs 'answer_keys' or 'any_of'")
    if kind in ANSWERABLE_KINDS and not evidence:
        reasons.append(f"a {kind} case needs 'evidence' sentences")
    if kind == "abstain" and (keys or any_of or evidence):
        reasons.append(
            "an abstain case has no answer: leave 'answer_keys', 'any_of', 'evidence' empty"
        )
    joined = " ".join(evidence)
    for key in keys:
        if not has_phrase(joined, key):
            reasons.append(f"answer key {key!r} does not appear in the case's evidence")
    for group in any_of:
        if not any(has_phrase(joined, alt) for alt in group):
            reasons.append(f"no alternative of any_of group {list(group)} appears in the evidence")
    return reasons


def _evidence_problem(sentence: str, corpus: str) -> str | None:
    if not contains_passage(corpus, sentence):
        return f"evidence is not verbatim in the corpus: {sentence[:80]!r}"
    folded = fold(sentence)
    before = corpus[: corpus.index(folded)].rstrip()
    starts_sentence = not before or before[-1] in ".!?>-"
    if not (starts_sentence and folded[0].isupper() and _SENTENCE_END.search(folded)):
        return f"evidence must be a full corpus sentence: {sentence[:80]!r}"
    return None


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def corpus_text(documents: Sequence[Document]) -> str:
    """The paragraphs of all corpus documents as one string, for the verbatim-evidence check."""
    return "\n\n".join(d.text for d in documents)
