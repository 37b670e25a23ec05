"""Generate the development/test question sets from every corpus sentence with the local model.

    python -m evals.generate.questions            ask the model, then validate and write
    python -m evals.generate.questions --replay   re-validate the recorded replies only

The model's raw replies are recorded (evals/generate/replies.jsonl) next to the datasets, so
anyone can re-run validation and see that every kept case came from the model and the checks,
not from an edit by hand. The sidecar evals/datasets/generated.meta.json records the model,
seed, prompts, sampling parameters, counts and the discard rate.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus.check import load_corpus
from evals.dataset import corpus_text, load_dataset
from evals.generate import prompts
from evals.generate.cases import (
    Draft,
    Tally,
    abstain_drafts,
    abstain_items,
    answerable_drafts,
    answerable_items,
    carries,
    case_ids,
    corpus_sections,
    corpus_sentences,
    dedupe,
    split,
    to_row,
)
from index.embeddings import file_sha256, make_embeddings

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = REPO / "models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
REPLIES = REPO / "evals/generate/replies.jsonl"
DATASETS = REPO / "evals/datasets"
SEED = 20261129
# Sampling: warm enough for varied wording, cool enough that the JSON stays well formed.
PARAMS = {"temperature": 0.8, "top_p": 0.95, "max_tokens": 260, "repeat_penalty": 1.1}
CONTEXT = 2048
ABSTAIN_PER_SECTION = 5


def _requests(documents: Sequence[Any]) -> list[dict[str, Any]]:
    """Every model call to make, in order: one per section, then one per sentence."""
    requests = []
    for section in corpus_sections(documents):
        text = prompts.UNANSWERABLE.format(
            section=section.section, title=section.title, paragraph=section.paragraph
        )
        requests.append({"id": f"a-{section.document}-{section.section}", "prompt": text})
    for source in corpus_sentences(documents):
        text = prompts.ANSWERABLE.format(
            section=source.section, title=source.title, sentence=source.sentence
        )
        requests.append({"id": f"s{source.number:03d}", "prompt": text})
    for section in corpus_sections(documents):  # a second round, for enough unanswerables
        text = prompts.UNANSWERABLE_MORE.format(
            section=section.section, title=section.title, paragraph=section.paragraph
        )
        requests.append({"id": f"b-{section.document}-{section.section}", "prompt": text})
    return requests


def ask_model(
    requests: list[dict[str, Any]],
    model: Path,
    seed: int,
    threads: int,
    partial: Path,
    cached: Sequence[Path] = (),
    only: str = "",
) -> list[dict]:
    """Run every request through the local model in-process; return the replies in order.

    Each reply is appended to `partial` as it arrives, and replies already in `partial` or
    `cached` files for the same prompt and seed are reused, so an interrupted run resumes where
    it stopped. With `only`, just the requests whose id starts with one of its comma-separated
    prefixes are run, so several processes can share a long run.
    """
    done = {}
    for path in (*cached, partial):
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                done[(row["id"], row["prompt_sha256"], row["seed"])] = row
    llm = None
    replies = []
    for i, request in enumerate(requests):
        call_seed = seed + i
        digest = hashlib.sha256(request["prompt"].encode()).hexdigest()
        if (request["id"], digest, call_seed) in done:
            replies.append(done[(request["id"], digest, call_seed)])
            continue
        if not request["id"].startswith(tuple(only.split(","))):
            continue
        if llm is None:
            from llama_cpp import Llama

            llm = Llama(
                model_path=str(model), n_ctx=CONTEXT, n_threads=threads, seed=seed, verbose=False
            )
        started = time.perf_counter()
        out = llm.create_chat_completion(
            messages=[
                {"role": "system", "content": prompts.SYSTEM},
                {"role": "user", "content": request["prompt"]},
            ],
            seed=call_seed,
            **PARAMS,
        )
        seconds = round(time.perf_counter() - started, 2)
        row = {
            "id": request["id"],
            "seed": call_seed,
            "prompt_sha256": digest,
            "reply": out["choices"][0]["message"]["content"],
            "seconds": seconds,
        }
        with partial.open("a", encoding="utf-8") as sink:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
        replies.append(row)
        print(f"[{i + 1}/{len(requests)}] {request['id']} {seconds:.1f}s", file=sys.stderr)
    return replies


def carrier_similarity(documents: Sequence[Any], entities: Sequence[Any]) -> Any:
    """nearest(question, detail): the best cosine between the question and a corpus sentence
    that gives that kind of detail (a company or any named thing, for company and person)."""
    import numpy as np

    from bot.settings import Settings

    settings = Settings()
    model = make_embeddings(settings.embedding_model, settings.embedding_sha256)
    sentences = [s.sentence for s in corpus_sentences(documents)]
    vectors = np.array(model.embed_documents(sentences))
    names = {
        "company": [n for e in entities if e.type == "company" for n in (e.name, *e.aliases)],
        "person": [n for e in entities for n in (e.name, *e.aliases)],
    }
    rows = {
        detail: [i for i, s in enumerate(sentences) if carries(s, detail, names.get(detail, ()))]
        for detail in ("year", "figure", "percent", "company", "person")
    }

    def nearest(question: str, detail: str) -> float:
        if not rows[detail]:
            return 0.0
        vector = np.array(model.embed_query(question))
        return float(np.max(vectors[rows[detail]] @ vector))

    return nearest


def validate(
    documents: Sequence[Any], entities: Sequence[Any], replies: list[dict], nearest: Any = None
) -> tuple:
    """Turn recorded replies into validated drafts; return (drafts, answerable, abstain tallies)."""
    companies = [e.name for e in entities if e.type == "company"]
    by_id = {r["id"]: r["reply"] for r in replies}
    answerable, abstain = Tally(), Tally()
    drafts: list[Draft] = []
    for source in corpus_sentences(documents):
        items = answerable_items(by_id.get(f"s{source.number:03d}", ""))
        if not items:
            answerable.discard("unreadable reply")
        drafts += answerable_drafts(source, items, answerable)
    corpus = corpus_text(documents)
    for section in corpus_sections(documents, companies):
        for round_ in ("a", "b"):
            reply = by_id.get(f"{round_}-{section.document}-{section.section}", "")
            items = abstain_items(reply)
            if not items:
                abstain.discard("unreadable reply")
            drafts += abstain_drafts(section, items, corpus, abstain, nearest)
    before = Counter(d.kind == "abstain" for d in drafts)
    kept = dedupe(drafts, Tally())
    after = Counter(d.kind == "abstain" for d in kept)
    for tally, is_abstain in ((answerable, False), (abstain, True)):
        duplicates = before[is_abstain] - after[is_abstain]
        if duplicates:
            tally.reasons["duplicate question"] += duplicates
        tally.kept = after[is_abstain]
    return kept, answerable, abstain


def write(drafts: list[Draft], seed: int, out_dir: Path) -> dict[str, list[dict]]:
    """Write generated-dev.jsonl and generated-test.jsonl; return their rows."""
    ids = dict(zip(map(id, drafts), case_ids(drafts), strict=True))
    dev, test = split(drafts, seed)
    written = {}
    for name, part in (("generated-dev", dev), ("generated-test", test)):
        rows = [to_row(ids[id(d)], d) for d in part]
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (out_dir / f"{name}.jsonl").write_text(text, encoding="utf-8")
        written[name] = rows
    return written


def _counts(rows: list[dict]) -> dict[str, Any]:
    return {
        "cases": len(rows),
        "by_kind": dict(sorted(Counter(r["kind"] for r in rows).items())),
        "by_register": dict(sorted(Counter(r["id"].split("-")[-2] for r in rows).items())),
        "source_sentences": len({r["evidence"][0] for r in rows if r["evidence"]}),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, default=REPO / "corpus")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--replies", type=Path, default=REPLIES)
    parser.add_argument("--out-dir", type=Path, default=DATASETS)
    parser.add_argument("--replay", action="store_true", help="Validate recorded replies only.")
    parser.add_argument(
        "--only", default="", help="Ask only for requests with these comma-separated id prefixes."
    )
    parser.add_argument(
        "--cached", type=Path, action="append", default=[], help="More recorded replies to reuse."
    )
    args = parser.parse_args(argv)

    corpus = load_corpus(args.corpus_dir)
    documents = list(corpus.documents)
    requests = _requests(documents)
    if args.replay:
        replies = [json.loads(line) for line in args.replies.read_text().splitlines() if line]
        generation_s = None
    else:
        if not args.model.is_file():
            print(f"No model at {args.model}: run `make llm` first.", file=sys.stderr)
            return 3
        partial = args.replies.with_name(args.replies.name + ".partial")
        cached = [args.replies, *args.cached]
        replies = ask_model(
            requests, args.model, args.seed, args.threads, partial, cached, args.only
        )
        if args.only:  # a partial run: its replies stay in the partial file for a full run
            return 0
        generation_s = round(sum(r["seconds"] for r in replies), 1)
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in replies)
        args.replies.write_text(text, encoding="utf-8")
        partial.unlink()

    nearest = carrier_similarity(documents, corpus.entities)
    drafts, answerable, abstain = validate(documents, corpus.entities, replies, nearest)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    written = write(drafts, args.seed, args.out_dir)
    for name in written:  # the written files must load as datasets against the corpus
        load_dataset(args.out_dir / f"{name}.jsonl", corpus_text(documents))

    meta = {
        "generator": "python -m evals.generate.questions",
        "model": args.model.name,
        "model_sha256": file_sha256(args.model) if args.model.is_file() else None,
        "runtime": "llama-cpp-python (in-process chat completion)",
        "seed": args.seed,
        "per_call_seed": "seed + call number",
        "threads": args.threads,
        "context": CONTEXT,
        "params": PARAMS,
        "calls": len(requests),
        "generation_s": generation_s
        if generation_s is not None
        else _previous(args.out_dir, "generation_s"),
        "prompts": {
            "system": prompts.SYSTEM,
            "answerable": prompts.ANSWERABLE,
            "unanswerable": prompts.UNANSWERABLE,
            "unanswerable_more": prompts.UNANSWERABLE_MORE,
            "styles": list(prompts.STYLES),
            "unanswerable_per_section": ABSTAIN_PER_SECTION,
        },
        "corpus_sentences": len(corpus_sentences(documents)),
        "validation": {"answerable": answerable.as_dict(), "abstain": abstain.as_dict()},
        "split": "by source sentence (abstain: by question), seeded hash order, dealt alternately",
        "files": {name: _counts(rows) for name, rows in written.items()},
    }
    sidecar = args.out_dir / "generated.meta.json"
    sidecar.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(meta["validation"], indent=2))
    print(json.dumps(meta["files"], indent=2))
    return 0


def _previous(out_dir: Path, key: str) -> Any:
    try:
        return json.loads((out_dir / "generated.meta.json").read_text())[key]
    except (OSError, ValueError, KeyError):
        return None


if __name__ == "__main__":
    raise SystemExit(main())
