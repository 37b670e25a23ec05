"""Allowlists and bot detection (pure guards)."""

from __future__ import annotations

import pytest

from bot.slack.hygiene import is_allowed, is_from_bot, is_person_message


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
        # Slack Connect: someone from another workspace in a channel the allowlist names
        ("C1", "T2", False, ["C1"], ["T1"], True),
        ("C2", "T1", False, ["C1"], ["T1"], False),
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
