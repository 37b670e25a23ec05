"""End to end: a signed @mention reaches the real answer chain over a real (small) index."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.settings import REPO_ROOT
from tests.fakes.slack_api import BOT_USER_ID, FakeSlackApi
from tests.slack.conftest import SlackHarness, make_settings, serve_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed document (and one fact table, to keep the build short), indexed once."""
    root = tmp_path_factory.mktemp("slack-e2e")
    corpus = root / "corpus"
    shutil.copytree(REPO_ROOT / "corpus" / "documents", corpus / "documents")
    (corpus / "facts").mkdir()
    shutil.copy(REPO_ROOT / "corpus" / "facts" / "south_korea.yaml", corpus / "facts")
    shutil.copy(REPO_ROOT / "corpus" / "entities.yaml", corpus / "entities.yaml")
    data = root / "data"
    env = {"BATTERYBOT_CORPUS_DIR": str(corpus), "BATTERYBOT_DATA_DIR": str(data)}
    result = CliRunner().invoke(main, ["index", "build"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return corpus, data


@pytest.fixture(scope="session")
def real_chain(small_index):
    from bot.chain import AnswerChain

    corpus, data = small_index
    return AnswerChain.from_settings(make_settings(data.parent, corpus_dir=corpus, data_dir=data))


@pytest.fixture
def real_slack(tmp_path, small_index, real_chain) -> Iterator[SlackHarness]:
    corpus, data = small_index
    with FakeSlackApi() as api:
        settings = make_settings(
            tmp_path, api, corpus_dir=corpus, data_dir=data, feedback_db=tmp_path / "fb.sqlite3"
        )
        with serve_app(settings, api, real_chain.answer) as harness:
            yield harness


def test_mention_gets_a_grounded_cited_answer_from_the_real_chain(real_slack):
    question = "Which companies lead South Korea's battery industry?"
    event = {
        "type": "app_mention",
        "user": "UASKER001",
        "channel": "CGENERAL1",
        "ts": "1700000200.000100",
    }
    real_slack.send_event({**event, "text": f"<@{BOT_USER_ID}> {question}"})

    update = real_slack.api.wait_for("chat.update", timeout=60)[0]
    rendered = json.dumps(update.params["blocks"], ensure_ascii=False)
    assert "LG Energy Solution" in update.params["text"]
    assert "[1]" in update.params["text"]
    assert "*Sources*" in rendered
    assert "Asia's Dominance in Battery Manufacturing" in rendered
    assert "south-korea" in rendered
    (item,) = [c for c in real_slack.api.calls("chat.postMessage")]
    assert item.params["thread_ts"] == "1700000200.000100"


def test_off_topic_mention_is_an_honest_abstention(real_slack):
    event = {
        "type": "app_mention",
        "user": "UASKER001",
        "channel": "CGENERAL1",
        "ts": "1700000201.000100",
    }
    real_slack.send_event({**event, "text": f"<@{BOT_USER_ID}> What is the capital of Peru?"})
    update = real_slack.api.wait_for("chat.update", timeout=60)[0]
    rendered = json.dumps(update.params["blocks"], ensure_ascii=False)
    assert "*No answer in the corpus*" in rendered
    assert "*Sources*" not in rendered
