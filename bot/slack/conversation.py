"""A Slack thread (conversations.replies messages) as chain history: pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.records import Turn
from bot.slack import messages
from bot.slack.question import clean_question, is_readable

MAX_HISTORY_TURNS = 12
# 50 pages of 200 replies: longer threads are cut to their first 10,000 messages.
MAX_REPLY_PAGES = 50

# Our own notices are not answers; feeding them back as history would only add noise.
_NOT_ANSWERS = {
    messages.SEARCHING,
    messages.EMPTY_QUESTION,
    messages.BACKEND_UNAVAILABLE,
    messages.UNEXPECTED_ERROR,
    messages.NOT_ALLOWED,
}


def _is_ours(message: Mapping[str, Any], bot_user_id: str | None, bot_id: str | None) -> bool:
    return bool(
        (bot_user_id and message.get("user") == bot_user_id)
        or (bot_id and message.get("bot_id") == bot_id)
    )


def fetch_replies(
    client: Any, channel_id: str, thread_ts: str, *, max_pages: int = MAX_REPLY_PAGES
) -> list[dict[str, Any]]:
    """Every message of a thread, following conversations.replies' cursor (200 per page)."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(max_pages):
        response = client.conversations_replies(
            channel=channel_id, ts=thread_ts, limit=200, cursor=cursor
        )
        found.extend(response.get("messages", []))
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return found


def _ts(message: Mapping[str, Any]) -> float:
    try:
        return float(message.get("ts", 0))
    except (TypeError, ValueError):
        return 0.0


def thread_history(
    replies: Sequence[Mapping[str, Any]],
    *,
    before_ts: str,
    bot_user_id: str | None,
    bot_id: str | None,
    max_turns: int = MAX_HISTORY_TURNS,
) -> tuple[Turn, ...]:
    """The turns before `before_ts`: people as "user", this bot's answers as "assistant"."""
    cutoff = float(before_ts)
    turns: list[Turn] = []
    for message in sorted(replies, key=_ts):
        if _ts(message) >= cutoff:
            continue
        text = clean_question(str(message.get("text", "")), bot_user_id)
        if _is_ours(message, bot_user_id, bot_id):
            if text and text not in _NOT_ANSWERS and not text.startswith(messages.SEARCHING):
                turns.append(Turn("assistant", text))
        elif not message.get("bot_id") and message.get("user") and is_readable(text):
            turns.append(Turn("user", text))
    return tuple(turns[-max_turns:])
