"""Evidence recall@5 of dense-only, keyword-only and hybrid retrieval on the grounding eval set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.settings import REPO_ROOT

DATASET = REPO_ROOT / "evals" / "datasets" / "grounding.jsonl"
MODES = ("dense", "keyword", "hybrid")


def case_query(case: dict[str, Any]) -> str:
    """The retrieval query of a case; a follow-up's turns are read together, as one question."""
    return case.get("question") or " ".join(case.get("turns", []))


def evidence_recall(retriever: Any, dataset: Path = DATASET, k: int = 5) -> dict[str, Any] | None:
    """Mean evidence recall@k and all-evidence hit rate per mode; None without the dataset."""
    from evals.metrics import recall_at_k

    if not dataset.is_file():
        return None
    cases = [json.loads(line) for line in dataset.read_text().splitlines() if line.strip()]
    cases = [case for case in cases if case.get("evidence")]
    figures: dict[str, Any] = {
        "dataset": str(dataset.relative_to(REPO_ROOT)),
        "cases": len(cases),
        "k": k,
    }
    for mode in MODES:
        recalls, misses = [], []
        for case in cases:
            hits = retriever.search(case_query(case), k=k, mode=mode).hits
            recall = recall_at_k(case["evidence"], [h.chunk.text for h in hits], k)
            recalls.append(recall)
            if recall < 1.0:
                misses.append(case["id"])
        figures[mode] = {
            "recall_at_k": round(sum(recalls) / len(recalls), 4),
            "all_evidence_rate": round(sum(r == 1.0 for r in recalls) / len(recalls), 4),
            "missed": misses,
        }
    return figures


def run() -> dict[str, Any]:
    """Index the repository corpus in a temporary store and measure recall per mode."""
    import tempfile

    from bot.settings import Settings
    from corpus.check import load_corpus
    from index.build import build_index
    from index.embeddings import make_embeddings
    from index.retrieve import HybridRetriever
    from index.store import make_client

    settings = Settings()
    embeddings = make_embeddings(settings.embedding_model, settings.embedding_sha256)
    with tempfile.TemporaryDirectory() as tmp:
        client = make_client(Path(tmp), None, 0)
        build_index(
            load_corpus(settings.corpus_dir),
            client,
            embeddings,
            "bench-retrieval",
            progress=False,
            sentences=settings.chunk_sentences,
            overlap=settings.chunk_overlap,
        )
        retriever = HybridRetriever.open(client, embeddings, "bench-retrieval")
        figures = evidence_recall(retriever)
        if figures is not None:
            figures["chunk_sentences"] = settings.chunk_sentences
            figures["chunk_overlap"] = settings.chunk_overlap
        return {"evidence_recall": figures}


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
