"""One index of the shipped corpus, one extractive chain over it and one CLI runner pointed at
it, shared by every test package that answers questions end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import REPO_ROOT, Settings


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the shipped corpus with a private data dir (no .env, no stale local
    index), its index built."""
    from bot.indexing import build_index_from_settings

    data_dir: Path = tmp_path_factory.mktemp("seed-data")
    settings = Settings(
        _env_file=None, corpus_dir=REPO_ROOT / "corpus", data_dir=data_dir, generator="extractive"
    )
    build_index_from_settings(settings)
    return settings


@pytest.fixture(scope="session")
def chain(built_index: Settings):
    """The real extractive chain (the embedding model loads once per session)."""
    from bot.chain import AnswerChain

    return AnswerChain.from_settings(built_index, "extractive")


@pytest.fixture
def run_cli(built_index: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Invoke `batterybot` with settings pointing at the session index (and no .env)."""
    from click.testing import CliRunner

    from bot.cli import main

    monkeypatch.chdir(tmp_path)  # Settings reads .env from the working directory
    env = {
        "BATTERYBOT_DATA_DIR": str(built_index.data_dir),
        "BATTERYBOT_CORPUS_DIR": str(built_index.corpus_dir),
        "BATTERYBOT_GENERATOR": "extractive",
        "BATTERYBOT_CHROMA_HOST": "",
    }

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke
