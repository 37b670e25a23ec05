"""`batterybot eval run`: score the answer chain against a grounding dataset and gate on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bot.settings import Settings

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


@eval_group.command("run")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--generator", type=click.Choice(["extractive", "llm"]), help="Overrides the setting."
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
    out_dir: Path | None,
    baseline: Path | None,
    minimums: tuple[str, ...],
    repeat: int,
    judge: bool,
    quiet: bool,
) -> None:
    """Answer every case of DATASET, score it, and write results, summary, RAGAS rows and a report."""
    from evals import console
    from evals.ragas import evidence_locator
    from evals.runner import (
        compare,
        evaluate,
        load_baseline,
        parse_thresholds,
        shortfalls,
        write_run,
    )

    try:
        thresholds = parse_thresholds(minimums)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    documents, cases = _load(settings, dataset)
    base = None
    if baseline is not None:
        try:
            base = load_baseline(baseline)
        except (FileNotFoundError, ValueError, KeyError) as exc:
            raise click.ClickException(f"Cannot read the baseline: {exc}") from exc
    chain = _chain(settings, generator)
    support = _support(chain)
    results, summary = evaluate(cases, chain.answer, support, repeat, progress=not quiet)
    summary["dataset"] = str(dataset)
    summary["generator"] = chain.config.generator
    if judge:
        _judge(settings, results, summary)
    comparison = compare(summary, results, *base) if base else None
    out_dir = out_dir or Path("evals/out") / chain.config.generator
    write_run(out_dir, results, summary, comparison, evidence_locator(documents))
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
    missed = shortfalls(summary["metrics"], thresholds)
    if missed:
        click.echo(console.shortfall_text(missed), err=True)
        raise SystemExit(1)


def _load(settings: Settings, dataset: Path) -> tuple[list[Any], list[Any]]:
    from corpus.loaders import load_documents
    from evals.dataset import DatasetError, corpus_text, load_dataset

    documents, problems = load_documents(settings.documents_dir)
    if problems:
        listing = "\n".join(str(p) for p in problems)
        raise click.ClickException(
            f"The corpus has problems; run `batterybot corpus check`:\n{listing}"
        )
    try:
        return documents, load_dataset(dataset, corpus_text(documents))
    except DatasetError as exc:
        raise click.ClickException(NO_DATASET_PROBLEMS.format(problems=exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"Cannot read {dataset}: {exc}") from exc


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
