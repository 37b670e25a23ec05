"""Shipped facts validate; each kind of broken fact file yields the right reason at the right line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.check import check_corpus, load_corpus
from corpus.models import Problem
from tests.corpus.conftest import SHIPPED

# Field order is fixed so each field's line is known: id is line 1, quote line 6, ...
FIELDS = ("id", "entity", "entity_type", "attribute", "value", "quote", "source", "anchor")
GOOD = {
    "id": "catl-country",
    "entity": "CATL",
    "entity_type": "company",
    "attribute": "country",
    "value": "China",
    "quote": '"Chinese firms such as CATL, BYD, and SVOLT have expanded rapidly, leveraging domestic supply chains for raw materials like lithium, cobalt, and nickel."',
    "source": "asia-battery-dominance",
    "anchor": "china",
}
KOREA_QUOTE = '"South Korea’s battery industry is led by giants like LG Energy Solution, Samsung SDI, and SK Innovation."'


def fact_yaml(drop: str = "", **changes: str) -> str:
    fields = {**GOOD, **changes}
    lines = [f"{key}: {fields[key]}" for key in FIELDS if key != drop]
    lines += [f"{key}: {value}" for key, value in changes.items() if key not in FIELDS]
    return "- " + "\n  ".join(lines) + "\n"


def problems_for(corpus_dir: Path, **files: str) -> list[Problem]:
    for name, text in files.items():
        (corpus_dir / "facts" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return check_corpus(corpus_dir)


def test_every_shipped_fact_validates_and_there_are_enough():
    corpus = load_corpus(SHIPPED)
    assert check_corpus(SHIPPED) == []
    assert len(corpus.facts) >= 40
    assert len({fact.id for fact in corpus.facts}) == len(corpus.facts)
    for fact in corpus.facts:
        paragraph = corpus.document(fact.source_id).paragraph(fact.anchor)
        assert fact.quote in paragraph.text, fact.id


def test_facts_cover_every_entity_and_every_figure_in_the_source():
    corpus = load_corpus(SHIPPED)
    covered = {fact.entity for fact in corpus.facts}
    assert [e.name for e in corpus.entities if e.name not in covered] == []
    stated = " ".join(f"{fact.entity} {fact.value}" for fact in corpus.facts)
    figures = set(re.findall(r"\d+%?", corpus.documents[0].text))
    assert figures == {"70%", "2025"}
    assert [figure for figure in figures if figure not in stated] == []


def test_facts_carry_the_entity_country_and_aliases():
    facts = {fact.id: fact for fact in load_corpus(SHIPPED).facts}
    assert facts["lg-energy-solution-country"].country == "South Korea"
    assert "LGES" in facts["lg-energy-solution-country"].aliases
    assert facts["inflation-reduction-act-country"].country == "United States"


def test_a_valid_fact_file_loads(corpus_copy):
    assert problems_for(corpus_copy, good=fact_yaml()) == []
    assert [f.id for f in load_corpus(corpus_copy).facts] == ["catl-country"]


BROKEN = [
    pytest.param("- id: x\n  quote: [unclosed\n- id: y\n", 3, "invalid YAML", id="bad-yaml"),
    pytest.param(
        fact_yaml(drop="quote"), 1, "fact is missing the field 'quote'", id="missing-field"
    ),
    pytest.param(
        fact_yaml(quote='"Chinese firms such as CATL have expanded rapidly."'),
        6,
        "quote not found verbatim in document 'asia-battery-dominance'; copy the sentence",
        id="quote-not-verbatim",
    ),
    pytest.param(
        fact_yaml(quote=KOREA_QUOTE.replace("’", "'")),
        6,
        "quote not found verbatim in document 'asia-battery-dominance'; the document uses curly",
        id="straight-apostrophe",
    ),
    pytest.param(
        fact_yaml(quote=KOREA_QUOTE),
        6,
        "quote is in paragraph 'south-korea', not 'china'",
        id="quote-in-other-paragraph",
    ),
    pytest.param(
        fact_yaml() + fact_yaml(),
        9,
        "duplicate fact id 'catl-country' (first defined at ",
        id="duplicate-id",
    ),
    pytest.param(
        fact_yaml(source="no-such-doc"),
        7,
        "unknown document 'no-such-doc' (known: asia-battery-dominance)",
        id="unknown-document",
    ),
    pytest.param(
        fact_yaml(anchor="nowhere"),
        8,
        "document 'asia-battery-dominance' has no paragraph anchored 'nowhere'",
        id="unknown-anchor",
    ),
    pytest.param(
        fact_yaml(entity="Tesla"),
        2,
        "unknown entity 'Tesla'; add it to entities.yaml",
        id="unknown-entity",
    ),
    pytest.param(
        fact_yaml(entity="LGES"),
        2,
        "unknown entity 'LGES'; did you mean 'LG Energy Solution'?",
        id="alias-not-name",
    ),
    pytest.param(
        fact_yaml(entity_type="country"),
        3,
        "entity_type 'country' does not match entities.yaml",
        id="wrong-entity-type",
    ),
    pytest.param(
        fact_yaml(value="70"),
        5,
        "field 'value' must be text, not int 70; put it in quotes",
        id="wrong-type",
    ),
    pytest.param(fact_yaml(value="''"), 5, "field 'value' is empty", id="empty-value"),
    pytest.param(fact_yaml(qoute="typo"), 9, "unknown field 'qoute'", id="unknown-field"),
    pytest.param(
        fact_yaml(id="CATL_Country"), 1, "fact id 'CATL_Country' must be kebab-case", id="bad-id"
    ),
    pytest.param(
        fact_yaml() + "  value: Japan\n",
        9,
        "field 'value' appears twice in one fact",
        id="repeated-key",
    ),
    pytest.param(
        "id: catl-country\nentity: CATL\n", 1, "expected a list of facts", id="not-a-list"
    ),
    pytest.param(
        "- just a string\n",
        1,
        "each fact must be a set of 'field: value' lines",
        id="item-not-mapping",
    ),
]


@pytest.mark.parametrize("text, line, reason", BROKEN)
def test_broken_fact_file_yields_the_right_problem(corpus_copy, text, line, reason):
    problems = problems_for(corpus_copy, broken=text)
    assert [(Path(p.file).name, p.line) for p in problems] == [("broken.yaml", line)], problems
    assert problems[0].reason.startswith(reason), problems[0].reason


def test_duplicate_id_across_files_names_the_first_definition(corpus_copy):
    problems = problems_for(corpus_copy, a_first=fact_yaml(), b_second=fact_yaml())
    assert [(Path(p.file).name, p.line) for p in problems] == [("b_second.yaml", 1)]
    assert problems[0].reason.startswith("duplicate fact id 'catl-country' (first defined at ")
    assert problems[0].reason.endswith("a_first.yaml:1)")


def test_problems_in_several_facts_are_all_reported(corpus_copy):
    text = fact_yaml(source="nope") + fact_yaml(id="other", anchor="nowhere")
    problems = problems_for(corpus_copy, broken=text)
    assert [p.line for p in problems] == [7, 16]


def test_missing_facts_folder_content_is_a_problem(corpus_copy):
    [problem] = check_corpus(corpus_copy)
    assert problem.reason.startswith("no fact files found")
