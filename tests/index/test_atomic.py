"""A build killed with SIGKILL midway leaves the previous index whole; the next build completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import REPO_ROOT
from index import store
from index.build import build_index
from index.retrieve import HybridRetriever
from index.store import make_client
from tests.index.build_worker import synthetic_corpus
from tests.index.fakes import CountingEmbeddings, HashEmbeddings

WORKER = [sys.executable, "-m", "tests.index.build_worker"]


def run_worker(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*WORKER, *args], cwd=REPO_ROOT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    )


def test_killed_build_leaves_previous_index_usable(tmp_path: Path) -> None:
    chroma_dir = str(tmp_path / "chroma")
    first = run_worker(chroma_dir, "atomic", "4")
    assert first.wait(timeout=120) == 0

    marker = tmp_path / "paused"
    second = run_worker(chroma_dir, "atomic", "6", str(marker))
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert second.poll() is None, "the build worker exited before pausing"
        assert time.monotonic() < deadline, "the build worker never reached its first batch"
        time.sleep(0.05)
    os.kill(second.pid, signal.SIGKILL)
    assert second.wait(timeout=30) == -signal.SIGKILL

    client = make_client(Path(chroma_dir), None, 0)
    old = store.read_manifest(client, "atomic")
    leftovers = store.leftover_builds(client, "atomic", keep=old.collection)
    assert leftovers, "the killed build should have left its partial collection behind"

    retriever = HybridRetriever.open(client, HashEmbeddings(), "atomic")
    assert len(retriever.chunks) == 4 * 3  # one passage per paragraph
    assert len(retriever.chunks) + len(retriever.sentences) == old.chunks
    assert {c.source_id for c in retriever.chunks} == {f"doc-{i}" for i in range(4)}
    assert retriever.search("marker2 cells", k=1).hits[0].chunk.source_id == "doc-2"

    counting = CountingEmbeddings(HashEmbeddings())
    report = build_index(synthetic_corpus(6), client, counting, "atomic", progress=False)
    # per document: 3 passages and 5 distinct sentences (two repeat in every paragraph)
    assert report.unchanged == 4 * 8 and report.added == 2 * 8 == len(counting.embedded)
    assert store.leftover_builds(client, "atomic", keep=report.collection) == []
    completed = HybridRetriever.open(client, HashEmbeddings(), "atomic")
    assert len(completed.chunks) == 18
    assert completed.search("marker5 cells", k=1).hits[0].chunk.source_id == "doc-5"
