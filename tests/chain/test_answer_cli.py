"""`batterybot ask | batch` through click's CliRunner, over the session's index."""

from __future__ import annotations

import json
from pathlib import Path

KOREA_Q = "Which companies lead South Korea's battery industry?"


def test_ask_json_prints_one_answer_object(run_cli):
    result = run_cli("ask", "--json", KOREA_Q)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["question"] == KOREA_Q
    assert data["abstained"] is False
    assert "LG Energy Solution" in data["answer"]
    assert data["citations"] and data["timings_ms"]["total"] > 0


def test_batch_writes_one_line_per_input_with_its_id(run_cli, tmp_path: Path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "q1", "question": KOREA_Q})
        + "\n\n"
        + json.dumps({"id": "c1", "turns": [KOREA_Q, "And Japan?"]})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["q1", "c1"]
    assert records[0]["question"] == KOREA_Q
    assert records[1]["question"] == "And Japan?"
    assert "Japan" in records[1]["rewritten_query"]
    for r in records:
        assert {"answer", "abstained", "citations", "retrieved", "generator", "timings_ms"} <= set(
            r
        )
