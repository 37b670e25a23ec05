"""One answer chain per test session, over an index built from the shipped corpus in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from evals.metrics import SupportFn

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def eval_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the shipped corpus with a private data dir, so a stale local index never leaks in."""
    data_dir = tmp_path_factory.mktemp("eval-data")
    return Settings(
        _env_file=None, corpus_dir=REPO / "corpus", data_dir=data_dir, generator="extractive"
    )


@pytest.fixture(scope="session")
def answer_chain(eval_settings: Settings):
    """The real extractive chain (the model loads once per session)."""
    from bot.chain import AnswerChain
    from bot.indexing import build_index_from_settings

    build_index_from_settings(eval_settings)
    return AnswerChain.from_settings(eval_settings, "extractive")


@pytest.fixture(scope="session")
def support(answer_chain) -> SupportFn:
    """The guard's support scorer with the chain's sentence embeddings."""
    from evals.runner import guard_support

    return guard_support(answer_chain.embedder.best)
