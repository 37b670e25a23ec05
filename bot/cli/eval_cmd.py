"""`batterybot eval run`: score the answer chain against a grounding dataset and gate on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bot.settings import Settings
from evals.formats import FORMATS

NO_DATASET_PROBLEMS = "The dataset has problems; fix these lines and run again:\n{problems}"
CHAIN_UNAVAILABLE = (
    "Could not start the answer chain: {reason}\nRun `batterybot index build` first."
)
JUDGE_UNREACHABLE = "No LLM judge: nothing answers at {url}; the run continues without it."


def register(main: click.Group) -> None:
    """Attach this module's commands to the top-level group."""
    main.add_command(eval_group)


@click.group("eval")
def eval_group() -> None:
    """Evaluate grounded answers against a test set."""


GENERATORS = ("extractive", "llm")
FORMAT_HELP = "Read the set in this format instead of detecting it from the file."


@eval_group.command("run")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--generator", type=click.Choice(GENERATORS), help="Overrides the setting.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help=FORMAT_HELP)
@click.option("--ids", multiple=True, help="Only these case ids (comma-separated; repeatable).")
@click.option("--kind", "kinds", multiple=True, help="Only cases of this kind (repeatable).")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Answer N cases at a time.",
)
@click.option(
    "--history",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A directory of earlier run directories: the report draws the metrics' trend.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run directory [evals/out/GENERATOR].",
)
@click.option(
    "--baseline",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A previous run directory to compare with.",
)
@click.option(
    "--min",
    "minimums",
    multiple=True,
    metavar="METRIC=VALUE",
    help="Exit non-zero when METRIC falls short (latency: a maximum). Repeatable.",
)
@click.option(
    "--repeat",
    default=1,
    show_default=True,
    type=click.IntRange(1, 50),
    help="Run N times and report the spread.",
)
@click.option(
    "--judge", is_flag=True, help="Also ask the configured LLM endpoint to judge faithfulness."
)
@click.option("--quiet", is_flag=True, help="No progress bar and no summary table.")
@click.pass_obj
def run(
    settings: Settings,
    dataset: Path,
    generator: str | None,
    fmt: str | None,
    ids: tuple[str, ...],
    kinds: tuple[str, ...],
    workers: int,
    history: Path | None,
    out_dir: Path | None,
    baseline: Path | None,
    minimums: tuple[str, ...],
    repeat: int,
    judge: bool,
    quiet: bool,
) -> None:
    """Answer every case of DATASET, score it, and write results, summary, RAGAS rows and a report."""
    from evals import console
    from evals.runner import parse_thresholds, shortfalls

    try:
        thresholds = parse_thresholds(minimums)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    documents, cases = _load(settings, dataset, fmt, ids, kinds)
    base = _baseline(baseline)
    chain = _chain(settings, generator)
    out_dir = out_dir or Path("evals/out") / chain.config.generator
    results, summary = _run(settings, chain, cases, dataset, workers, repeat, quiet)
    if judge:
        _judge(settings, results, summary)
    _write(out_dir, results, summary, documents, base, history, quiet)
    missed = shortfalls(summary["metrics"], thresholds)
    if missed:
        click.echo(console.shortfall_text(missed), err=True)
        raise SystemExit(1)


def _run(
    settings: Settings,
    chain: Any,
    cases: list[Any],
    dataset: Path,
    workers: int,
    repeat: int,
    quiet: bool,
) -> tuple[list[Any], dict[str, Any]]:
    """Answer and score the cases with the chain; the summary names the set and the run."""
    from evals.runner import embedding_similarity, evaluate, run_label

    similarity = embedding_similarity(_embeddings(settings))
    results, summary = evaluate(
        cases, chain.answer, _support(chain), repeat, not quiet, similarity, workers
    )
    summary["dataset"] = str(dataset)
    summary["generator"] = chain.config.generator
    summary["index_version"] = str(getattr(chain, "index_version", ""))
    summary["run_at"] = run_label()
    return results, summary


def _write(
    out_dir: Path,
    results: list[Any],
    summary: dict[str, Any],
    documents: list[Any],
    base: Any,
    history: Path | None,
    quiet: bool,
) -> None:
    """Write the run directory and tell the user what it holds."""
    from evals import console
    from evals.ragas import evidence_locator
    from evals.runner import compare, load_history, write_run

    comparison = compare(summary, results, *base) if base else None
    trend = load_history(history, exclude=out_dir) if history else []
    write_run(out_dir, results, summary, comparison, evidence_locator(documents), trend)
    if not quiet:
        click.echo(console.summary_table(summary))
        failing = [
            (r.case.id, r.case.kind, [k for k, ok in r.checks.items() if not ok] or ["error"])
            for r in results
            if not r.passed
        ]
        click.echo(console.failing_cases_text(failing))
    if comparison is not None:
        click.echo(console.comparison_text(comparison))
    click.echo(f"Wrote {out_dir}/results.jsonl, summary.json, ragas.jsonl and report.html")


def _baseline(baseline: Path | None) -> Any:
    from evals.runner import load_baseline

    if baseline is None:
        return None
    try:
        return load_baseline(baseline)
    except (FileNotFoundError, ValueError, KeyError) as exc:
        raise click.ClickException(f"Cannot read the baseline: {exc}") from exc


def _load(
    settings: Settings,
    dataset: Path,
    fmt: str | None = None,
    ids: tuple[str, ...] = (),
    kinds: tuple[str, ...] = (),
) -> tuple[list[Any], list[Any]]:
    from corpus.loaders import load_documents
    from evals.dataset import DatasetError, corpus_text, dataset_format, load_dataset, select_cases

    documents, problems = load_documents(settings.documents_dir)
    if problems:
        listing = "\n".join(str(p) for p in problems)
        raise click.ClickException(
            f"The corpus has problems; run `batterybot corpus check`:\n{listing}"
        )
    try:
        cases = load_dataset(dataset, corpus_text(documents), fmt)
    except DatasetError as exc:
        raise click.ClickException(NO_DATASET_PROBLEMS.format(problems=exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"Cannot read {dataset}: {exc}") from exc
    click.echo(f"{len(cases)} cases in {dataset} (format {dataset_format(dataset, fmt)})", err=True)
    wanted = [i.strip() for item in ids for i in item.split(",") if i.strip()]
    try:
        return documents, select_cases(cases, wanted, kinds)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


def _embeddings(settings: Settings) -> Any:
    from index.embeddings import make_embeddings

    return make_embeddings(settings.embedding_model, settings.embedding_sha256)


def _chain(settings: Settings, generator: str | None) -> Any:
    from bot.chain import AnswerChain

    try:
        return AnswerChain.from_settings(settings, generator)
    except (
        Exception
    ) as exc:  # index missing, model checksum, store down: all end the run the same way
        raise click.ClickException(CHAIN_UNAVAILABLE.format(reason=exc)) from exc


def _support(chain: Any) -> Any:
    from evals.runner import guard_support

    embedder = getattr(chain, "embedder", None)
    return guard_support(getattr(embedder, "best", None))


def _judge(settings: Settings, results: list[Any], summary: dict[str, Any]) -> None:
    from evals.judge import Judge, endpoint_reachable

    if not endpoint_reachable(settings.llm_base_url):
        click.echo(JUDGE_UNREACHABLE.format(url=settings.llm_base_url), err=True)
        return
    judge = Judge.from_settings(settings)
    scores = judge.score_all(results)
    summary["judge"] = {"model": settings.llm_model, **judge.summary(scores)}


@eval_group.command("compare")
@click.argument("first")
@click.argument("second")
@click.option(
    "--dataset",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run this set now with generators FIRST and SECOND, instead of reading two run dirs.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help=FORMAT_HELP)
@click.option("--ids", multiple=True, help="Only these case ids (comma-separated; repeatable).")
@click.option("--kind", "kinds", multiple=True, help="Only cases of this kind (repeatable).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32))
@click.option(
    "--out",
    "out_dir",
    default=Path("evals/out/compare"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where compare.html and compare.json go (and both runs, with --dataset).",
)
@click.pass_obj
def compare_cmd(
    settings: Settings,
    first: str,
    second: str,
    dataset: Path | None,
    fmt: str | None,
    ids: tuple[str, ...],
    kinds: tuple[str, ...],
    workers: int,
    out_dir: Path,
) -> None:
    """Two runs side by side: FIRST and SECOND are run directories (from two commits, index
    versions or generators), or, with --dataset, two generators to run now."""
    import json

    from evals.compare import RunDirError, compare_text, load_run, render_compare, side_by_side
    from evals.compare import to_json as compare_json

    dirs = [Path(first), Path(second)]
    if dataset is not None:
        unknown = [g for g in (first, second) if g not in GENERATORS]
        if unknown:
            raise click.UsageError(
                f"with --dataset, FIRST and SECOND are generators ({', '.join(GENERATORS)}); "
                f"got {', '.join(unknown)}"
            )
        documents, cases = _load(settings, dataset, fmt, ids, kinds)
        # The same generator twice (a determinism check) gets two directories.
        dirs = (
            [out_dir / first, out_dir / second]
            if first != second
            else [
                out_dir / f"{first}-1",
                out_dir / f"{second}-2",
            ]
        )
        for generator, run_dir in zip((first, second), dirs, strict=True):
            chain = _chain(settings, generator)
            results, summary = _run(settings, chain, cases, dataset, workers, 1, True)
            _write(run_dir, results, summary, documents, None, None, True)
    try:
        runs = [load_run(d) for d in dirs]
    except RunDirError as exc:
        raise click.ClickException(str(exc)) from exc
    sbs = side_by_side(*runs)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "compare.html").write_text(render_compare(sbs), encoding="utf-8")
    (out_dir / "compare.json").write_text(json.dumps(compare_json(sbs), indent=2) + "\n")
    click.echo(compare_text(sbs))
    click.echo(f"Wrote {out_dir}/compare.html and compare.json")


@eval_group.command("convert")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help=FORMAT_HELP)
@click.option(
    "--to",
    "target",
    type=click.Choice(["ragas-jsonl", "ragas-csv"]),
    default="ragas-jsonl",
    show_default=True,
)
@click.pass_obj
def convert(settings: Settings, dataset: Path, out: Path, fmt: str | None, target: str) -> None:
    """Check DATASET and write it to OUT as RAGAS-style rows (id, kind, user_input, reference,
    reference_contexts); answer keys and must_not have no RAGAS column and are left out."""
    from evals.ragas import write_ragas_inputs

    _, cases = _load(settings, dataset, fmt)
    write_ragas_inputs(cases, out, target)
    click.echo(f"Wrote {len(cases)} cases to {out} ({target})")
