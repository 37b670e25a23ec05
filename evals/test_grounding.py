"""Every grounding case as its own test: `pytest evals/ -m evalcase` (or `-k fact-01`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.loaders import load_documents
from evals.dataset import EvalCase, corpus_text, load_dataset
from evals.runner import answer_case
from evals.scoring import score_case

REPO = Path(__file__).resolve().parent.parent
DATASET = REPO / "evals" / "datasets" / "grounding.jsonl"


def _cases() -> list[EvalCase]:
    documents, _ = load_documents(REPO / "corpus" / "documents")
    return load_dataset(DATASET, corpus_text(documents))


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id, marks=pytest.mark.evalcase) for c in _cases()]
)
def test_case(case: EvalCase, answer_chain, support) -> None:
    answer, latency_ms, earlier = answer_case(case, answer_chain.answer)
    result = score_case(case, answer, latency_ms, support, earlier)
    failed = [name for name, ok in result.checks.items() if not ok]
    assert result.passed, (
        f"{case.id} [{case.kind}] failed {failed}\n"
        f"question: {' / '.join(case.turns)}\n"
        f"answer: {answer.text}\n"
        f"keys: {list(case.answer_keys)} any_of: {[list(g) for g in case.any_of]}\n"
        f"must_not said: {list(result.violations)}\n"
        f"metrics: {result.metrics}"
    )
