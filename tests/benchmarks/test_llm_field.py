"""The LLM field benchmark says who wrote each answer, so a pass count is not read as the model's."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.llm_field import generators


def test_answers_are_counted_by_writer_and_fallbacks_by_reason(tmp_path: Path) -> None:
    rows = [
        {"answer": {"generator": "llm", "notes": []}},
        {"answer": {"generator": "extractive", "notes": ["The model's answer was unsupported."]}},
        {"answer": {"generator": "extractive", "notes": []}},
        {"answer": None},
    ]
    (tmp_path / "results.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert generators(tmp_path) == {
        "generator": {"llm": 1, "extractive": 2, None: 1},
        "fallback_notes": {
            "The model's answer was unsupported.": 1,
            "(refused before writing)": 1,
        },
    }
