"""Choosing an answer's sentences from hand-made evidence (no index, no model)."""

from __future__ import annotations

from bot.compose import choose
from bot.evidence import Evidence, Part
from bot.intent import read_intent
from bot.names import Name
from index.records import Chunk, ScoredChunk


def hit(text: str, score: float, n: int) -> ScoredChunk:
    unit = Chunk(f"s{n}", text, "doc", "A note", "process", "sentence", position=n)
    return ScoredChunk(unit, score, score, 0.0)


def test_what_is_an_abbreviation_includes_the_sentence_that_spells_it_out():
    q = "what's HPAL?"
    found = (
        hit("HPAL dissolves laterite ore in acid at high pressure.", 0.70, 2),
        hit("HPAL plants cost less to build here.", 0.66, 3),
        hit("Mills need purer nickel.", 0.62, 4),
        hit("The parks answer this with high-pressure acid leaching (HPAL).", 0.45, 1),
    )
    chosen = [h.chunk.text for h in choose(Evidence(q, (), found), read_intent(q)).chosen]
    assert chosen[0].startswith("HPAL dissolves")
    assert any("high-pressure acid leaching (HPAL)" in t for t in chosen)


def test_parentheses_that_do_not_spell_the_term_are_not_taken_for_it():
    q = "what's HPAL?"
    found = (
        hit("HPAL dissolves laterite ore in acid at high pressure.", 0.70, 2),
        hit("Output rose sharply (HPAL) last year.", 0.40, 1),
    )
    chosen = [h.chunk.text for h in choose(Evidence(q, (), found), read_intent(q)).chosen]
    assert chosen == ["HPAL dissolves laterite ore in acid at high pressure."]


KOREA = Name("South Korea", "place", ("South Korea", "Korean"))
JAPAN = Name("Japan", "place", ("Japan", "Japanese"))
SHARED = "South Korea and Japan both focus on high-end batteries."
KOREAN_FOCUS = "South Korea has focused on high-energy-density batteries."


def korea_side(own_score: float) -> Part:
    ranked = (hit(SHARED, 0.70, 1), hit(KOREAN_FOCUS, own_score, 2))
    return Part("focus", KOREA, ranked, (JAPAN,), reach=0.70)


def test_a_sides_own_best_sentence_joins_a_shared_one_that_answers_the_aspect():
    q = "korea vs japan: what is each one's focus?"
    for own_score, joins in ((0.55, True), (0.40, False)):  # 0.40 < 0.7 of the reach
        evidence = Evidence(q, (KOREA, JAPAN), (hit(SHARED, 0.9, 1),), (korea_side(own_score),))
        chosen = [h.chunk.text for h in choose(evidence, read_intent(q)).chosen]
        assert (KOREAN_FOCUS in chosen) is joins, own_score


JAPANESE_FOCUS = "Japanese firms have led in solid-state battery development."


def test_once_one_sides_own_sentence_joins_another_as_near_to_it_joins_too():
    """Korea's own sentence clears the bar set by the shared one; Japan's falls short of that
    bar but comes as near to Korea's as a side's best must: both sides are answered."""
    q = "korea vs japan: what is each one's focus?"
    japan = Part(
        "focus", JAPAN, (hit(SHARED, 0.70, 1), hit(JAPANESE_FOCUS, 0.45, 3)), (KOREA,), reach=0.70
    )
    evidence = Evidence(q, (KOREA, JAPAN), (hit(SHARED, 0.9, 1),), (korea_side(0.55), japan))
    chosen = [h.chunk.text for h in choose(evidence, read_intent(q)).chosen]
    assert KOREAN_FOCUS in chosen and JAPANESE_FOCUS in chosen, chosen
    # alone, Japan's sentence is too far behind the shared one to join
    alone = Evidence(q, (KOREA, JAPAN), (hit(SHARED, 0.9, 1),), (japan,))
    assert JAPANESE_FOCUS not in [h.chunk.text for h in choose(alone, read_intent(q)).chosen]


def test_a_part_whose_best_the_answer_holds_adds_its_next_best_when_close():
    q = "the story in dates - founded, the order pulled, the bankruptcy"
    filed = hit("It filed for bankruptcy in March 2025 after an order was pulled.", 0.85, 3)
    pulled = hit("In June 2024 a carmaker cancelled its order.", 0.80, 2)
    founded = hit("It was founded in 2016.", 0.80, 1)
    far = hit("Its plant is in the north.", 0.60, 4)
    parts = (
        Part("founded", None, (founded, filed)),
        Part("the order pulled", None, (filed, pulled)),  # within GAP of the held best
        Part("the bankruptcy", None, (filed, far)),  # too far behind: nothing added
    )
    chosen = [h.chunk.text for h in choose(Evidence(q, (), (filed,), parts), read_intent(q)).chosen]
    assert chosen[0] == filed.chunk.text
    assert pulled.chunk.text in chosen and founded.chunk.text in chosen
    assert far.chunk.text not in chosen


def test_a_part_whose_held_best_does_not_say_what_it_asks_adds_its_next_best():
    """A later part is searched with the first part's words, so the first part's sentence
    may lead it; when that sentence does not meet the part's own words, the part's next best
    answers it, however far behind. When it does, nothing far behind is added."""
    q = "cobalt: who controls the mines, and what's being done to need less of it?"
    mines = hit("Chinese firms control a large share of the cobalt mines.", 0.80, 1)
    less = hit("Makers are reducing the cobalt content of cathodes.", 0.50, 2)
    part = "what's being done to need less of it"
    parts = (
        Part("who controls the mines", None, (mines,), asked="who controls the mines"),
        Part(f"{part} (cobalt)", None, (mines, less), asked=part),
    )
    chosen = [h.chunk.text for h in choose(Evidence(q, (), (mines,), parts), read_intent(q)).chosen]
    assert chosen == [mines.chunk.text, less.chunk.text]
    # asked what the held sentence says, the part is answered by it
    said = (parts[0], Part("who controls them (cobalt)", None, (mines, less), asked="who controls"))
    chosen = [h.chunk.text for h in choose(Evidence(q, (), (mines,), said), read_intent(q)).chosen]
    assert chosen == [mines.chunk.text]


def test_a_question_asking_for_a_list_gets_several_points_not_the_best_three():
    found = tuple(
        hit(f"The plant's strength number {n} is real.", 0.80 - 0.02 * n, n) for n in range(5)
    )
    plain = "what are the plant's strengths?"
    listed = "what are the plant's strengths? list pls"
    assert len(choose(Evidence(plain, (), found), read_intent(plain)).chosen) == 3
    draft = choose(Evidence(listed, (), found), read_intent(listed))
    assert len(draft.chosen) == 5 and draft.bullets


def test_a_list_question_leads_with_the_sentence_that_lists_the_asked_kind():
    q = "what hurdles are the efforts running into?"
    lists = "These efforts face hurdles, including high costs, slow scaling, and imports."
    near = (hit("Europe is pursuing similar strategies.", 0.56, 1), hit(lists, 0.54, 2))
    chosen = [h.chunk.text for h in choose(Evidence(q, (), near), read_intent(q)).chosen]
    assert chosen[0] == lists
    # ...when it is as good as the best: one far behind does not lead
    far = (hit("Europe is pursuing similar strategies.", 0.80, 1), hit(lists, 0.54, 2))
    chosen = [h.chunk.text for h in choose(Evidence(q, (), far), read_intent(q)).chosen]
    assert chosen[0].startswith("Europe")
