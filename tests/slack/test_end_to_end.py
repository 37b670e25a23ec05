"""End to end: a signed @mention reaches the real answer chain over a real (small) index."""

from __future__ import annotations

import json
import shutil
import time
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


def test_thread_chatter_gets_no_reply_and_a_follow_up_question_an_answer(real_slack):
    api, root = real_slack.api, "1700000202.000100"
    korea = "Which companies lead South Korea's battery industry?"
    api.add_message("CGENERAL1", f"<@{BOT_USER_ID}> {korea}", user="UASKER001", ts=root)
    real_slack.send_event(
        {
            "type": "app_mention",
            "user": "UASKER001",
            "channel": "CGENERAL1",
            "ts": root,
            "text": f"<@{BOT_USER_ID}> {korea}",
        }
    )
    first = api.wait_for("chat.update", timeout=60)[0]
    api.add_message("CGENERAL1", first.params["text"], user=BOT_USER_ID, thread_ts=root)

    def reply(text: str, user: str) -> None:
        ts = api.add_message("CGENERAL1", text, user=user, thread_ts=root)
        real_slack.send_event(
            {
                "type": "message",
                "channel_type": "channel",
                "user": user,
                "channel": "CGENERAL1",
                "ts": ts,
                "thread_ts": root,
                "text": text,
            }
        )

    reply("lol ok, see you at lunch", "UOTHER001")
    reply("haha nice one", "UASKER001")
    reply("What did Japan pioneer?", "UASKER001")
    answer = api.wait_for(
        "chat.postMessage",
        where=lambda c: "blocks" in c.params and "pioneer" in c.params["text"],
        timeout=60,
    )[0]
    assert answer.params["thread_ts"] == root and "[1]" in answer.params["text"]
    time.sleep(0.5)
    posted = [c.params["text"] for c in api.calls("chat.postMessage")]
    assert len(posted) == 2  # the placeholder of the first answer, and the follow-up's answer
    assert not [t for t in posted if "corpus doesn't cover" in t or "No answer" in t]
