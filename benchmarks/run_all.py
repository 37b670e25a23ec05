"""Run every benchmarks/bench_*.py module's run() and write the figures to one JSON file.

Usage: python -m benchmarks.run_all --out benchmarks/results.json [--only index,retrieval]
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    """Names of the benchmark modules (bench_index -> "index"), sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def run_one(name: str) -> dict:
    """One module's figures, or the error it raised (a failing benchmark never hides the rest)."""
    module = importlib.import_module(f"benchmarks.bench_{name}")
    runner = getattr(module, "run", None)
    if runner is None:
        return {"skipped": "module has no run()"}
    started = time.perf_counter()
    try:
        figures = runner()
    except Exception as exc:
        traceback.print_exc()
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {**figures, "benchmark_seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks and write their figures; exit 1 if any raised."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--only", default="", help="comma-separated names, e.g. index,retrieval")
    args = parser.parse_args(argv)
    chosen = [n for n in args.only.split(",") if n] or discover()
    unknown = sorted(set(chosen) - set(discover()))
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}; known: {', '.join(discover())}")

    results: dict = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "benchmarks": {},
    }
    for name in chosen:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results["benchmarks"][name] = run_one(name)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")  # keep what finished so far
    print(json.dumps(results, indent=2))
    print(f"figures written to {args.out}", file=sys.stderr)
    return int(any("error" in r for r in results["benchmarks"].values()))


if __name__ == "__main__":
    raise SystemExit(main())
