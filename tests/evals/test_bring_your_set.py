"""Sets in every format run through the real chain; each gets the metrics its cases allow."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT
from corpus.loaders import load_documents
from evals.dataset import corpus_text, load_dataset
from evals.ragas import write_ragas_inputs
from evals.runner import run_cases
from evals.scoring import summarise

EXAMPLES = REPO_ROOT / "evals" / "examples"
FIELD = REPO_ROOT / "evals" / "datasets" / "field.jsonl"
GROUNDING = ("faithfulness", "citation_validity", "abstention_accuracy", "latency_p50_ms")
REFERENCE = ("answer_similarity", "token_f1")
KEYS = ("key_coverage",)
EVIDENCE = ("evidence_recall_at_5", "hit_rate", "mrr")


@pytest.fixture(scope="module")
def corpus() -> str:
    documents, _ = load_documents(REPO_ROOT / "corpus" / "documents")
    return corpus_text(documents)


def _summary(path: Path, corpus: str, chain, scorers, fmt: str | None = None):
    support, similarity = scorers
    cases = load_dataset(path, corpus, fmt)
    results = run_cases(cases, chain.answer, support, False, similarity=similarity)
    return results, summarise(results)


@pytest.mark.parametrize(
    ("name", "computed"),
    [
        ("questions.txt", GROUNDING),
        ("questions.csv", GROUNDING),
        ("references.jsonl", GROUNDING + REFERENCE),
        ("ragas.jsonl", GROUNDING + REFERENCE + EVIDENCE),
        ("ragas.csv", GROUNDING + REFERENCE + EVIDENCE),
        ("grounding.jsonl", GROUNDING + REFERENCE + KEYS + EVIDENCE),
    ],
)
def test_each_sample_set_gets_the_metrics_its_cases_allow(name, computed, corpus, chain, scorers):
    results, summary = _summary(EXAMPLES / name, corpus, chain, scorers)
    for metric in (*GROUNDING, *REFERENCE, *KEYS, *EVIDENCE):
        value, count = summary["metrics"][metric], summary["counts"][metric]
        if metric in computed:
            assert value is not None and count > 0, (metric, summary["counts"])
        else:
            assert value is None and count == 0, (metric, value)
    assert summary["metrics"]["faithfulness"] == 1.0
    assert summary["metrics"]["citation_validity"] == 1.0
    assert summary["passed"] == summary["cases"], [
        (r.case.id, r.checks, r.answer.text if r.answer else r.error)
        for r in results
        if not r.passed
    ]


def test_the_answer_similarity_of_a_close_answer_beats_an_unrelated_reference(
    tmp_path, corpus, chain, scorers
):
    question = "Which country is the undisputed leader in battery manufacturing?"
    rows = [
        {"id": "close", "question": question, "reference": "China leads battery manufacturing."},
        {"id": "far", "question": question, "reference": "Bananas grow in warm places."},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    results, summary = _summary(path, corpus, chain, scorers)
    close, far = (r.metrics for r in results)
    assert close["answer_similarity"] > far["answer_similarity"] + 0.3
    assert close["token_f1"] > far["token_f1"]
    assert summary["counts"]["answer_similarity"] == 2


def test_the_field_set_and_its_ragas_export_give_the_same_figures(tmp_path, corpus, chain, scorers):
    """RAGAS has no answer keys or must_not: every metric that needs neither must agree."""
    field_cases = load_dataset(FIELD, corpus)
    jsonl, csv = tmp_path / "field.jsonl", tmp_path / "field.csv"
    write_ragas_inputs(field_cases, jsonl, "ragas-jsonl")
    write_ragas_inputs(field_cases, csv, "ragas-csv")
    # The CSV export reads back as the very cases of the JSONL export (the CSV has a header
    # line), so the figures of one run stand for both.
    from_jsonl, from_csv = load_dataset(jsonl, corpus), load_dataset(csv, corpus)
    assert [replace(c, line=c.line + 1) for c in from_jsonl] == from_csv
    assert [(c.id, c.kind, c.turns, c.evidence) for c in from_jsonl] == [
        (c.id, c.kind, c.turns, c.evidence) for c in field_cases
    ]
    _, field = _summary(FIELD, corpus, chain, scorers)
    _, exported = _summary(jsonl, corpus, chain, scorers)
    shared = (
        "faithfulness",
        "citation_validity",
        "abstention_accuracy",
        "abstention_precision",
        "abstention_recall",
        "evidence_recall_at_5",
        "hit_rate",
        "mrr",
    )
    assert exported["cases"] == field["cases"] == 60
    for metric in shared:
        assert exported["metrics"][metric] == field["metrics"][metric], metric
        assert exported["counts"][metric] == field["counts"][metric], metric
    for metric in ("key_coverage", "premise_correction", "must_not_pass_rate"):
        assert exported["metrics"][metric] is None  # they need keys or must_not
    assert exported["kind_counts"] == field["kind_counts"]


def test_one_command_runs_a_subset_in_parallel_and_writes_the_report(run_cli, tmp_path):
    out = tmp_path / "run"
    result = run_cli(
        "eval",
        "run",
        str(EXAMPLES / "grounding.jsonl"),
        "--out",
        str(out),
        "--ids",
        "leader,plan",
        "--ids",
        "revenue",
        "--kind",
        "answerable",
        "--kind",
        "refuse",
        "--workers",
        "2",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["leader", "plan", "revenue"]  # the set's order
    summary = json.loads((out / "summary.json").read_text())
    assert summary["counts"]["key_coverage"] == 2 and summary["counts"]["token_f1"] == 2
    page = (out / "report.html").read_text()
    assert "<svg" in page and "over 2 cases" in page


def test_format_can_be_forced_and_problems_name_file_and_line(run_cli, tmp_path):
    plain = tmp_path / "set.txt"
    plain.write_text("question\nWhich country leads battery manufacturing?\n")
    out = tmp_path / "run"
    forced = run_cli("eval", "run", str(plain), "--format", "questions-csv", "--out", str(out))
    assert forced.exit_code == 0, forced.output
    assert len((out / "results.jsonl").read_text().splitlines()) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text('user_input,reference_contexts\nWhich?,"[""China leads."""\n')
    refused = run_cli("eval", "run", str(bad), "--out", str(tmp_path / "no"))
    assert refused.exit_code == 1
    assert f"{bad}:2: 'reference_contexts' must be a JSON list of strings" in refused.output
    unknown = run_cli("eval", "run", str(plain), "--ids", "nope", "--out", str(out))
    assert unknown.exit_code == 2 and "no case with id 'nope'" in unknown.output


def test_compare_runs_two_generators_or_reads_two_run_dirs(run_cli, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    sample = str(EXAMPLES / "questions.csv")
    assert run_cli("eval", "run", sample, "--out", str(one), "--quiet").exit_code == 0
    assert run_cli("eval", "run", sample, "--out", str(two), "--quiet").exit_code == 0
    out = tmp_path / "cmp"
    result = run_cli("eval", "compare", str(one), str(two), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "No case flipped" in result.output
    data = json.loads((out / "compare.json").read_text())
    assert data["metrics"]["faithfulness"] == {"a": 1.0, "b": 1.0, "delta": 0.0, "n_a": 3, "n_b": 3}
    assert "one vs two" in (out / "compare.html").read_text()
    refused = run_cli("eval", "compare", "extractive", "gpt", "--dataset", sample)
    assert refused.exit_code == 2 and "FIRST and SECOND are generators" in refused.output


def test_compare_runs_a_set_with_two_generators_in_one_command(run_cli, tmp_path):
    out = tmp_path / "cmp"
    sample = str(EXAMPLES / "ragas.csv")
    result = run_cli(
        "eval", "compare", "extractive", "extractive", "--dataset", sample, "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "compare.html",
        "compare.json",
        "extractive-1",
        "extractive-2",
    ]
    data = json.loads((out / "compare.json").read_text())
    assert data["flipped"] == [] and data["metrics"]["evidence_recall_at_5"]["delta"] == 0.0
    assert data["metrics"]["token_f1"]["n_a"] == 3
