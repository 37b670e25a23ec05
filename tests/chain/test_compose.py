"""Choosing an answer's sentences from hand-made evidence (no index, no model)."""

from __future__ import annotations

from bot.compose import choose
from bot.evidence import Evidence
from bot.intent import read_intent
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
