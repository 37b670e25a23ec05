"""`batterybot batch`: the whole file is checked before any answer, and a rerun resumes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.batch import BatchInvalid, read_batch
from bot.cli import main
from bot.settings import Settings

KOREA = "Which companies lead South Korea's battery industry?"
JAPAN = "What is Japan known for in batteries?"


@pytest.fixture
def run_cli(indexed: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Invoke `batterybot` answering from the session index (no .env)."""
    monkeypatch.chdir(tmp_path)
    env = {
        "BATTERYBOT_DATA_DIR": str(indexed.data_dir),
        "BATTERYBOT_CORPUS_DIR": str(indexed.corpus_dir),
        "BATTERYBOT_COLLECTION": indexed.collection,
        "BATTERYBOT_GENERATOR": "extractive",
        "BATTERYBOT_CHROMA_HOST": "",
    }

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def jsonl(*items: object) -> str:
    return "".join(json.dumps(item) + "\n" for item in items)


def problems(data: bytes) -> list[str]:
    with pytest.raises(BatchInvalid) as caught:
        read_batch("in.jsonl", data)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["in.jsonl:3: this is a binary file"]),
        (jsonl({"question": KOREA}).encode() + b"caf\xe9?\n", ["in.jsonl:2: not UTF-8 text"]),
        (b"{not json\n", ["in.jsonl:1: not valid JSON"]),
        (b"[1, 2]\n", ["in.jsonl:1: expected an object"]),
        (b'{"id": 1}\n', ["in.jsonl:1: needs a 'question' string or a 'turns' list"]),
        (b'{"turns": ["ok", 2]}\n', ["in.jsonl:1: 'turns' must be a list of strings"]),
        (b'{"turns": []}\n', ["in.jsonl:1: 'turns' needs at least one turn"]),
        (b'{"question": "  "}\n', ["in.jsonl:1: 'question' is empty"]),
        (b'{"id": [1], "question": "q?"}\n', ["in.jsonl:1: 'id' must be a string"]),
        (
            jsonl({"id": "a", "question": "q?"}, {"id": "a", "question": "r?"}).encode(),
            ["in.jsonl:2: id 'a' is already used on line 1"],
        ),
        (  # a line without an id takes its line number, which an explicit id may already hold
            jsonl({"id": 2, "question": "q?"}, {"question": "r?"}).encode(),
            ["in.jsonl:2: id 2 is already used on line 1"],
        ),
    ],
)
def test_every_bad_line_is_reported_with_file_and_line(data, expected):
    found = problems(data)
    assert len(found) == len(expected)
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start), line


def test_all_problems_come_back_at_once_and_good_lines_parse():
    data = jsonl({"id": "a", "question": KOREA}) + "{oops\n\n" + jsonl({"id": "a", "turns": ["x"]})
    assert [p.split(": ")[0] for p in problems(data.encode())] == ["in.jsonl:2", "in.jsonl:4"]
    items = read_batch(
        "in.jsonl", jsonl({"question": KOREA}, {"id": "c", "turns": ["a", "b"]}).encode()
    )
    assert [(i.id, i.turns, i.line) for i in items] == [(1, (KOREA,), 1), ("c", ("a", "b"), 2)]


def test_a_binary_file_is_one_clear_line_not_a_traceback(run_cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(source), "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{source}:1: this is a binary file")
    assert "Traceback" not in result.output and "UnicodeDecodeError" not in result.output
    assert not out.exists()


def test_a_bad_line_halfway_stops_everything_before_any_answer(run_cli, tmp_path):
    source = tmp_path / "in.jsonl"
    lines = (
        jsonl({"id": "q1", "question": KOREA})
        + "{not json\n"
        + jsonl({"id": "q1", "question": JAPAN})
    )
    source.write_text(lines, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(source), "--out", str(out))
    assert result.exit_code == 1
    assert f"{source}:2: not valid JSON" in result.stderr
    assert f"{source}:3: id 'q1' is already used on line 1" in result.stderr
    assert "nothing was answered" in result.stderr
    assert result.stdout == "" and not out.exists()


def test_an_interrupted_run_resumes_without_redoing_finished_ids(run_cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        jsonl(
            {"id": "q1", "question": KOREA},
            {"id": "q2", "question": JAPAN},
            {"id": "c1", "turns": [KOREA, "And Japan?"]},
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    # What a killed run leaves: q1 finished, q2 failed on a backend error, c1 cut mid-write.
    finished = json.dumps({"id": "q1", "question": KOREA, "answer": "kept from the first run"})
    failed = json.dumps({"id": "q2", "question": JAPAN, "error": "backend down"})
    out.write_text(f'{finished}\n{failed}\n{{"id": "c1", "quest', encoding="utf-8")

    result = run_cli("batch", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Resuming: 1 already answered" in result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == finished  # not answered again
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == ["q1", "q2", "c1"]
    assert all("error" not in r for r in records)
    assert records[1]["citations"] and records[2]["question"] == "And Japan?"

    again = run_cli("batch", str(source), "--out", str(out))
    assert again.exit_code == 0 and out.read_text(encoding="utf-8").splitlines() == lines


def test_an_output_file_of_another_input_is_left_alone(run_cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(jsonl({"id": "q1", "question": KOREA}), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    other = json.dumps({"id": "zz", "answer": "from another file"}) + "\n"
    out.write_text(other, encoding="utf-8")
    result = run_cli("batch", str(source), "--out", str(out))
    assert result.exit_code == 1
    assert f"{out}:1: holds an answer for id 'zz'" in result.stderr
    assert out.read_text(encoding="utf-8") == other


def test_batch_to_stdout_answers_each_line_with_its_id(run_cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        jsonl({"id": "a", "question": "hello"}) + "\n" + jsonl({"question": "🔋"}), encoding="utf-8"
    )
    result = run_cli("batch", str(source))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", 3]
    assert all(r["abstained"] for r in records)
