"""One index and one extractive chain per session for the tests that run sets end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import REPO_ROOT, Settings


@pytest.fixture(scope="session")
def eval_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the shipped corpus with a private data dir, its index built."""
    from bot.indexing import build_index_from_settings

    data_dir: Path = tmp_path_factory.mktemp("eval-data")
    settings = Settings(
        _env_file=None, corpus_dir=REPO_ROOT / "corpus", data_dir=data_dir, generator="extractive"
    )
    build_index_from_settings(settings)
    return settings


@pytest.fixture(scope="session")
def eval_chain(eval_index: Settings):
    """The real extractive answer chain over the session's index."""
    from bot.chain import AnswerChain

    return AnswerChain.from_settings(eval_index, "extractive")


@pytest.fixture(scope="session")
def scorers(eval_index: Settings, eval_chain):
    """The guard's support scorer and the MiniLM answer-similarity the CLI uses."""
    from evals.runner import embedding_similarity, guard_support
    from index.embeddings import make_embeddings

    embeddings = make_embeddings(eval_index.embedding_model, eval_index.embedding_sha256)
    return guard_support(eval_chain.embedder.best), embedding_similarity(embeddings)


@pytest.fixture
def eval_cli(eval_index: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Invoke `batterybot` with settings pointing at the session index (and no .env)."""
    from click.testing import CliRunner

    from bot.cli import main

    monkeypatch.chdir(tmp_path)  # Settings reads .env from the working directory
    env = {
        "BATTERYBOT_DATA_DIR": str(eval_index.data_dir),
        "BATTERYBOT_CORPUS_DIR": str(eval_index.corpus_dir),
        "BATTERYBOT_GENERATOR": "extractive",
        "BATTERYBOT_CHROMA_HOST": "",
    }

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke
