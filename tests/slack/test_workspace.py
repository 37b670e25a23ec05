"""How the bot behaves in a real workspace: redeliveries after a restart or on another
replica, thread chatter, long threads, failed updates, sharing, allowlists."""

from __future__ import annotations

import time

import pytest

from bot.records import Turn
from bot.slack import messages
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID, TEAM_ID
from tests.slack.conftest import serve_app

pytestmark = pytest.mark.integration

CHANNEL = "CGENERAL1"
ASKER = "UASKER001"


def mention(text: str, ts: str, *, thread_ts: str | None = None, **extra) -> dict:
    event = {
        "type": "app_mention",
        "user": ASKER,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": CHANNEL,
        **extra,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def thread_reply(text: str, ts: str, thread_ts: str) -> dict:
    return {
        "type": "message",
        "channel_type": "channel",
        "user": ASKER,
        "text": text,
        "ts": ts,
        "thread_ts": thread_ts,
        "channel": CHANNEL,
    }


def dm(text: str, ts: str) -> dict:
    return {
        "type": "message",
        "channel_type": "im",
        "user": ASKER,
        "text": text,
        "ts": ts,
        "channel": "DASKER001",
    }


def buttons(call) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in call.params.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    }


def settle() -> None:
    time.sleep(0.3)  # a wrong extra reply would have been posted by now


# -- 4: redeliveries after a restart, or to a second process -------------------------------------


def test_a_retry_after_a_restart_is_not_answered_again(slack, fake_api, answerer):
    event = mention("Who leads?", "1700000500.000100")
    slack.send_event(event, event_id="EvRESTART1")
    slack.api.wait_for("chat.update")
    with serve_app(slack.settings, fake_api, answerer) as restarted:
        restarted.send_event(event, event_id="EvRESTART1", retry_num=1)
        restarted.send_event(dm("barrier question", "1700000500.000200"))
        fake_api.wait_for("chat.update", 2)
        settle()
    assert [q for q, _ in answerer.calls] == ["Who leads?", "barrier question"]


def test_two_processes_on_one_database_answer_each_event_once(slack, fake_api, answerer):
    with serve_app(slack.settings, fake_api, answerer) as other:
        for n in range(10):
            event = mention(f"question {n}", f"1700000600.{n:06d}")
            slack.send_event(event, event_id=f"EvPAIR{n}")
            other.send_event(event, event_id=f"EvPAIR{n}", retry_num=1)
        fake_api.wait_for("chat.update", 10)
        settle()
    assert sorted(q for q, _ in answerer.calls) == sorted(f"question {n}" for n in range(10))
    assert len(fake_api.calls("chat.postMessage")) == 10


# -- 5: thread chatter -----------------------------------------------------------------------------


def answered_thread(slack, root: str) -> None:
    slack.api.add_message(CHANNEL, f"<@{BOT_USER_ID}> Who leads?", user=ASKER, ts=root)
    slack.send_event(mention("Who leads?", root))
    slack.api.wait_for("chat.update")


def test_chatter_in_an_answered_thread_gets_no_reply(slack):
    root = "1700000700.000100"
    answered_thread(slack, root)
    chatter = slack.api.add_message(CHANNEL, "lol ok unknowable, see you at lunch", thread_ts=root)
    slack.send_event(thread_reply("lol ok unknowable, see you at lunch", chatter, root))
    slack.send_event(dm("barrier question", "1700000700.000300"))
    slack.api.wait_for("chat.update", 2)
    settle()
    posted = [c.params["text"] for c in slack.api.calls("chat.postMessage")]
    assert posted == [messages.SEARCHING, messages.SEARCHING]  # the two real questions only
    assert "lol ok unknowable, see you at lunch" in [q for q, _ in slack.answerer.calls]


def test_a_question_in_an_answered_thread_is_answered_without_a_mention(slack):
    root = "1700000701.000100"
    answered_thread(slack, root)
    follow = slack.api.add_message(CHANNEL, "And what about Korea?", thread_ts=root)
    slack.send_event(thread_reply("And what about Korea?", follow, root))
    reply = slack.api.wait_for("chat.postMessage", 2)[1]
    assert reply.params["thread_ts"] == root
    assert "You asked: And what about Korea?" in reply.params["text"]


def test_replies_in_threads_the_bot_is_not_in_cost_no_slack_call(slack):
    for n in range(5):
        root = slack.api.add_message(CHANNEL, f"standup {n}", user="UOTHER001")
        reply = slack.api.add_message(CHANNEL, "done", thread_ts=root)
        slack.send_event(thread_reply("done", reply, root))
    slack.send_event(dm("barrier question", "1700000702.000100"))
    slack.api.wait_for("chat.update")
    settle()
    assert not slack.api.calls("conversations.replies")
    assert [q for q, _ in slack.answerer.calls] == ["barrier question"]


# -- 8: long threads --------------------------------------------------------------------------------


def test_a_follow_up_in_a_thread_of_over_200_messages_sees_the_latest_turns(slack):
    root = slack.api.add_message(CHANNEL, "kick-off", user="UOTHER001")
    for n in range(240):
        slack.api.add_message(CHANNEL, f"chatter {n}", user="UOTHER001", thread_ts=root)
    slack.api.add_message(CHANNEL, "Who leads cell making?", user=ASKER, thread_ts=root)
    slack.api.add_message(
        CHANNEL, "China leads [1].", user=BOT_USER_ID, bot_id=BOT_ID, thread_ts=root
    )
    ts = slack.api.add_message(CHANNEL, f"<@{BOT_USER_ID}> and Korea?", user=ASKER, thread_ts=root)
    slack.send_event(mention("and Korea?", ts, thread_ts=root))
    slack.api.wait_for("chat.update")
    question, history = slack.answerer.calls[0]
    assert question == "and Korea?"
    assert history[-2:] == (
        Turn("user", "Who leads cell making?"),
        Turn("assistant", "China leads [1]."),
    )


# -- 9: failed updates -----------------------------------------------------------------------------


def test_answer_is_posted_anew_when_the_placeholder_is_gone(slack):
    slack.api.fail_next("chat.update", status=200, error="message_not_found")
    slack.send_event(mention("Who leads?", "1700000900.000100"))
    answer = slack.api.wait_for(
        "chat.postMessage", where=lambda c: c.params["text"] != messages.SEARCHING
    )[0]
    assert answer.params["text"].startswith("China leads cell manufacturing [1].")
    assert answer.params["thread_ts"] == "1700000900.000100"


def test_answer_is_posted_anew_and_the_placeholder_removed_when_updates_keep_failing(slack):
    slack.api.fail_next("chat.update", times=3, status=500)
    slack.send_event(mention("Who leads?", "1700000901.000100"))
    answer = slack.api.wait_for(
        "chat.postMessage", where=lambda c: c.params["text"] != messages.SEARCHING
    )[0]
    assert answer.params["text"].startswith("China leads cell manufacturing [1].")
    placeholder = slack.api.calls("chat.postMessage")[0]
    deleted = slack.api.wait_for("chat.delete")[0]
    assert deleted.params["ts"] == placeholder.response["ts"]


def test_persistent_rate_limits_end_in_an_honest_notice(slack):
    # The placeholder goes through; then every update and post of the answer is rate-limited.
    slack.api.fail_next("chat.update", times=4, status=429, retry_after=0)
    slack.api.fail_next("chat.postMessage", times=4, status=429, retry_after=0, after=1)
    slack.send_event(mention("Who leads?", "1700000902.000100"))
    notice = slack.api.wait_for(
        "chat.postMessage", where=lambda c: c.params["text"] != messages.SEARCHING, timeout=15
    )[0]
    assert notice.params["text"] == messages.SLACK_BUSY
    texts = [c.params.get("text") for c in slack.api.calls()]
    assert messages.UNEXPECTED_ERROR not in texts


# -- 10: sharing ---------------------------------------------------------------------------------


def private_answer(slack, trigger: str) -> str:
    slack.send_form(
        {
            "command": "/battery",
            "text": "Who leads cell making?",
            "user_id": ASKER,
            "channel_id": CHANNEL,
            "team_id": TEAM_ID,
            "response_url": slack.api.response_url("command"),
            "trigger_id": trigger,
        }
    )
    return buttons(slack.api.wait_for("chat.postEphemeral")[0])["share_answer"]


def share(slack, ref: str, *, user: str, channel: str, trigger: str):
    return slack.send_interaction(
        {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": TEAM_ID},
            "channel": {"id": channel},
            "container": {"type": "message", "is_ephemeral": True},
            "trigger_id": trigger,
            "response_url": slack.api.response_url("share"),
            "actions": [{"action_id": "share_answer", "block_id": "answer_actions", "value": ref}],
        }
    )


@pytest.mark.parametrize(
    ("user", "channel"), [("UINTRUDER", CHANNEL), (ASKER, "COTHER001"), ("UINTRUDER", "COTHER001")]
)
def test_only_the_asker_can_share_and_only_where_it_was_asked(slack, user, channel):
    ref = private_answer(slack, trigger=f"trigger-ask-{user}-{channel}")
    share(slack, ref, user=user, channel=channel, trigger=f"trigger-share-{user}-{channel}")
    refusal = slack.api.wait_for("response_url", where=lambda c: "text" in c.params)[0]
    settle()
    assert not slack.api.calls("chat.postMessage")  # nothing was made public
    assert refusal.params["response_type"] == "ephemeral"
    assert "Only the person who asked can share this answer" in refusal.params["text"]


# -- 12: allowlists ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slack_overrides", [{"slack_allowed_teams": [TEAM_ID], "slack_allowed_channels": [CHANNEL]}]
)
def test_a_slack_connect_user_in_an_allowed_channel_is_answered(slack):
    slack.send_event(mention("Who leads?", "1700001200.000100", team="TCONNECT1"))
    assert slack.api.wait_for("chat.update")[0].params["channel"] == CHANNEL
    assert not slack.api.calls("chat.postEphemeral")
