"""De-duplication, rate limits, allowlists and bot detection (pure guards, injected clock)."""

from __future__ import annotations

import threading

import pytest

from bot.slack.hygiene import RateLimiter, SeenOnce, is_allowed, is_from_bot, is_person_message


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_seen_once_claims_each_key_once_until_it_expires():
    clock = Clock()
    seen = SeenOnce(ttl_s=60, clock=clock)
    assert seen.first("Ev1") and not seen.first("Ev1") and seen.first("Ev2")
    clock.now += 61
    assert seen.first("Ev1")


def test_seen_once_is_safe_across_threads():
    seen = SeenOnce()
    wins: list[bool] = []
    threads = [
        threading.Thread(target=lambda: wins.append(seen.first("Ev-same"))) for _ in range(16)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1


def test_seen_once_stays_bounded():
    seen = SeenOnce(max_keys=10)
    for n in range(100):
        seen.first(f"k{n}")
    assert len(seen._seen) <= 11


def test_rate_limiter_sliding_window_per_user():
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    assert limiter.allow("U1") and limiter.allow("U1")
    assert not limiter.allow("U1")
    assert limiter.allow("U2")
    clock.now += 30
    assert not limiter.allow("U1")
    clock.now += 31
    assert limiter.allow("U1")


def test_rate_limit_of_zero_means_unlimited():
    limiter = RateLimiter(0)
    assert all(limiter.allow("U1") for _ in range(100))


@pytest.mark.parametrize(
    ("channel", "team", "is_dm", "channels", "teams", "allowed"),
    [
        ("C1", "T1", False, [], [], True),
        ("C1", "T1", False, ["C1"], [], True),
        ("C2", "T1", False, ["C1"], [], False),
        ("D1", "T1", True, ["C1"], [], True),
        ("C1", "T1", False, [], ["T1"], True),
        ("C1", "T2", False, [], ["T1"], False),
        ("D1", "T2", True, [], ["T1"], False),
        ("C1", None, False, [], ["T1"], False),
    ],
)
def test_allowlists(channel, team, is_dm, channels, teams, allowed):
    result = is_allowed(
        channel_id=channel,
        team_id=team,
        is_dm=is_dm,
        allowed_channels=channels,
        allowed_teams=teams,
    )
    assert result is allowed


@pytest.mark.parametrize(
    ("event", "from_bot"),
    [
        ({"user": "U1", "text": "hi"}, False),
        ({"user": "UBOT", "text": "hi"}, True),
        ({"bot_id": "BOTHER", "text": "hi"}, True),
        ({"subtype": "bot_message", "text": "hi"}, True),
        ({"user": "U2", "bot_profile": {"name": "x"}}, True),
    ],
)
def test_is_from_bot(event, from_bot):
    assert is_from_bot(event, "UBOT", "BBOT") is from_bot


@pytest.mark.parametrize(
    ("event", "person"),
    [
        ({"user": "U1"}, True),
        ({"user": "U1", "subtype": "file_share"}, True),
        ({"user": "U1", "subtype": "message_changed"}, False),
        ({"subtype": "message_deleted"}, False),
        ({"user": "U1", "subtype": "channel_join"}, False),
    ],
)
def test_is_person_message(event, person):
    assert is_person_message(event) is person
