"""Fixtures for the LLM generator tests: a fresh fake endpoint per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.llm import Context, LLMGenerator
from tests.fakes.openai_server import FakeOpenAIServer

# Two passages shaped like retrieved chunks, numbered as the chain numbers them.
CONTEXTS = (
    Context(
        n=1,
        title="Asia's Dominance in Battery Manufacturing",
        text="China alone operates over 70% of the world's battery manufacturing facilities.",
    ),
    Context(
        n=2,
        title="Asia's Dominance in Battery Manufacturing",
        text="South Korea has focused on high-energy-density batteries.",
    ),
)

TIMEOUT_S = 1.0


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(model="fake-model", slow_s=3 * TIMEOUT_S) as server:
        yield server


@pytest.fixture
def generator(fake_openai: FakeOpenAIServer) -> LLMGenerator:
    return LLMGenerator(
        base_url=fake_openai.base_url,
        model="fake-model",
        api_key="sk-test-do-not-echo",
        timeout_s=TIMEOUT_S,
        max_tokens=120,
    )
