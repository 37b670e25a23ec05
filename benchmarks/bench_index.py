"""Index benchmarks: build throughput vs raw encode, warm query latency at 1k/10k/100k, peak RSS.

Synthetic chunks are recombined corpus sentences. Only BASE_TEXTS unique texts are embedded
by the model; larger collections reuse those vectors, each recombined with a second one
(normalised sum), so 100k chunks take minutes rather than an hour on two cores. Query
latency therefore measures search cost, not the quality of the vectors.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bot.settings import REPO_ROOT, Settings
from tests.servers import ChromaServer

BASE_TEXTS = 600
SIZES = (1_000, 10_000, 100_000)
SERVER_SIZES = (10_000,)
QUERIES = 40
COLLECTION = "bench"


def _sentences(settings: Settings) -> list[str]:
    from corpus.check import load_corpus
    from index.chunking import split_sentences

    corpus = load_corpus(settings.corpus_dir)
    return [s for d in corpus.documents for p in d.paragraphs for s in split_sentences(p.text)]


def synthetic_texts(sentences: list[str], count: int, seed: int = 7) -> list[str]:
    """`count` distinct chunk-sized texts of 3-5 corpus sentences each."""
    rng = random.Random(seed)
    texts: dict[str, None] = {}
    while len(texts) < count:
        texts[" ".join(rng.sample(sentences, rng.randint(3, 5)))] = None
    return list(texts)


def _queries() -> list[str]:
    rows = (REPO_ROOT / "evals" / "datasets" / "grounding.jsonl").read_text().splitlines()
    questions = [json.loads(r).get("question") for r in rows if r.strip()]
    return [q for q in questions if q][:QUERIES]


class _TimedEmbeddings:
    """Passes through to the real embeddings and adds up the time spent embedding."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.seconds = inner, inner.name, 0.0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        vectors = self.inner.embed_documents(texts)
        self.seconds += time.perf_counter() - started
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def bench_throughput(embeddings: Any, texts: list[str], rounds: int = 2) -> dict[str, Any]:
    """Chunks/s of build_index vs SentenceTransformer.encode on the same texts, same process.

    The two alternate `rounds` times and the best time of each counts, so a burst of other
    work on the machine does not land on one side only.
    """
    from corpus.models import Corpus, Document, Paragraph
    from index.build import build_index
    from index.store import make_client

    model = embeddings.model._client  # the SentenceTransformer inside HuggingFaceEmbeddings
    model.encode(texts[:32], batch_size=64, normalize_embeddings=True)  # warm up
    docs = tuple(
        Document(f"doc-{i}", f"Doc {i}", "bench", "2026-01-01", (), (Paragraph("p", text),))
        for i, text in enumerate(texts)
    )
    raw, built, overhead = [], [], []
    for _ in range(rounds):
        started = time.perf_counter()
        model.encode(texts, batch_size=64, normalize_embeddings=True)
        raw.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as tmp:
            client = make_client(Path(tmp), None, 0)
            timed = _TimedEmbeddings(embeddings)
            report = build_index(
                Corpus(docs, ()), client, timed, COLLECTION, (), progress=False, sentences=5
            )
        assert report.embedded == len(texts), report
        built.append(report.seconds)
        overhead.append(report.seconds - timed.seconds)
    return {
        "texts": len(texts),
        "rounds": rounds,
        "raw_encode_per_s": round(len(texts) / min(raw), 1),
        "build_per_s": round(len(texts) / min(built), 1),
        "ratio": round(min(raw) / min(built), 3),
        # Everything but the model (chunking, tagging, Chroma writes): steady under load.
        "build_overhead_s": round(min(overhead), 2),
        "build_overhead_share": round(min(overhead) / min(built), 3),
        "target_ratio": 0.8,
    }


def write_synthetic_index(
    client: Any, size: int, texts: list[str], vectors: np.ndarray, model: str
) -> None:
    """A live index of `size` chunks recombined from the embedded base texts."""
    from index import store
    from index.chunking import chunk_id
    from index.records import Chunk

    rng = np.random.default_rng(size)
    first = np.arange(size) % len(texts)
    second = rng.integers(0, len(texts), size)
    chunks, rows = [], []
    for i in range(size):
        text = texts[first[i]] if i < len(texts) else f"{texts[first[i]]} {texts[second[i]]}"
        chunks.append(
            Chunk(
                chunk_id(f"s{i % 50}", f"{i} {text}"),
                text,
                f"s{i % 50}",
                "Synthetic",
                "p",
                "passage",
            )
        )
        rows.append(vectors[first[i]] if i < len(texts) else vectors[first[i]] + vectors[second[i]])
    matrix = np.asarray(rows, dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    target = store.new_build_collection(client, COLLECTION, f"size{size}")
    store.add_chunks(target, chunks, matrix)
    store.write_manifest(
        client,
        COLLECTION,
        store.Manifest(target.name, model, matrix.shape[1], {"synthetic": str(size)}, size),
    )
    for name in store.leftover_builds(client, COLLECTION, keep=target.name):
        client.delete_collection(name)


def bench_latency(client: Any, embeddings: Any, queries: list[str]) -> dict[str, Any]:
    """Warm p50/p95 of HybridRetriever.search, and of the query embedding alone."""
    from index.retrieve import HybridRetriever

    started = time.perf_counter()
    retriever = HybridRetriever.open(client, embeddings, COLLECTION)
    opened = time.perf_counter() - started
    for query in queries[:5]:
        retriever.search(query)
    total, embed = [], []
    for query in queries:
        t0 = time.perf_counter()
        retriever.search(query, k=5)
        total.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        embeddings.embed_query(query + " ")  # a different string, so no cache could help
        embed.append((time.perf_counter() - t0) * 1000)
    return {
        "chunks": len(retriever.chunks),
        "open_s": round(opened, 2),
        "p50_ms": _percentile(total, 50),
        "p95_ms": _percentile(total, 95),
        "query_embedding_p50_ms": _percentile(embed, 50),
        "search_without_embedding_p50_ms": round(
            _percentile(total, 50) - _percentile(embed, 50), 2
        ),
    }


def _say(message: str) -> None:
    print(f"  index: {message}", file=sys.stderr, flush=True)


def _percentile(values: list[float], q: int) -> float:
    return round(float(np.percentile(values, q)), 2)


def peak_rss(chroma_dir: Path, settings: Settings) -> dict[str, Any]:
    """Peak RSS of a fresh process that opens the 100k index with the model and queries it."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_index", "--rss", str(chroma_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BATTERYBOT_EMBEDDING_MODEL": settings.embedding_model},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rss_child(chroma_dir: str) -> None:
    from index.embeddings import make_embeddings
    from index.retrieve import HybridRetriever
    from index.store import make_client

    settings = Settings()
    embeddings = make_embeddings(settings.embedding_model, settings.embedding_sha256)
    retriever = HybridRetriever.open(make_client(Path(chroma_dir), None, 0), embeddings, COLLECTION)
    for query in _queries()[:10]:
        retriever.search(query)
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"chunks": len(retriever.chunks), "peak_rss_mib": round(kib / 1024, 1)}))


def run() -> dict[str, Any]:
    """All index figures; see the module docstring for how the synthetic corpus is made."""
    from index.embeddings import make_embeddings
    from index.store import make_client

    settings = Settings()
    embeddings = make_embeddings(settings.embedding_model, settings.embedding_sha256)
    texts = synthetic_texts(_sentences(settings), BASE_TEXTS)
    figures: dict[str, Any] = {
        "synthetic_corpus": (
            f"{BASE_TEXTS} unique texts of 3-5 recombined corpus sentences are embedded; larger "
            "collections pair them (text concatenated, vectors summed and normalised)"
        ),
        "cpus": os.cpu_count(),
        # Other work on the machine skews every timing here; the load average says how much.
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    _say(f"throughput over {len(texts)} texts")
    figures["throughput"] = bench_throughput(embeddings, texts)
    vectors = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
    queries = _queries()
    latency: dict[str, Any] = {"embedded": {}, "server": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            _say(f"embedded index of {size} chunks")
            client = make_client(Path(tmp) / f"embedded-{size}", None, 0)
            started = time.perf_counter()
            write_synthetic_index(client, size, texts, vectors, embeddings.name)
            result = bench_latency(client, embeddings, queries)
            result["write_s"] = round(time.perf_counter() - started - result["open_s"], 1)
            latency["embedded"][str(size)] = result
        _say("peak RSS of a process holding the largest index")
        figures["peak_rss_100k"] = peak_rss(Path(tmp) / f"embedded-{max(SIZES)}", settings)
        for size in SERVER_SIZES:
            _say(f"server index of {size} chunks")
            with ChromaServer(Path(tmp) / f"server-{size}") as server:
                client = make_client(Path(tmp), "127.0.0.1", server.port)
                write_synthetic_index(client, size, texts, vectors, embeddings.name)
                latency["server"][str(size)] = bench_latency(client, embeddings, queries)
    figures["query_latency"] = latency
    figures["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    figures["target_p50_ms_at_100k"] = 50
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--rss":
        _rss_child(sys.argv[2])
    else:
        print(json.dumps(run(), indent=2))
