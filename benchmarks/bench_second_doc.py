"""A new source document: does the bot answer a subject it was never tuned on as well as the seed?

    python -m benchmarks.bench_second_doc [--out benchmarks/second_doc.json]
    python -m benchmarks.bench_second_doc --doc-dir evals/third_doc --out benchmarks/third_doc.json

The corpus folder is copied to a temp dir (documents, gazetteer and facts unchanged: nothing is
added to entities.yaml or facts/ for the new document) and the document folder's *.md is added
to its documents (evals/second_doc by default). One index is built from it with `batterybot
index build`; then `batterybot eval run` scores the field set (questions about the seed) and the
folder's questions.jsonl (questions about the new document) against that same index, each in a
fresh process.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.distractors import (
    build,
    cli_env,
    eval_figures,
    field_dataset,
    write_corpus,
    write_figures,
)
from bot.settings import REPO_ROOT

SECOND_DOC = REPO_ROOT / "evals/second_doc"
THIRD_DOC = REPO_ROOT / "evals/third_doc"
# The bar: the new document's pass rate within this many points of the seed's.
WITHIN_POINTS = 5.0


def corpus_with_second_doc(target: Path, second_doc_dir: Path = SECOND_DOC) -> Path:
    """The project's corpus plus the second document(s), in a fresh folder."""
    write_corpus(target, [])
    for path in sorted(second_doc_dir.glob("*.md")):
        shutil.copy(path, target / "documents" / path.name)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--field", type=Path, default=None)
    parser.add_argument("--doc-dir", type=Path, default=SECOND_DOC)
    parser.add_argument("--questions", type=Path, default=None, help="default: DOC_DIR's")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks/second_doc.json")
    args = parser.parse_args(argv)
    field = args.field or field_dataset()
    doc_dir = args.doc_dir.resolve()
    questions = args.questions or doc_dir / "questions.jsonl"

    with tempfile.TemporaryDirectory(prefix="bench-second-doc-") as tmp:
        work = Path(tmp)
        corpus = corpus_with_second_doc(work / "corpus", doc_dir)
        env = cli_env(corpus, work / "data")
        index = build(env, work)
        seed = eval_figures(field, env, work, "field")
        second = eval_figures(questions, env, work, "second-doc")
    gap = round(100 * (seed["pass_rate"] - second["pass_rate"]), 1)
    figures = {
        "documents": sorted(p.name for p in doc_dir.glob("*.md")),
        "index": index,
        "seed_field_set": seed,
        "second_doc": second,
        "gap_points": gap,
        "within_points": WITHIN_POINTS,
        "meets_bar": gap <= WITHIN_POINTS,
    }
    print(
        f"field set {seed['passed']}/{seed['cases']}, {doc_dir.name} "
        f"{second['passed']}/{second['cases']} (gap {gap} points)",
        file=sys.stderr,
    )
    write_figures(args.out, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
