"""The LLM path end to end: real chain, real langchain-openai client, fake endpoint on 127.0.0.1.

The chain numbers its contexts 1..n in retrieval order, so the scripted "models" below read
the numbered context out of the request they receive and answer from (or against) it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from bot import messages
from bot.chain import LLM_SENTENCES, AnswerChain, ChainConfig
from bot.llm import NOT_IN_CORPUS, LLMGenerator
from bot.text import normalize, split_sentences
from tests.chain.test_chain import assert_grounded
from tests.fakes.openai_server import FakeOpenAIServer

pytestmark = pytest.mark.integration

TIMEOUT_S = 1.0
TOP_K = 4  # passages reported as retrieved
QUESTION = "What share of the world's battery manufacturing facilities does China operate?"
COMPARISON = "How does government support for batteries differ between South Korea and Japan?"
INVENTED = "China operates 90% of the world's battery manufacturing facilities [1]."
_CONTEXT_BLOCK = re.compile(r"^\[(\d+)\] [^\n]*\n(.+?)(?=\n\n\[\d+\] |\n</context>)", re.S | re.M)


def contexts_of(messages_: list[dict]) -> dict[int, str]:
    """The numbered passages of the real question (the last user message, not the examples)."""
    last_user = [m for m in messages_ if m.get("role") == "user"][-1]["content"]
    block = last_user.split("<context>", 1)[1]
    return {int(n): text.strip() for n, text in _CONTEXT_BLOCK.findall(block)}


def verbatim(messages_: list[dict], n: int = 1, *, containing: str = "") -> str:
    """A sentence copied from context n (the first one containing `containing`), cited [n]."""
    sentences = split_sentences(contexts_of(messages_)[n])
    sentence = next(s for s in sentences if containing in s)
    return f"{sentence.rstrip('.')} [{n}]."


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(model="fake-model", slow_s=4 * TIMEOUT_S) as server:
        yield server


@pytest.fixture(scope="module")
def llm_chain(chain, fake_llm: FakeOpenAIServer) -> AnswerChain:
    """The session chain's retriever and gazetteer with an LLM generator on the fake endpoint."""
    llm = LLMGenerator(fake_llm.base_url, "fake-model", "sk-test", TIMEOUT_S, max_tokens=200)
    return AnswerChain(chain.retriever, chain.entities, ChainConfig(TOP_K, "llm"), llm=llm)


@pytest.fixture
def model(fake_llm: FakeOpenAIServer) -> Iterator[Callable]:
    """Script the fake model with a function of the request's messages; reset after the test."""
    fake_llm.set_mode("normal")
    fake_llm.requests.clear()

    def script(responder: Callable[[list[dict]], str]) -> FakeOpenAIServer:
        fake_llm.responder = responder
        return fake_llm

    yield script
    fake_llm.responder = None
    fake_llm.set_mode("normal")


def kept_verbatim(answer, sentence: str) -> bool:
    return normalize(re.sub(r"\s*\[\d+\]", "", sentence)).rstrip(".") in normalize(answer.text)


def test_the_model_sees_the_sentences_chosen_as_answering_numbered(
    llm_chain, chain, model, corpus_sentences
):
    fake = model(lambda m: verbatim(m, 1))
    answer = llm_chain.answer(QUESTION)
    contexts = contexts_of(fake.last_messages())
    assert 1 <= len(contexts) <= LLM_SENTENCES
    assert sorted(contexts) == list(range(1, len(contexts) + 1))
    assert all(normalize(text) in corpus_sentences for text in contexts.values())
    # the same sentences the extractive answer is made of, its lead first
    extractive = normalize(re.sub(r"\s*\[\d+\]", "", chain.answer(QUESTION).text))
    assert all(normalize(t).rstrip(".") in extractive for t in contexts.values())
    assert extractive.startswith(normalize(contexts[1]).rstrip("."))
    # the cited sentence's paragraph leads the retrieved passages
    assert normalize(contexts[1]) in normalize(answer.retrieved[0].text)


def test_what_the_model_cut_or_left_out_is_restored_verbatim(llm_chain, model, corpus_sentences):
    seen: list[dict[int, str]] = []

    def reply(m):  # the first sentence cut to its first few words, the others ignored
        seen.append(contexts_of(m))
        return " ".join(seen[-1][1].split()[:4]).rstrip(",.") + " [1]."

    model(reply)
    answer = llm_chain.answer(COMPARISON)
    assert answer.generator == "llm"
    assert len(seen[0]) >= 3
    for text in seen[0].values():
        assert kept_verbatim(answer, text)
    assert_grounded(answer, corpus_sentences)


def test_verbatim_copy_with_a_valid_marker_is_kept(llm_chain, model, corpus_sentences):
    sent: list[str] = []

    def reply(m):
        sent.append(verbatim(m, 1))
        return sent[-1]

    model(reply)
    answer = llm_chain.answer(QUESTION)
    assert answer.generator == "llm"
    assert not answer.abstained
    assert kept_verbatim(answer, sent[0])
    assert [c.n for c in answer.citations] == [1]
    assert normalize(answer.citations[0].quote) in corpus_sentences
    # the citation points at a retrieved passage, the one that holds the quoted sentence
    cited = {r.chunk_id: r.text for r in answer.retrieved}[answer.citations[0].chunk_id]
    assert normalize(answer.citations[0].quote) in normalize(cited)
    assert all(s.supported for s in answer.support)
    assert answer.notes == ()


def test_invented_figure_is_dropped_and_the_supported_sentence_kept(llm_chain, model):
    sent: list[str] = []

    def reply(m):
        sent.append(verbatim(m, 1))
        return f"{INVENTED} {sent[-1]}"

    model(reply)
    answer = llm_chain.answer(QUESTION)
    assert answer.generator == "llm"
    assert "90%" not in answer.text
    assert kept_verbatim(answer, sent[0])
    dropped = [s for s in answer.support if not s.supported]
    assert len(dropped) == 1 and "90%" in dropped[0].missing_terms


def test_citation_of_a_missing_source_is_dropped(llm_chain, model):
    model(lambda m: f"{INVENTED.replace('[1]', '[9]')} {verbatim(m, 2)}")
    answer = llm_chain.answer(COMPARISON)
    assert answer.generator == "llm"
    assert "[9]" not in answer.text and "90%" not in answer.text
    assert 9 not in {c.n for c in answer.citations}
    assert 2 in {c.n for c in answer.citations}
    assert any(s.cited == () and not s.supported for s in answer.support)


def test_nothing_supported_falls_back_to_extractive_never_the_invented_text(
    llm_chain, model, corpus_sentences
):
    model(lambda m: f"{INVENTED} Japan makes the best batteries in the world [2].")
    answer = llm_chain.answer(QUESTION)
    assert "90%" not in answer.text and "best batteries" not in answer.text
    assert answer.generator == "extractive"
    assert messages.LLM_UNSUPPORTED in answer.notes
    if not answer.abstained:
        assert all(normalize(c.quote) in corpus_sentences for c in answer.citations)
        assert "70%" in answer.text


@pytest.mark.parametrize("mode", ["error", "slow", "garbage", "invalid_json"])
def test_failing_endpoint_falls_back_to_extractive_with_a_note(llm_chain, model, mode):
    fake = model(lambda m: INVENTED)  # a fault mode answers before the responder is asked
    fake.set_mode(mode)
    answer = llm_chain.answer(QUESTION)
    assert answer.generator == "extractive"
    assert not answer.abstained
    assert "90%" not in answer.text
    assert "70%" in answer.text and answer.citations
    assert len(answer.notes) == 1
    prefix = messages.LLM_FALLBACK.split("{", 1)[0]
    assert answer.notes[0].startswith(prefix)
    assert "sk-test" not in answer.notes[0]
    assert fake.requests, "the endpoint was really called"
    if mode == "slow":
        assert answer.timings_ms["total"] < (TIMEOUT_S + 3) * 1000


def test_model_declining_an_answerable_question_falls_back_to_extractive(llm_chain, model):
    model(lambda m: NOT_IN_CORPUS)
    answer = llm_chain.answer(QUESTION)
    assert not answer.abstained
    assert "70%" in answer.text and answer.citations
    assert answer.generator == "extractive"
    assert answer.notes == (messages.LLM_DECLINED,)


def test_model_premise_framing_is_dropped_when_the_question_presupposes_nothing(llm_chain, model):
    from bot.llm import PREMISE_NOT_SUPPORTED

    def reply(messages_: list[dict]) -> str:
        n = next(n for n, text in contexts_of(messages_).items() if "70%" in text)
        return f"{PREMISE_NOT_SUPPORTED} {verbatim(messages_, n, containing='70%')}"

    fake = model(reply)
    answer = llm_chain.answer(QUESTION)
    assert fake.requests
    assert not answer.premise_rejected
    assert answer.generator == "llm"
    assert "70%" in answer.text
    assert PREMISE_NOT_SUPPORTED not in answer.text


def test_out_of_corpus_question_abstains_without_calling_the_model(llm_chain, model):
    fake = model(lambda m: INVENTED)
    answer = llm_chain.answer("What is Tesla's battery strategy?")
    assert answer.abstained and "90%" not in answer.text
    assert fake.requests == []


def test_follow_up_history_reaches_the_model(llm_chain, model):
    from bot.records import Turn

    fake = model(lambda m: verbatim(m, 1))
    history = [
        Turn("user", "Which companies lead South Korea's battery industry?"),
        Turn("assistant", "South Korea's battery industry is led by giants like Samsung SDI [1]."),
    ]
    answer = llm_chain.answer("What do they focus on?", history)
    assert "South Korea" in answer.rewritten_query
    prompt = fake.last_messages()[-1]["content"]
    assert "<history>" in prompt and "Samsung SDI" in prompt


def test_a_refusal_before_writing_says_no_model_wrote_it(llm_chain, model):
    fake = model(lambda m: "Anything [1].")
    answer = llm_chain.answer("What's the capital of France?")
    assert answer.abstained and answer.generator == "extractive"
    assert not fake.requests, "the model is not asked about what the corpus does not cover"
