"""The distractor generator: deterministic, valid corpus documents, none restating the seed."""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks.distractors import distractor_documents, write_corpus
from corpus.check import check_corpus, load_corpus
from evals.matching import has_phrase

SEED_NAMES = ("China", "South Korea", "Japan", "CATL", "BYD", "SVOLT", "Panasonic", "Samsung")


def test_same_seed_same_documents_other_seed_other_documents() -> None:
    first = distractor_documents(40, seed=3)
    assert first == distractor_documents(40, seed=3)
    assert [d.text for d in first] != [d.text for d in distractor_documents(40, seed=4)]
    assert len({d.name for d in first}) == 40


def test_documents_pass_corpus_validation_beside_the_seed(tmp_path: Path) -> None:
    documents = distractor_documents(60)
    corpus_dir = write_corpus(tmp_path / "corpus", documents)

    assert check_corpus(corpus_dir) == []
    loaded = load_corpus(corpus_dir).documents
    assert len(loaded) == 61  # the seed and the sixty
    assert all(len(d.paragraphs) >= 3 for d in loaded)


def test_half_look_on_topic_and_none_names_the_seeds_countries_firms_or_figures() -> None:
    documents = distractor_documents(100)
    on_topic = [d for d in documents if has_phrase(d.text, "battery industry")]
    assert len(on_topic) == 50
    for document in documents:
        assert not any(has_phrase(document.text, name) for name in SEED_NAMES), document.name
        assert not re.search(r"\b70%|\b2025\b", document.text), document.name


def test_run_child_reports_exit_code_output_and_its_own_peak_rss(tmp_path: Path) -> None:
    import sys

    from benchmarks.distractors import run_child

    code = "import sys; x = bytearray(64 << 20); print('out'); print('err', file=sys.stderr)"
    child = run_child([sys.executable, "-c", code], {}, tmp_path)
    assert (child.code, child.output.strip(), child.errors.strip()) == (0, "out", "err")
    assert child.peak_rss_mb >= 64
    assert run_child([sys.executable, "-c", "raise SystemExit(3)"], {}, tmp_path).code == 3
