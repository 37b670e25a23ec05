"""Guards in front of the answer chain: allowlists and bot detection, as pure predicates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Message subtypes that carry no new question from a person.
_IGNORED_SUBTYPES = {
    "bot_message",
    "message_changed",
    "message_deleted",
    "message_replied",
    "channel_join",
    "channel_leave",
    "thread_broadcast",
    "ekm_access_denied",
}


def is_allowed(
    *,
    channel_id: str | None,
    team_id: str | None,
    is_dm: bool,
    allowed_channels: Iterable[str],
    allowed_teams: Iterable[str],
) -> bool:
    """Allowlists: an empty list allows all; the channel list does not restrict direct messages.

    A channel named in the allowlist is allowed whoever writes in it, so people from another
    workspace in a shared (Slack Connect) channel are served there too.
    """
    channels, teams = set(allowed_channels), set(allowed_teams)
    if channels and not is_dm and channel_id in channels:
        return True
    if teams and team_id not in teams:
        return False
    return not (channels and not is_dm and channel_id not in channels)


def is_from_bot(event: Mapping[str, Any], bot_user_id: str | None, bot_id: str | None) -> bool:
    """True for messages written by any bot, including this one (no answer loops)."""
    if event.get("bot_id") or event.get("subtype") == "bot_message" or event.get("bot_profile"):
        return True
    return (
        bool(bot_user_id)
        and event.get("user") == bot_user_id
        or (bool(bot_id) and event.get("bot_id") == bot_id)
    )


def is_person_message(event: Mapping[str, Any]) -> bool:
    """True for a new message typed by a person (not an edit, join, deletion or broadcast)."""
    return event.get("subtype") not in _IGNORED_SUBTYPES and bool(event.get("user"))


def is_addressable(event: Mapping[str, Any]) -> bool:
    """True when a message event names where to reply: a channel and a timestamp (strings),
    and its text, if any, is a string. Anything else cannot have come from Slack."""
    return (
        isinstance(event.get("channel"), str)
        and bool(event.get("channel"))
        and isinstance(event.get("ts"), str)
        and bool(event.get("ts"))
        and isinstance(event.get("text", ""), str)
    )
