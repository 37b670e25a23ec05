"""Question cleaning and readability (pure functions over Slack message text)."""

from __future__ import annotations

import pytest

from bot.slack.question import clean_question, is_readable

BOT = "UBOT00001"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (f"<@{BOT}> Who leads cell making?", "Who leads cell making?"),
        (f"<@{BOT}>   what about\n Korea? ", "what about Korea?"),
        (f"Hey <@{BOT}> ask <@U222|maria> about it", "Hey ask @maria about it"),
        ("see <#C123|battery-news> please", "see #battery-news please"),
        ("read <https://example.com/a|this report> now", "read this report now"),
        ("read <https://example.com/a> now", "read https://example.com/a now"),
        ("mail <mailto:a@b.co|a@b.co>", "mail a@b.co"),
        ("<!here> who leads?", "who leads?"),
        ("<!subteam^S1|@analysts> who leads?", "who leads?"),
        ("LG &amp; SK: is 5 &lt; 10 &gt; 3?", "LG & SK: is 5 < 10 > 3?"),
        ("", ""),
    ],
)
def test_clean_question(text, question):
    assert clean_question(text, BOT) == question


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("Who leads?", True),
        ("", False),
        ("   ", False),
        (":wave: :tada:", False),
        ("🔋🔋", False),
        ("?!", False),
        ("2030?", True),
        ("电池", True),
    ],
)
def test_is_readable(text, readable):
    assert is_readable(text) is readable
