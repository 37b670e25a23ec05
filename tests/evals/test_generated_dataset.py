"""The committed generated question sets: valid against the corpus, reproducible from the
recorded model replies, split by source sentence."""

from __future__ import annotations

import json
from pathlib import Path

from corpus.check import load_corpus
from evals.dataset import corpus_text, load_dataset
from evals.generate import questions

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "evals/datasets"
PARTS = ("generated-dev", "generated-test")


def _corpus() -> str:
    return corpus_text(load_corpus(REPO / "corpus").documents)


def test_both_parts_load_against_the_corpus_and_never_share_a_source_sentence() -> None:
    corpus = _corpus()
    dev, test = (load_dataset(DATASETS / f"{name}.jsonl", corpus) for name in PARTS)

    assert {c.id for c in dev}.isdisjoint({c.id for c in test})
    assert {e for c in dev for e in c.evidence}.isdisjoint({e for c in test for e in c.evidence})
    for part in (dev, test):
        kinds = {c.kind for c in part}
        assert {"fact", "paraphrase", "multi", "abstain"} <= kinds
        assert 0.35 <= len(part) / (len(dev) + len(test)) <= 0.65


def test_replaying_the_recorded_replies_rebuilds_the_committed_sets(tmp_path: Path) -> None:
    assert questions.main(["--replay", "--out-dir", str(tmp_path)]) == 0

    for name in PARTS:
        rebuilt = (tmp_path / f"{name}.jsonl").read_text(encoding="utf-8")
        assert rebuilt == (DATASETS / f"{name}.jsonl").read_text(encoding="utf-8")
    meta = json.loads((DATASETS / "generated.meta.json").read_text(encoding="utf-8"))
    replayed = json.loads((tmp_path / "generated.meta.json").read_text(encoding="utf-8"))
    assert replayed["validation"] == meta["validation"]
    assert replayed["files"] == meta["files"]
