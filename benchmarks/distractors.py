"""Distractor benchmark: the seed plus a thousand generated documents, scored as a user meets it.

    python -m benchmarks.distractors [--count 1000] [--out benchmarks/distractors.json]

The generator writes corpus documents from templates and word banks with a fixed seed: half are
unrelated text (farming, shipping, software, retail, tourism) and half look on topic (battery,
mining and EV text about countries and companies the seed never names, with figures, rates and
years that differ from the seed's). The benchmark copies the project's corpus (documents,
gazetteer, facts) into a temp folder, adds the generated documents, builds the index once with
`batterybot index build` (timed), then measures through the CLI, each in a fresh process:

- the field set's pass count and abstain cases against the seed-only figure (same commit, same
  commands, a seed-only index built alongside);
- cold start to first answer: `batterybot ask` end to end with the index built, median of 3;
- warm answer latency: p50 of the per-question latencies of the eval run (one loaded chain);
- peak RSS of each child process (from wait4's rusage).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.settings import REPO_ROOT

SEED = 1029
COUNT = 1000
COLD_RUNS = 3
COLD_QUESTION = "Which companies lead South Korea's battery industry?"
FIELD_CANDIDATES = (
    REPO_ROOT / "evals/datasets/field.jsonl",
    REPO_ROOT / "evals/datasets/field-questions.jsonl",
    REPO_ROOT.parent / "shared/field/field-questions.jsonl",
)

# --- word banks ----------------------------------------------------------------------------
# Countries and firms the seed never names; the seed's own figures (70%, 2025) are left out of
# the figure ranges so a distractor can never restate a seed fact by accident.
COUNTRIES = (
    "Chile", "Argentina", "Bolivia", "Morocco", "Finland", "Sweden", "Poland", "Hungary",
    "Vietnam", "Thailand", "Mexico", "Canada", "Brazil", "Zimbabwe", "India", "Malaysia",
    "the Philippines", "Norway", "Serbia", "Portugal", "Kazakhstan", "Mongolia", "Namibia",
    "Turkey", "Saudi Arabia", "Egypt", "Peru", "Ghana", "Uzbekistan", "Slovakia",
)  # fmt: skip
REGIONS = (
    "northern", "southern", "eastern", "western", "central", "coastal", "highland", "desert",
)  # fmt: skip
NAME_HEADS = (
    "Altamira", "Boreal", "Cordillera", "Danubia", "Estrela", "Fjordane", "Granitor", "Heliora",
    "Istrana", "Jadeport", "Kestrel", "Lumenra", "Meridia", "Nordvik", "Orionis", "Pampera",
    "Quarzo", "Riverton", "Sierrana", "Tundral", "Umbria", "Vestal", "Westmark", "Xaloc",
    "Yukara", "Zenara", "Atacora", "Balkan", "Caspia", "Dorado",
)  # fmt: skip
BATTERY_TAILS = ("Lithium", "Cells", "Energy", "Mining", "Metals", "Power", "Battery Works")
FIRM_FORMS = ("Group", "Holdings", "Corporation", "Industries", "Resources", "Ltd")
MATERIALS = ("lithium", "nickel", "cobalt", "manganese", "graphite", "copper", "vanadium")
CHEMISTRIES = (
    "lithium iron phosphate", "nickel manganese cobalt", "sodium-ion", "lithium titanate",
    "nickel cobalt aluminium",
)  # fmt: skip
PRODUCTS = ("battery cells", "cathode materials", "electric buses", "battery packs", "anodes")
AGENCIES = ("Ministry of Industry", "National Energy Agency", "Mining Council", "Trade Office")
PROGRAMMES = ("Green Mobility Plan", "Critical Minerals Strategy", "Clean Industry Act",
              "Battery Corridor Programme", "Electric Transport Roadmap")  # fmt: skip

# Unrelated industries: what the sector makes, where, and what it measures.
INDUSTRIES = {
    "agriculture": {
        "things": ("wheat", "coffee", "cocoa", "rice", "soybeans", "olives", "tea", "barley"),
        "places": ("farms", "cooperatives", "estates", "smallholdings"),
        "measure": ("tonnes per hectare", "thousand tonnes", "million tonnes"),
        "actors": ("Harvest", "Fields", "Agro", "Growers", "Produce"),
        "topic": "farming",
    },
    "shipping": {
        "things": ("container traffic", "bulk cargo", "ferry services", "grain shipments"),
        "places": ("ports", "terminals", "shipyards", "canal locks"),
        "measure": ("million containers", "million tonnes", "vessel calls"),
        "actors": ("Maritime", "Shipping", "Lines", "Logistics", "Port Services"),
        "topic": "shipping",
    },
    "software": {
        "things": ("payroll software", "cloud storage", "mobile banking apps", "ticketing tools"),
        "places": ("data centres", "offices", "development hubs", "support centres"),
        "measure": ("million users", "thousand customers", "million downloads"),
        "actors": ("Soft", "Cloud", "Systems", "Digital", "Labs"),
        "topic": "software",
    },
    "retail": {
        "things": ("grocery chains", "furniture stores", "online fashion", "pharmacies"),
        "places": ("stores", "warehouses", "outlets", "distribution centres"),
        "measure": ("million shoppers", "thousand orders a day", "stores"),
        "actors": ("Market", "Retail", "Stores", "Trading", "Brands"),
        "topic": "retail",
    },
    "tourism": {
        "things": ("beach resorts", "mountain hotels", "river cruises", "city tours"),
        "places": ("resorts", "hotels", "visitor centres", "national parks"),
        "measure": ("million visitors", "thousand overnight stays", "hotel rooms"),
        "actors": ("Travel", "Hotels", "Resorts", "Tours", "Hospitality"),
        "topic": "tourism",
    },
}


@dataclass(frozen=True)
class Generated:
    """One generated corpus document: its file name and Markdown text."""

    name: str
    text: str


class _Draw:
    """Seeded choices and figures for one document."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(list(options))

    def year(self) -> int:
        return self.rng.choice([y for y in range(1996, 2025)])

    def percent(self) -> int:
        return self.rng.choice([p for p in range(3, 96) if p != 70])

    def number(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def firm(self, tails: Sequence[str]) -> str:
        return f"{self.pick(NAME_HEADS)} {self.pick(tails)} {self.pick(FIRM_FORMS)}"


def _battery_document(draw: _Draw) -> tuple[str, list[tuple[str, str]], list[str]]:
    country = draw.pick(COUNTRIES)
    first, second, miner = (draw.firm(BATTERY_TAILS) for _ in range(3))
    material, other = draw.rng.sample(MATERIALS, 2)
    chemistry, product = draw.pick(CHEMISTRIES), draw.pick(PRODUCTS)
    programme, agency = draw.pick(PROGRAMMES), draw.pick(AGENCIES)
    place = country[0].upper() + country[1:]
    title = f"{place}'s {draw.pick(('Battery', 'Mining', 'EV'))} Sector: {material.title()}"
    paragraphs = [
        (
            "overview",
            f"{place} is building a battery industry around its {material} and {other} "
            f"deposits. {first} and {second} lead the sector, with support from the {agency}. "
            f"Officials expect cell output to reach {draw.number(5, 180)} GWh a year by "
            f"{draw.number(2027, 2040)}. The industry employed about {draw.number(2, 90)},000 "
            f"people in {draw.year()}.",
        ),
        (
            "raw-materials",
            f"{miner} operates open-pit {material} mines in the {draw.pick(REGIONS)} region "
            f"and produced {draw.number(4, 400)} thousand tonnes in {draw.year()}. Local "
            f"refining capacity grew by {draw.percent()}% between {draw.number(2010, 2016)} and "
            f"{draw.number(2018, 2024)}. The government charges a {draw.number(2, 18)}% royalty "
            f"on {material} exports and reinvests part of it in roads and power lines.",
        ),
        (
            "manufacturing",
            f"{first} makes {chemistry} cells at a plant near the {draw.pick(REGIONS)} border, "
            f"opened in {draw.year()}. {second} focuses on {product} for buses and delivery "
            f"vans. Together the two firms hold {draw.percent()}% of domestic capacity, and "
            f"exports of {product} rose by {draw.percent()}% last year.",
        ),
        (
            "policy",
            f"The {programme} offers grants to manufacturers that source {draw.percent()}% of "
            f"components locally. In {draw.year()}, {country} placed a {draw.number(5, 60)}% "
            f"tariff on imported {product}. Critics say the rules raise costs for carmakers, "
            f"while supporters point to {draw.number(3, 40)} new factories announced since "
            f"{draw.year()}.",
        ),
    ]
    tags = [_slug(country), material, "batteries", "mining"]
    return title, paragraphs, tags


def _industry_document(draw: _Draw) -> tuple[str, list[tuple[str, str]], list[str]]:
    name = draw.pick(sorted(INDUSTRIES))
    bank = INDUSTRIES[name]
    country = draw.pick(COUNTRIES)
    place = country[0].upper() + country[1:]
    thing, other = draw.rng.sample(list(bank["things"]), 2)
    firm = draw.firm(bank["actors"])
    rival = draw.firm(bank["actors"])
    title = f"{thing.title()} in {place}: A {bank['topic'].title()} Brief"
    paragraphs = [
        (
            "overview",
            f"{place} has a growing {bank['topic']} sector built around {thing}. "
            f"{firm} is the largest operator, running {draw.number(12, 900)} "
            f"{draw.pick(bank['places'])} across the {draw.pick(REGIONS)} provinces. "
            f"Output reached {draw.number(2, 500)} {draw.pick(bank['measure'])} in "
            f"{draw.year()}.",
        ),
        (
            "market",
            f"Demand for {other} rose by {draw.percent()}% over the last decade. {rival} "
            f"entered the market in {draw.year()} and now serves {draw.number(3, 60)} cities. "
            f"Prices fell by {draw.number(2, 30)}% after new {draw.pick(bank['places'])} "
            f"opened in {draw.year()}.",
        ),
        (
            "outlook",
            f"Analysts expect the {bank['topic']} sector to grow by {draw.number(2, 15)}% a "
            f"year until {draw.number(2027, 2040)}. Labour shortages and {draw.pick(REGIONS)} "
            f"droughts remain the main risks. The government plans a {draw.number(10, 400)} "
            f"million dollar fund for training and equipment.",
        ),
    ]
    tags = [_slug(country), name]
    return title, paragraphs, tags


def _slug(text: str) -> str:
    return "-".join(text.lower().replace("'", "").split())


def _markdown(doc_id: str, title: str, paragraphs: list[tuple[str, str]], tags: list[str]) -> str:
    lines = [
        "---",
        f"id: {doc_id}",
        f'title: "{title}"',
        f'source: "Generated distractor (benchmarks/distractors.py, seed {SEED})"',
        "date: 2026-11-29",
        f"tags: [{', '.join(tags)}]",
        "---",
        "",
    ]
    for anchor, text in paragraphs:
        lines += [f"<!-- anchor: {anchor} -->", text, ""]
    return "\n".join(lines)


def distractor_documents(count: int = COUNT, seed: int = SEED) -> list[Generated]:
    """`count` corpus documents, alternately on-topic-looking and unrelated, fixed by the seed."""
    rng = random.Random(seed)
    documents = []
    for i in range(count):
        battery = i % 2 == 0
        title, paragraphs, tags = (_battery_document if battery else _industry_document)(_Draw(rng))
        doc_id = f"distractor-{i + 1:04d}"
        documents.append(Generated(f"{doc_id}.md", _markdown(doc_id, title, paragraphs, tags)))
    return documents


def write_corpus(target: Path, documents: Sequence[Generated], source: Path | None = None) -> Path:
    """Copy the project's corpus folder to `target` and add the documents; return `target`."""
    shutil.copytree(
        source or REPO_ROOT / "corpus", target, ignore=_not_corpus_data, dirs_exist_ok=True
    )
    for document in documents:
        (target / "documents" / document.name).write_text(document.text, encoding="utf-8")
    return target


def _not_corpus_data(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n.endswith(".py") or n == "__pycache__"]


# --- measuring through the CLI -------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    """A finished child process: exit code, wall time, peak RSS, what it printed."""

    code: int
    seconds: float
    peak_rss_mb: float
    output: str  # stdout
    errors: str  # stderr


def run_child(args: Sequence[str], env: dict[str, str], workdir: Path) -> Child:
    """Run a command to completion; its peak RSS comes from the kernel's rusage for it alone."""
    stem = workdir / f"child-{time.monotonic_ns()}"
    out, err = stem.with_suffix(".out"), stem.with_suffix(".err")
    started = time.perf_counter()
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(list(args), env=env, stdout=stdout, stderr=stderr, cwd=REPO_ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Child(
        process.returncode, seconds, usage.ru_maxrss / 1024, out.read_text(), err.read_text()
    )


def cli_env(corpus_dir: Path, data_dir: Path) -> dict[str, str]:
    """The environment that points a batterybot process at one corpus and its index."""
    return {
        **os.environ,
        "BATTERYBOT_CORPUS_DIR": str(corpus_dir),
        "BATTERYBOT_DATA_DIR": str(data_dir),
        "BATTERYBOT_GENERATOR": "extractive",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
    }


def batterybot(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "batterybot"), *args]


def eval_figures(dataset: Path, env: dict[str, str], workdir: Path, name: str) -> dict[str, Any]:
    """Run `batterybot eval run` on a dataset; pass count, abstain cases, warm p50, peak RSS."""
    out = workdir / f"eval-{name}"
    child = run_child(
        batterybot("eval", "run", str(dataset), "--out", str(out), "--quiet"), env, workdir
    )
    if child.code != 0 or not (out / "results.jsonl").is_file():
        raise RuntimeError(f"eval run failed ({child.code}):\n{child.errors[-3000:]}")
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    summary = json.loads((out / "summary.json").read_text())
    abstain = [r for r in rows if r["kind"] == "abstain"]
    answerable = [r for r in rows if r["kind"] not in ("abstain", "false_premise", "injection")]
    latencies = [r["latency_ms"] for r in rows if r.get("latency_ms")]
    return {
        "dataset": str(dataset),
        "cases": len(rows),
        "passed": sum(r["passed"] for r in rows),
        "pass_rate": round(sum(r["passed"] for r in rows) / len(rows), 4) if rows else 0.0,
        "abstain_passed": sum(r["passed"] for r in abstain),
        "abstain_cases": len(abstain),
        "answerable_refused": sum(_refused(r) for r in answerable),
        "failed_ids": [r["id"] for r in rows if not r["passed"]],
        "metrics": summary.get("metrics", {}),
        "warm_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "eval_wall_s": round(child.seconds, 1),
        "eval_peak_rss_mb": round(child.peak_rss_mb, 1),
    }


def _refused(row: dict[str, Any]) -> bool:
    answer = row.get("answer") or {}
    return bool(answer.get("abstained") or answer.get("refused"))


def build(env: dict[str, str], workdir: Path) -> dict[str, Any]:
    """Build the index the environment names, timed, in a fresh process."""
    child = run_child(batterybot("index", "build"), env, workdir)
    if child.code != 0:
        raise RuntimeError(f"index build failed ({child.code}):\n{child.errors[-3000:]}")
    return {"build_s": round(child.seconds, 1), "build_peak_rss_mb": round(child.peak_rss_mb, 1)}


def cold_start(env: dict[str, str], workdir: Path, runs: int = COLD_RUNS) -> dict[str, Any]:
    """`batterybot ask` in a fresh process, end to end, `runs` times (index already built)."""
    children = [run_child(batterybot("ask", COLD_QUESTION), env, workdir) for _ in range(runs)]
    failed = [c for c in children if c.code != 0]
    if failed:
        raise RuntimeError(f"ask failed ({failed[0].code}):\n{failed[0].errors[-3000:]}")
    return {
        "question": COLD_QUESTION,
        "runs_s": [round(c.seconds, 2) for c in children],
        "median_s": round(statistics.median(c.seconds for c in children), 2),
        "peak_rss_mb": round(max(c.peak_rss_mb for c in children), 1),
        "answer": children[-1].output.strip()[:400],
    }


def corpus_size(corpus_dir: Path) -> dict[str, Any]:
    files = sorted((corpus_dir / "documents").iterdir())
    return {"documents": len(files), "bytes": sum(f.stat().st_size for f in files)}


def write_figures(out: Path, figures: dict[str, Any]) -> None:
    """A benchmark's figures as JSON, stamped with when they were measured."""
    figures["measured"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {out}")


def field_dataset() -> Path:
    for path in FIELD_CANDIDATES:
        if path.is_file():
            return path
    raise FileNotFoundError("no field set found: pass --field PATH")


@contextmanager
def _workdir(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="bench-distractors-") as tmp:
        yield Path(tmp)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--field", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks/distractors.json")
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="keep corpora and indexes in this folder; a rerun finds them built (the build "
        "figures then time an up-to-date check)",
    )
    args = parser.parse_args(argv)
    field = args.field or field_dataset()

    with _workdir(args.work) as work:
        seed_corpus = write_corpus(work / "seed-corpus", [])
        big_corpus = write_corpus(work / "corpus", distractor_documents(args.count, args.seed))
        seed_env = cli_env(seed_corpus, work / "seed-data")
        big_env = cli_env(big_corpus, work / "data")

        seed_build = build(seed_env, work)
        seed = eval_figures(field, seed_env, work, "seed")
        print(f"seed only: {seed['passed']}/{seed['cases']}", file=sys.stderr)
        big_build = build(big_env, work)
        print(f"distractor index built in {big_build['build_s']} s", file=sys.stderr)
        cold = cold_start(big_env, work)
        big = eval_figures(field, big_env, work, "distractors")
        print(f"with distractors: {big['passed']}/{big['cases']}", file=sys.stderr)
        figures = {
            "generator": {"count": args.count, "seed": args.seed},
            "corpus": {
                "seed_only": corpus_size(seed_corpus),
                "with_distractors": corpus_size(big_corpus),
            },
            "index": {"seed_only": seed_build, "with_distractors": big_build},
            "field_set": {
                "seed_only": seed,
                "with_distractors": big,
                "pass_drop": seed["passed"] - big["passed"],
            },
            "cold_start_first_answer": cold,
            "warm_p50_ms": big["warm_p50_ms"],
            "peak_rss_mb": {
                "index_build": big_build["build_peak_rss_mb"],
                "ask_cold": cold["peak_rss_mb"],
                "eval_run": big["eval_peak_rss_mb"],
            },
            "machine": f"{os.cpu_count()} CPUs, shared",
        }
    write_figures(args.out, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
