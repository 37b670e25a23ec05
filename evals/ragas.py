"""Export rows readable by RAGAS (SingleTurnSample), DeepEval and promptfoo."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from corpus.models import Document
from evals.dataset import EvalCase
from evals.matching import contains_passage
from evals.scoring import EvalResult

RAGAS_COLUMNS = (
    "user_input",
    "retrieved_contexts",
    "response",
    "reference",
    "reference_contexts",
    "retrieved_context_ids",
    "reference_context_ids",
)
RAGAS_INPUT_COLUMNS = ("id", "kind", "user_input", "reference", "reference_contexts")
NO_ANSWER_REFERENCE = "The corpus does not cover this question."


def context_id(source_id: str, anchor: str) -> str:
    """One id space for retrieved and reference contexts: the paragraph a text comes from."""
    return f"{source_id}#{anchor}" if anchor else source_id


def evidence_locator(documents: Sequence[Document]) -> Callable[[EvalCase], list[str]]:
    """A function giving the context ids of the paragraphs that hold a case's evidence."""

    def locate(case: EvalCase) -> list[str]:
        ids = [
            context_id(doc.id, p.anchor)
            for sentence in case.evidence
            for doc in documents
            for p in doc.paragraphs
            if contains_passage(p.text, sentence)
        ]
        return list(dict.fromkeys(ids))

    return locate


def reference_text(case: EvalCase) -> str:
    """The case's reference answer; else its evidence; else, for a case to refuse, a no-answer
    note; else nothing (the set does not say what a right answer is)."""
    if case.reference:
        return case.reference
    if case.evidence:
        return " ".join(case.evidence)
    return NO_ANSWER_REFERENCE if case.should_decline else ""


def ragas_row(result: EvalResult, reference_ids: Sequence[str] = ()) -> dict[str, Any]:
    """One RAGAS-compatible row of a run: the question, what was retrieved and answered, and
    what the set expects."""
    answer, case = result.answer, result.case
    retrieved = answer.retrieved if answer else ()
    return {
        "user_input": case.question,
        "retrieved_contexts": [r.text for r in retrieved],
        "response": answer.text if answer else "",
        "reference": reference_text(case),
        "reference_contexts": list(case.evidence),
        "retrieved_context_ids": [context_id(r.source_id, r.anchor) for r in retrieved],
        "reference_context_ids": list(reference_ids),
    }


def ragas_input_row(case: EvalCase) -> dict[str, Any]:
    """A case as a RAGAS-style input row: `user_input` (a list of the user's turns for a
    thread), `reference` and `reference_contexts` (the evidence), plus the case's id and kind."""
    return {
        "id": case.id,
        "kind": case.kind,
        "user_input": case.question if len(case.turns) == 1 else list(case.turns),
        "reference": case.reference,
        "reference_contexts": list(case.evidence),
    }


def write_ragas_inputs(cases: Sequence[EvalCase], path: Path, fmt: str = "ragas-jsonl") -> None:
    """Write the cases as RAGAS-style JSONL or CSV (list columns as JSON)."""
    rows = [ragas_input_row(c) for c in cases]
    if fmt == "ragas-jsonl":
        lines = [json.dumps(row, ensure_ascii=False) for row in rows]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(RAGAS_INPUT_COLUMNS)
        for row in rows:
            writer.writerow([_cell(row[name]) for name in RAGAS_INPUT_COLUMNS])


def _cell(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)
