"""Turning Slack message text into a plain question: pure functions over strings."""

from __future__ import annotations

import re

_MARKUP = re.compile(r"<([^<>]*)>")
_EMOJI_CODE = re.compile(r":[a-z0-9_+'\-]+:", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def _replace_markup(token: str, bot_user_id: str | None) -> str:
    target, _, label = token.partition("|")
    if target.startswith("@"):
        if bot_user_id and target[1:] == bot_user_id:
            return " "
        return f"@{label}" if label else " "
    if target.startswith("#"):
        return f"#{label}" if label else " "
    if target.startswith("!"):
        # <!here>, <!channel>, <!subteam^S1|@team>, <!date^…|fallback>: never echo broadcasts.
        return label if target.startswith("!date") and label else " "
    return label or target.removeprefix("mailto:")


def clean_question(text: str, bot_user_id: str | None = None) -> str:
    """Strip the bot mention and Slack markup (<@U…>, <#C…|name>, <http…|text>) from a message."""
    plain = _MARKUP.sub(lambda m: _replace_markup(m.group(1), bot_user_id), text or "")
    # Slack escapes these three in message text; the chain wants the characters back.
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _SPACES.sub(" ", plain).strip()


def is_readable(question: str) -> bool:
    """True when the text has at least one letter or digit once emoji codes are removed."""
    without_emoji = _EMOJI_CODE.sub(" ", question)
    return any(ch.isalnum() for ch in without_emoji)
