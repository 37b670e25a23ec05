"""Export rows readable by RAGAS (SingleTurnSample), DeepEval and promptfoo."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    "retrieved_context_ids",
    "reference_context_ids",
)
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


def ragas_row(result: EvalResult, reference_ids: Sequence[str] = ()) -> dict[str, Any]:
    """One RAGAS-compatible row: the reference is the case's evidence (or a no-answer note)."""
    answer, case = result.answer, result.case
    retrieved = answer.retrieved if answer else ()
    return {
        "user_input": case.question,
        "retrieved_contexts": [r.text for r in retrieved],
        "response": answer.text if answer else "",
        "reference": " ".join(case.evidence) if case.evidence else NO_ANSWER_REFERENCE,
        "retrieved_context_ids": [context_id(r.source_id, r.anchor) for r in retrieved],
        "reference_context_ids": list(reference_ids),
    }
