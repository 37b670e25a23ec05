"""The HTTP endpoint under load and attack: acks that never starve, bursts, bad lengths,
idle connections, unsigned floods and replays. Real server, real Bolt app, fake Web API."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from bot.slack import messages
from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID
from tests.slack.conftest import event_envelope, post, sign

pytestmark = pytest.mark.integration

CHANNEL = "CGENERAL1"
ASKER = "UASKER001"


def mention(text: str, ts: str) -> dict:
    return {
        "type": "app_mention",
        "user": ASKER,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": CHANNEL,
    }


def wait_until(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        assert time.monotonic() < deadline, "condition not met before the deadline"
        time.sleep(0.02)
    return result


def buttons(call) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in call.params.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    }


def click(slack, action_id: str, value: str, trigger: str, user: str = "URATER001"):
    return slack.send_interaction(
        {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": TEAM_ID},
            "channel": {"id": CHANNEL},
            "container": {"type": "message", "channel_id": CHANNEL},
            "trigger_id": trigger,
            "response_url": slack.api.response_url("click"),
            "actions": [{"action_id": action_id, "block_id": "answer_actions", "value": value}],
        }
    )


def slash(slack, text: str, trigger: str) -> tuple[int, str]:
    return slack.send_form(
        {
            "command": "/battery",
            "text": text,
            "user_id": ASKER,
            "channel_id": CHANNEL,
            "team_id": TEAM_ID,
            "response_url": slack.api.response_url("command"),
            "trigger_id": trigger,
        }
    )


def _address(slack) -> tuple[str, int]:
    url = urlsplit(slack.url)
    return url.hostname, url.port


def raw_request(slack, head: bytes, body: bytes = b"", *, timeout: float = 10.0) -> bytes:
    """Send bytes on a fresh connection (left open for writing) and read what comes back."""
    with socket.create_connection(_address(slack), timeout=timeout) as sock:
        sock.sendall(head + body)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks):
                    break
        except TimeoutError:
            pass
        return b"".join(chunks)


def head(length: str, extra: str = "") -> bytes:
    return (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode()


# -- acks never wait behind answers ------------------------------------------------------------


def test_acks_clicks_and_the_comment_form_do_not_wait_behind_answers(slack):
    slack.send_event(mention("Who leads?", "1700000100.000100"))
    ref = buttons(slack.api.wait_for("chat.update")[0])["feedback_down"]

    for n in range(12):  # more held answers than any pool has threads
        slack.send_event(mention(f"slow question {n}", f"1700000100.{n + 200:06d}"))
    wait_until(lambda: len(slack.answerer.calls) >= 3)

    status, _ = click(slack, "feedback_down", ref, trigger="trigger-under-load")
    assert status == 200
    opened = slack.api.wait_for("views.open", timeout=5)[0]  # while every answer is still held
    assert opened.params["trigger_id"] == "trigger-under-load"

    status, body = slash(slack, "Who leads cell making?", trigger="trigger-slash-load")
    assert (status, body) == (200, messages.SEARCHING)

    view = opened.params["view"]
    status, _ = slack.send_interaction(
        {
            "type": "view_submission",
            "user": {"id": "URATER001"},
            "team": {"id": TEAM_ID},
            "trigger_id": "trigger-view-load",
            "view": {
                "id": "VFAKE0001",
                "type": "modal",
                "callback_id": "feedback_comment",
                "private_metadata": view["private_metadata"],
                "state": {"values": {"comment": {"comment_input": {"value": "Outdated."}}}},
            },
        }
    )
    assert status == 200
    wait_until(lambda: [i for i in slack.feedback.items() if i.comment == "Outdated."], timeout=5)
    assert not slack.answerer.gate.is_set()
    assert len(slack.api.calls("chat.update")) == 1  # the held answers are indeed still held

    slack.answerer.gate.set()
    slack.api.wait_for("chat.update", 13)
    slack.api.wait_for("chat.postEphemeral", where=lambda c: "blocks" in c.params)


# -- bursts -------------------------------------------------------------------------------------


def test_fifty_simultaneous_mentions_are_all_accepted_and_answered_once(slack):
    bodies = [
        json.dumps(event_envelope(mention(f"question {n}", f"1700000200.{n:06d}")))
        for n in range(50)
    ]
    barrier = threading.Barrier(50)

    def send(body: str) -> int:
        barrier.wait()
        return post(slack.url, body, "application/json", sign(body))[0]

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(send, bodies))  # a reset connection raises here
    assert statuses == [200] * 50
    updates = slack.api.wait_for("chat.update", 50, timeout=30)
    assert len({c.params["ts"] for c in updates}) == 50


# -- lengths, sizes, idle connections --------------------------------------------------------


def test_negative_content_length_is_refused_without_reading_the_body(slack):
    reply = raw_request(slack, head("-1"), b'{"type": "event_callback", "padding": "' + b"x" * 4096)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]


def test_non_numeric_content_length_gets_a_400_and_no_traceback(slack, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    reply = raw_request(slack, head("abc"), b"{}")
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
    assert "Traceback" not in caplog.text and "Traceback" not in capfd.readouterr().err
    slack.send_event(mention("barrier question", "1700000300.000100"))
    slack.api.wait_for("chat.update")  # still serving


def test_huge_content_length_is_refused_before_the_body_is_sent(slack):
    reply = raw_request(slack, head("300000000"))  # not one byte of the body follows
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]


@pytest.mark.parametrize("slack_overrides", [{"slack_http_idle_timeout_s": 1.0}])
def test_idle_connections_are_closed_and_hold_no_thread(slack):
    before = threading.active_count()
    idle = [socket.create_connection(_address(slack), timeout=15) for _ in range(100)]
    try:
        time.sleep(0.3)  # let the server accept them all
        assert threading.active_count() - before < 10
        assert idle[0].recv(1) == b""  # the server closed it after the idle timeout
    finally:
        for sock in idle:
            sock.close()


# -- logs ----------------------------------------------------------------------------------------


def test_unsigned_requests_are_refused_without_logging_their_bodies(slack, caplog):
    caplog.set_level(logging.DEBUG)
    marker = "UNSIGNED-BODY-MARKER-"
    for n in range(5):
        body = json.dumps({"type": "event_callback", "padding": marker + "y" * 200_000, "n": n})
        status, _ = post(slack.url, body, "application/json", {"X-Slack-Signature": "v0=bad"})
        assert status == 401
    assert marker not in caplog.text
    assert len(caplog.text) < 5_000


# -- replays -------------------------------------------------------------------------------------


def test_a_replayed_slash_command_is_answered_once(slack):
    assert slash(slack, "Who leads cell making?", trigger="trigger-replayed")[0] == 200
    assert slash(slack, "Who leads cell making?", trigger="trigger-replayed")[0] == 200
    slash(slack, "barrier question", trigger="trigger-barrier")
    slack.api.wait_for("chat.postEphemeral", 2)
    time.sleep(0.3)  # a second answer to the replay would have been posted by now
    assert [q for q, _ in slack.answerer.calls] == ["Who leads cell making?", "barrier question"]
    assert len(slack.api.calls("chat.postEphemeral")) == 2


def test_a_replayed_button_click_is_handled_once(slack):
    slack.send_event(mention("Who leads?", "1700000400.000100"))
    ref = buttons(slack.api.wait_for("chat.update")[0])["feedback_up"]
    for _ in range(3):
        assert click(slack, "feedback_up", ref, trigger="trigger-click-replay")[0] == 200
    click(slack, "feedback_up", ref, trigger="trigger-other-click", user="UOTHER001")
    slack.api.wait_for("chat.postEphemeral", 2)
    time.sleep(0.3)
    assert len(slack.api.calls("chat.postEphemeral")) == 2
    assert sorted(i.user_id for i in slack.feedback.items()) == ["UOTHER001", "URATER001"]
