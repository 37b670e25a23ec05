"""Two bot processes behind one (imaginary) load balancer: one PostgreSQL, one Chroma server,
each signed event delivered to both. Answered once, limited once, feedback in one table."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from bot.slack import messages
from bot.slack.db import open_database
from bot.slack.feedback import FeedbackStore
from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi
from tests.slack.conftest import SIGNING_SECRET, event_envelope, post, sign
from tests.slack.replicas import ReplicaSet

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHANNEL = "CREPLICA1"
RATE_LIMIT = 3
KOREA = "Which companies lead South Korea's battery industry?"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, postgres) -> Iterator[tuple[ReplicaSet, FakeSlackApi]]:
    root = tmp_path_factory.mktemp("replicas")
    with FakeSlackApi() as api:
        replicas = ReplicaSet(
            root,
            database_url=postgres.create_database("replicas"),
            slack_api_url=api.base_url,
            signing_secret=SIGNING_SECRET,
            rate_limit_per_minute=RATE_LIMIT,
        )
        try:
            yield replicas.start(2), api
        finally:
            replicas.stop()


def mention(text: str, ts: str, user: str) -> dict:
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": CHANNEL,
    }


def deliver_everywhere(replicas: ReplicaSet, event: dict, event_id: str) -> list[int]:
    """The first delivery to one replica and Slack's retry to the other, at the same moment."""
    body = json.dumps(event_envelope(event, event_id=event_id))

    def send(args: tuple[str, int | None]) -> int:
        url, retry = args
        headers = sign(body)
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return post(url, body, "application/json", headers)[0]

    targets = [(r.url, None if n == 0 else n) for n, r in enumerate(replicas.replicas)]
    with ThreadPoolExecutor(len(targets)) as pool:
        return list(pool.map(send, targets))


def replies_in(api: FakeSlackApi, thread_ts: str) -> list:
    """What a person sees in the thread: answers (updates) and notices posted directly."""
    placeholders = {
        c.response["ts"]
        for c in api.calls("chat.postMessage")
        if c.params.get("thread_ts") == thread_ts and c.params["text"] == messages.SEARCHING
    }
    updates = [c for c in api.calls("chat.update") if c.params["ts"] in placeholders]
    notices = [
        c
        for c in api.calls("chat.postMessage")
        if c.params.get("thread_ts") == thread_ts and c.params["text"] != messages.SEARCHING
    ]
    return updates + notices


def wait_replies(api: FakeSlackApi, threads: list[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not all(replies_in(api, ts) for ts in threads):
        assert time.monotonic() < deadline, "not every event was answered"
        time.sleep(0.1)
    time.sleep(1.0)  # a duplicate answer from the other replica would land by now


def test_each_event_delivered_to_both_replicas_is_answered_once(cluster):
    replicas, api = cluster
    threads = [f"1700010000.{n:06d}" for n in range(6)]
    for n, ts in enumerate(threads):
        statuses = deliver_everywhere(replicas, mention(KOREA, ts, f"UPAIR{n:04d}"), f"EvREP{n}")
        assert statuses == [200, 200]
    wait_replies(api, threads)
    for ts in threads:
        replies = replies_in(api, ts)
        assert len(replies) == 1, [c.params["text"] for c in replies]
        assert "LG Energy Solution" in replies[0].params["text"]


def test_rate_limits_count_across_both_replicas(cluster):
    replicas, api = cluster
    threads = [f"1700020000.{n:06d}" for n in range(RATE_LIMIT + 2)]
    for n, ts in enumerate(threads):
        target = replicas.replicas[n % 2]
        body = json.dumps(event_envelope(mention(KOREA, ts, "URATE0001"), event_id=f"EvRATE{n}"))
        assert post(target.url, body, "application/json", sign(body))[0] == 200
        wait_replies(api, [ts])
    texts = [replies_in(api, ts)[0].params["text"] for ts in threads]
    limited = messages.RATE_LIMITED.format(limit=RATE_LIMIT)
    assert texts.count(limited) == 2
    assert texts[-2:] == [limited, limited]


def test_feedback_clicked_on_either_replica_lands_in_one_table(cluster):
    replicas, api = cluster
    ts = "1700030000.000001"
    deliver_everywhere(replicas, mention(KOREA, ts, "UFEED0001"), "EvFEED1")
    wait_replies(api, [ts])
    answer = replies_in(api, ts)[0]
    ref = next(
        e["value"]
        for b in answer.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "feedback_up"
    )
    for n, (replica, action) in enumerate(zip(replicas.replicas, ("up", "down"), strict=True)):
        payload = {
            "type": "block_actions",
            "user": {"id": f"URATER{n:03d}"},
            "team": {"id": TEAM_ID},
            "channel": {"id": CHANNEL},
            "container": {"type": "message", "channel_id": CHANNEL, "thread_ts": ts},
            "trigger_id": f"trigger-replica-{n}",
            "response_url": api.response_url("feedback"),
            "actions": [{"action_id": f"feedback_{action}", "value": ref}],
        }
        body = urlencode({"payload": json.dumps(payload)})
        status, _ = post(replica.url, body, "application/x-www-form-urlencoded", sign(body))
        assert status == 200
    api.wait_for("views.open", timeout=30)
    api.wait_for("chat.postEphemeral", where=lambda c: c.params["user"] == "URATER000", timeout=30)

    db = open_database(replicas.database_url, None)
    try:
        items = FeedbackStore(db).items()
    finally:
        db.close()
    assert sorted((i.user_id, i.verdict, i.answer_id) for i in items) == [
        ("URATER000", "up", int(ref)),
        ("URATER001", "down", int(ref)),
    ]


def test_a_redeploy_mid_answer_loses_no_event_and_answers_none_twice(cluster):
    replicas, api = cluster
    first, second = replicas.replicas
    threads = [f"1700040000.{n:06d}" for n in range(8)]
    bodies = [
        json.dumps(event_envelope(mention(KOREA, ts, f"UDEPLOY{n:03d}"), event_id=f"EvDEP{n}"))
        for n, ts in enumerate(threads)
    ]
    for body in bodies:
        assert post(first.url, body, "application/json", sign(body))[0] == 200
    # A redeploy stops the replica with SIGTERM: it answers what it accepted, then exits.
    assert first.terminate() == 0
    for body in bodies:  # Slack's retries land on the other replica
        headers = sign(body) | {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        assert post(second.url, body, "application/json", headers)[0] == 200
    wait_replies(api, threads)
    assert [len(replies_in(api, ts)) for ts in threads] == [1] * len(threads)
