"""`batterybot corpus check|list` through click's runner, green on the shipped corpus, red with locations."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import main
from corpus.check import load_corpus
from tests.corpus.conftest import SHIPPED


def run(*args: str):
    return CliRunner().invoke(main, ["corpus", *args])


def test_check_is_green_on_the_shipped_corpus():
    result = run("check", "--corpus-dir", str(SHIPPED))
    corpus = load_corpus(SHIPPED)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Corpus OK: 1 document(s), 8 paragraphs, ")
    assert f"{len(corpus.facts)} facts, {len(corpus.entities)} entities" in result.stdout


def test_check_uses_the_settings_corpus_dir_by_default(monkeypatch):
    monkeypatch.setenv("BATTERYBOT_CORPUS_DIR", str(SHIPPED))
    result = run("check")
    assert result.exit_code == 0 and result.stdout.startswith("Corpus OK")


def test_check_is_red_with_file_line_reason_on_stderr(corpus_copy):
    facts = corpus_copy / "facts" / "bad.yaml"
    facts.write_text("- id: x\n  entity: Nobody\n", encoding="utf-8")
    (corpus_copy / "documents" / "empty.md").write_text(
        "---\nid: empty\ntitle: E\n---\n", encoding="utf-8"
    )
    result = run("check", "--corpus-dir", str(corpus_copy))
    assert result.exit_code == 1
    *problems, summary = result.stderr.splitlines()
    assert problems[0].endswith("empty.md:5: the document has no paragraphs")
    missing = ["entity_type", "attribute", "value", "quote", "source", "anchor"]
    assert [line.split("/")[-1] for line in problems[1:]] == [
        f"bad.yaml:1: fact is missing the field {field!r}" for field in missing
    ]
    assert summary.startswith("7 problem(s) found in ")
    assert result.stdout == ""


def test_check_on_a_missing_folder_says_so(tmp_path):
    result = run("check", "--corpus-dir", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert "nope:0: corpus folder not found" in result.stderr


def test_list_shows_documents_with_fact_counts_and_totals():
    corpus = load_corpus(SHIPPED)
    result = run("list", "--corpus-dir", str(SHIPPED))
    assert result.exit_code == 0, result.output
    header, row, total = result.stdout.splitlines()
    assert header.split() == ["ID", "TITLE", "PARAGRAPHS", "FACTS", "DATE"]
    assert row.startswith("asia-battery-dominance  Asia's Dominance in Battery Manufacturing")
    assert row.split()[-3:] == ["8", str(len(corpus.facts)), "2026-11-25"]
    assert total == f"Total: 1 document(s), 8 paragraphs, {len(corpus.facts)} facts"


def test_list_counts_documents_without_facts(corpus_copy):
    (corpus_copy / "documents" / "notes.txt").write_text("Notes\n\nCATL grows.\n", encoding="utf-8")
    (corpus_copy / "facts" / "none.yaml").write_text("[]\n", encoding="utf-8")
    result = run("list", "--corpus-dir", str(corpus_copy))
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[2].split() == ["notes", "Notes", "1", "0", "-"]
    assert rows[-1] == "Total: 2 document(s), 9 paragraphs, 0 facts"
