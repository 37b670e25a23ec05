"""Every format an evaluator brings is detected, read into the same cases, and its mistakes are
reported as file:line: reason."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from corpus.loaders import load_documents
from evals.dataset import DatasetError, corpus_text, dataset_format, load_dataset, select_cases
from evals.formats import detect_format

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "evals" / "examples"
LEADER = "Which country is the undisputed leader in battery manufacturing?"
E1 = "China is the undisputed leader in battery manufacturing, accounting for the majority of global production capacity."


@pytest.fixture(scope="module")
def corpus() -> str:
    documents, _ = load_documents(REPO / "corpus" / "documents")
    return corpus_text(documents)


def problems(path: Path, corpus: str, fmt: str | None = None) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_dataset(path, corpus, fmt)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("grounding.jsonl", "jsonl"),
        ("references.jsonl", "jsonl"),
        ("ragas.jsonl", "ragas-jsonl"),
        ("ragas.csv", "ragas-csv"),
        ("questions.csv", "questions-csv"),
        ("questions.txt", "text"),
    ],
)
def test_each_sample_is_detected_and_reads_its_leader_question(name, fmt, corpus):
    path = EXAMPLES / name
    assert dataset_format(path) == fmt
    cases = load_dataset(path, corpus)
    assert cases[0].question == LEADER
    assert all(c.line > 0 and c.id for c in cases)


def test_ragas_rows_become_cases_with_reference_and_evidence(corpus):
    jsonl = load_dataset(EXAMPLES / "ragas.jsonl", corpus)
    csv = load_dataset(EXAMPLES / "ragas.csv", corpus)
    # The same cases; only the line (and the id made from it) differ: the CSV has a header.
    assert [replace(c, id="", line=0) for c in jsonl] == [replace(c, id="", line=0) for c in csv]
    assert [c.line for c in csv] == [2, 3, 4]
    first = jsonl[0]
    assert first.kind == "answerable" and first.evidence == (E1,)
    assert first.reference == "China is the undisputed leader in battery manufacturing."
    assert not first.has_keys


def test_question_lists_carry_only_questions(corpus):
    for name in ("questions.csv", "questions.txt"):
        for case in load_dataset(EXAMPLES / name, corpus):
            assert (case.answer_keys, case.evidence, case.reference) == ((), (), "")
            assert case.answerable
    ids = [c.id for c in load_dataset(EXAMPLES / "questions.csv", corpus)]
    assert ids == ["leader", "korea", "battery-plan"]
    txt = load_dataset(EXAMPLES / "questions.txt", corpus)
    assert [c.id for c in txt] == ["line-2", "line-3", "line-4"]  # the comment line is skipped


def test_should_refuse_without_a_kind_makes_a_refuse_case(corpus):
    cases = {c.id: c for c in load_dataset(EXAMPLES / "grounding.jsonl", corpus)}
    assert cases["revenue"].kind == "refuse" and cases["revenue"].should_decline
    assert cases["pioneer"].has_keys and not cases["pioneer"].evidence  # keys, no evidence


@pytest.mark.parametrize(
    ("first_line", "suffix", "fmt"),
    [
        ('{"question": "q"}', ".txt", "jsonl"),
        ('{"user_input": "q"}', "", "ragas-jsonl"),
        ("user_input,reference", ".txt", "ragas-csv"),
        ("id,question", "", "questions-csv"),
        ("question", "", "questions-csv"),
        ("What is the question?", "", "text"),
        ("What, exactly, is the question?", "", "text"),
        ("What is it?", ".csv", "questions-csv"),
        ("[1, 2]", ".jsonl", "jsonl"),
    ],
)
def test_detection(first_line, suffix, fmt):
    assert detect_format(f"\n{first_line}\nmore\n", suffix) == fmt


def test_format_can_be_forced(tmp_path, corpus):
    path = tmp_path / "set.txt"
    path.write_text("question\nWhich firms lead?\n")
    assert [c.question for c in load_dataset(path, corpus)] == ["question", "Which firms lead?"]
    (case,) = load_dataset(path, corpus, "questions-csv")
    assert case.question == "Which firms lead?" and case.line == 2


def test_csv_problems_name_the_line_a_record_starts_on(tmp_path, corpus):
    path = tmp_path / "set.csv"
    path.write_text(
        "user_input,reference,reference_contexts,should_refuse\n"
        '"A question\nthat spans two lines?",An answer.,,\n'
        'Second?,,"[""not closed"",",\n'
        "Third?,,,maybe\n"
        "Fourth?,only two\n"
        ",,,\n"
        "Fifth?,,,true\n"
    )
    assert problems(path, corpus) == [
        f"{path}:4: 'reference_contexts' must be a JSON list of strings",
        f"{path}:5: 'should_refuse' must be true or false",
        f"{path}:6: has 2 columns, the header has 4",
    ]


def test_csv_header_problems(tmp_path, corpus):
    path = tmp_path / "set.csv"
    path.write_text("prompt,expected\nq,a\n")
    assert problems(path, corpus) == [
        f"{path}:1: the header needs a 'question' column",
        f"{path}:1: unknown column 'prompt'; known: question, id, kind, should_refuse, reference",
        f"{path}:1: unknown column 'expected'; known: question, id, kind, should_refuse, reference",
    ]


def test_ragas_jsonl_problems_and_ignored_output_columns(tmp_path, corpus):
    rows = [
        {"user_input": "q1", "response": "ignored", "retrieved_contexts": ["x"]},
        {"user_input": "q2", "reference_contexts": ["China leads the world in bananas."]},
        {"user_input": "q3", "rubric": "x"},
        {
            "user_input": [
                "first turn",
                {"type": "ai", "content": "x"},
                {"type": "human", "content": "and then?"},
            ]
        },
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    found = problems(path, corpus)
    assert found[0].startswith(f"{path}:2: evidence is not verbatim in the corpus")
    assert found[1:] == [f"{path}:3: unknown field 'rubric'"]
    rows = [rows[0], rows[3]]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    first, thread = load_dataset(path, corpus)
    assert first.question == "q1" and thread.turns == ("first turn", "and then?")


def test_a_binary_file_is_one_clear_problem(tmp_path, corpus):
    path = tmp_path / "set.csv"
    path.write_bytes(b"question\n\xff\xfe\x00junk\n")
    assert problems(path, corpus) == [f"{path}:1: not UTF-8 text (byte 9); save the file as UTF-8"]


def test_an_empty_question_file_has_no_cases(tmp_path, corpus):
    path = tmp_path / "set.txt"
    path.write_text("# only a comment\n\n")
    assert problems(path, corpus) == [f"{path}:1: the dataset has no cases"]


def test_select_by_ids_and_kinds(corpus):
    cases = load_dataset(EXAMPLES / "grounding.jsonl", corpus)
    assert [c.id for c in select_cases(cases, ["plan", "leader"])] == ["leader", "plan"]
    assert [c.id for c in select_cases(cases, kinds=["fact"])] == ["refining"]
    assert [c.id for c in select_cases(cases, ["leader"], ["fact"])] == []
    with pytest.raises(ValueError, match="no case with id 'nope'"):
        select_cases(cases, ["nope"])
    with pytest.raises(
        ValueError, match="no case of kind 'list'; the set has: answerable, fact, refuse"
    ):
        select_cases(cases, kinds=["list"])
