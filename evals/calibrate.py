"""Calibrate the answer chain's few thresholds on a development set, and say what they trade.

    python -m evals.calibrate evals/datasets/generated-dev.jsonl evals/datasets/grounding.jsonl \
        --out evals/calibration.json

For each case it gathers evidence once, exactly as the chain does, then sweeps:

- the relevance floor (`bot.decide.MIN_RELEVANCE`): the closest sentence's similarity for
  answerable questions against off-topic and unanswerable ones;
- the answer gaps (`bot.compose.GAP`, `GAP_MANY`): how far below the best sentence the
  sentences holding a case's answer keys sit, for questions that want one thing and for those
  that want several;
- the share of a why/since clause's words the corpus must write before the clause is checked
  (`bot.decide.PREMISE_WORDS_KNOWN`): true premises a bar leaves to the check (which may read
  them as unsupported) against false premises it lets through unchecked.

It prints a table and writes the figures to JSON; the constants in the code quote the values
chosen and the data set they came from. Run it on a set no rule was written against.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Sequence
from pathlib import Path

from bot.chain import AnswerChain
from bot.decide import known_share
from bot.records import Turn
from evals.dataset import EvalCase, load_dataset
from evals.metrics import has_phrase

FLOORS = [round(0.05 * i, 2) for i in range(1, 11)]
GAPS = [round(0.02 * i, 2) for i in range(0, 11)]
KNOWN_SHARES = [round(0.1 * i, 1) for i in range(0, 11)]
# A gap is chosen as the smallest that reaches every key of this share of the cases: past it,
# each further case costs longer answers for every question.
GAP_COVERAGE = 0.9


def measure(chain: AnswerChain, cases: Sequence[EvalCase]) -> list[dict]:
    """Per case: its kind, the closest sentence's similarity, and the gap its keys need."""
    rows = []
    for case in cases:
        history: list[Turn] = []
        for turn in case.turns[:-1]:
            history += [Turn("user", turn), Turn("assistant", chain.answer(turn, history).text)]
        query = chain.understand(case.turns[-1], history)
        evidence = chain.gather(query)
        pool = evidence.pool
        rows.append(
            {
                "id": case.id,
                "answerable": case.answerable,
                "many": query.intent.wants_many,
                "best_similarity": round(evidence.closest, 4),
                "gap_needed": _gap_needed(case, pool),
                "false_premise": case.kind == "false_premise",
                "premise_known": (
                    round(known_share(query.intent.presupposition, chain.retriever.knows), 4)
                    if query.intent.presupposition
                    else None
                ),
            }
        )
    return rows


def _gap_needed(case: EvalCase, pool) -> float | None:
    """How far below the best sentence the last sentence holding an answer key sits."""
    groups = [[k] for k in case.answer_keys] + [list(g) for g in case.any_of]
    if not groups or not pool:
        return None
    top = pool[0].score
    needed = 0.0
    for group in groups:
        holders = [h for h in pool if any(has_phrase(h.chunk.text, alt) for alt in group)]
        if not holders:
            return None  # not retrieved at all: no gap helps
        needed = max(needed, top - max(h.score for h in holders))
    return round(needed, 4)


def sweep(rows: list[dict]) -> dict:
    """The trade-off tables and the values they suggest."""
    answerable = [r for r in rows if r["answerable"]]
    declining = [r for r in rows if not r["answerable"]]
    floors = []
    for floor in FLOORS:
        refused = sum(r["best_similarity"] < floor for r in answerable)
        caught = sum(r["best_similarity"] < floor for r in declining)
        floors.append(
            {"floor": floor, "answerable_refused": refused, "unanswerable_caught": caught}
        )
    # of the floors that refuse the fewest answerable questions and, among those, catch the
    # most others, the middle one: the widest margin on both sides. The highest such floor
    # sits on the lowest answerable case, and a question nobody wrote falls either side of it.
    fewest = min(f["answerable_refused"] for f in floors)
    safe = [f for f in floors if f["answerable_refused"] == fewest]
    most = max(f["unanswerable_caught"] for f in safe)
    best = [f["floor"] for f in safe if f["unanswerable_caught"] == most]
    floor = round(statistics.median(best), 3)
    gaps = {}
    for label, many in (("one", False), ("many", True)):
        needs = [r["gap_needed"] for r in answerable if r["many"] == many]
        reachable = [n for n in needs if n is not None]
        table = (
            [
                {"gap": g, "share_reached": round(sum(n <= g for n in reachable) / len(needs), 3)}
                for g in GAPS
            ]
            if needs
            else []
        )
        best_share = max((t["share_reached"] for t in table), default=0.0)
        target = min(GAP_COVERAGE, best_share)
        chosen = next((t["gap"] for t in table if t["share_reached"] >= target), None)
        gaps[label] = {
            "cases": len(needs),
            "unreachable": len(needs) - len(reachable),
            "table": table,
            "chosen": chosen,
        }
    return {
        "relevance_floor": {"table": floors, "chosen": floor},
        "gaps": gaps,
        "premise_words_known": _premise_bars(rows),
    }


def _premise_bars(rows: list[dict]) -> list[dict]:
    """For each bar: the true premises still checked (each may be read as unsupported) and the
    false ones let through unchecked. A bar trades one for the other; the table says how."""
    true = [r["premise_known"] for r in rows if r["premise_known"] is not None and r["answerable"]]
    false = [
        r["premise_known"] for r in rows if r["premise_known"] is not None and r["false_premise"]
    ]
    return [
        {
            "bar": bar,
            "true_checked": sum(k >= bar for k in true),
            "true_premises": len(true),
            "false_unchecked": sum(k < bar for k in false),
            "false_premises": len(false),
        }
        for bar in KNOWN_SHARES
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", type=Path, nargs="+")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    from bot.settings import Settings
    from corpus.loaders import load_documents
    from evals.dataset import corpus_text

    settings = Settings()
    documents, _ = load_documents(settings.documents_dir)
    text = corpus_text(documents)
    cases = [case for path in args.datasets for case in load_dataset(path, text)]
    chain = AnswerChain.from_settings(settings, "extractive")
    rows = measure(chain, cases)
    names = [str(p) for p in args.datasets]
    result = {"datasets": names, "cases": len(rows), **sweep(rows)}
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=1))
    if args.out:
        args.out.write_text(json.dumps({**result, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
