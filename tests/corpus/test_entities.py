"""The gazetteer loads, and find_entities resolves every surface form the chain relies on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from corpus.entities import (
    ENTITY_TYPES,
    entities_path,
    find_entities,
    load_entities,
    load_known,
    read_entities,
    with_world,
    world_path,
)
from corpus.errors import CorpusError
from corpus.models import Entity
from tests.corpus.conftest import SHIPPED


@pytest.fixture(scope="module")
def gazetteer() -> tuple[Entity, ...]:
    return load_entities(entities_path(SHIPPED))


@pytest.mark.parametrize(
    "text, names",
    [
        ("South Korean firms localize production", ["South Korea"]),
        ("What about Korea?", ["South Korea"]),
        ("Chinese and Japanese firms", ["China", "Japan"]),
        ("the US, the United States, America and American buyers", ["United States"]),
        ("Tell us about it", []),
        ("What does the EU do? And Europe? European makers?", ["Europe"]),
        ("The IRA, or Inflation Reduction Act", ["Inflation Reduction Act"]),
        ("my friend ira", []),
        ("The European Battery Alliance", ["European Battery Alliance"]),
        ("Made in China 2025", ["Made in China 2025"]),
        ("North America and South America", ["North America", "South America"]),
        ("Congolese cobalt mines", ["Democratic Republic of the Congo", "cobalt"]),
        (
            "lithium-ion cells need lithium and nickel",
            ["lithium-ion batteries", "lithium", "nickel"],
        ),
        ("solid state battery research", ["solid-state batteries"]),
        ("high-energy-density batteries", ["high-energy-density batteries"]),
        ("catl, byd and SVOLT", ["CATL", "BYD", "SVOLT"]),
        ("LGES and LG", ["LG Energy Solution"]),
        ("Samsung SDI vs SK On", ["Samsung SDI", "SK Innovation"]),
        ("Panasonic and Toyota’s battery division", ["Panasonic", "Toyota"]),
        ("Australia and Africa in Asia", ["Australia", "Africa", "Asia"]),
        ("Asian technology", ["Asia"]),
        ("BYDish and CATLish", []),  # whole words only
        ("chinas lithium play, japans firms", ["China", "lithium", "Japan"]),  # no apostrophe
    ],
)
def test_find_entities(gazetteer, text, names):
    assert [e.name for e in find_entities(text, gazetteer)] == names


def test_gazetteer_shape(gazetteer):
    names = {e.name for e in gazetteer}
    assert len(names) == len(gazetteer)
    assert {e.type for e in gazetteer} <= set(ENTITY_TYPES)
    korea = next(e for e in gazetteer if e.name == "LG Energy Solution")
    assert (korea.type, korea.country) == ("company", "South Korea")


def test_every_entity_named_in_the_seed_document_is_found(gazetteer):
    from corpus.loaders import load_document

    text = load_document(SHIPPED / "documents" / "asia-battery-dominance.md").text
    found = {e.name for e in find_entities(text, gazetteer)}
    assert found == {e.name for e in gazetteer}


def test_find_entities_accepts_any_iterable():
    entity = Entity("Widget Co", "company", None, ("Widgets",))
    assert find_entities("widgets galore", [entity]) == (entity,)
    assert find_entities("widgets galore", []) == ()


@pytest.mark.parametrize(
    "text, line, reason",
    [
        (
            "- name: A\n  type: company\n- name: B\n  type: planet\n",
            4,
            "field 'type': Input should be",
        ),
        ("- type: company\n", 1, "entity is missing the field 'name'"),
        (
            "- name: A\n  type: company\n  aliases: [X]\n- name: B\n  type: company\n  aliases: [x]\n",
            4,
            "'x' already refers to 'A'",
        ),
    ],
)
def test_broken_gazetteer(tmp_path: Path, text, line, reason):
    path = tmp_path / "entities.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = read_entities(path)
    assert [(p.line, p.reason[: len(reason)]) for p in problems] == [(line, reason)]
    with pytest.raises(CorpusError):
        load_entities(path)


def test_the_world_adds_the_places_the_corpus_gazetteer_does_not_name(gazetteer):
    world = load_entities(world_path(SHIPPED))
    known = with_world(gazetteer, world)
    # the corpus's own entries come first, as they are (a continent takes what it contains)
    assert [replace(e, contains=()) for e in known[: len(gazetteer)]] == list(gazetteer)
    assert [e.name for e in find_entities("how's india doing? germany too", known)] == [
        "India",
        "Germany",
    ]
    # the longest form wins, whatever separates its words
    assert [e.name for e in find_entities("People’s Republic of China", known)] == ["China"]
    assert [e.name for e in find_entities("the Republic-of-China", known)] == ["Taiwan"]
    # the corpus's own entry wins over a world entry that shares a form with it
    clash = Entity("Koreas", "region", "Koreas", ("Korea",))
    assert clash not in with_world(gazetteer, [clash])
    assert load_known(SHIPPED) == known


def test_a_broken_world_file_is_a_corpus_problem(tmp_path: Path):
    import shutil

    from corpus.check import check_corpus

    corpus = tmp_path / "corpus"
    shutil.copytree(SHIPPED, corpus)
    (corpus / "world.yaml").write_text("- name: Atlantis\n  type: continent\n", encoding="utf-8")
    problems = check_corpus(corpus)
    assert [(Path(p.file).name, p.line) for p in problems] == [("world.yaml", 2)]


def test_a_region_includes_only_places_its_own_file_names(tmp_path: Path):
    """A world file stands alone: what a region takes in is named in the same file (the
    corpus gazetteer's entry for the same place wins when both are loaded)."""
    west = next(e for e in load_entities(world_path(SHIPPED)) if e.name == "the West")
    assert "United States" in west.includes and "Europe" in west.includes
    path = tmp_path / "world.yaml"
    path.write_text(
        "- name: China\n  type: country\n"
        "- name: Atlantis\n  type: region\n  includes: [China]\n"
        "- name: Lemuria\n  type: region\n  includes: [Mu]\n",
        encoding="utf-8",
    )
    entities, problems = read_entities(path)
    assert entities[1].includes == ("China",)
    assert [(p.line, p.reason) for p in problems] == [
        (6, "entity 'Lemuria' includes 'Mu', which is no entity's name")
    ]


def test_a_continent_the_corpus_names_takes_the_places_inside_it_from_the_world(gazetteer):
    asia = next(e for e in load_known(SHIPPED) if e.name == "Asia")
    assert {"China", "Japan", "South Korea", "India"} <= set(asia.contains)
    # what is inside a continent does not speak for it: its forms stay its own
    assert "China" not in asia.forms
    own = Entity("Asia", "region", "Asia", ("Asian",), contains=("Japan",))
    world = [Entity("Asia", "region", "Asia", ("Asian",), contains=("China",))]
    assert with_world([own], world)[0].contains == ("Japan",)  # the corpus's own list wins
