"""Thread history for the chain, from conversations.replies messages (pure)."""

from __future__ import annotations

from bot.records import Turn
from bot.slack import messages
from bot.slack.conversation import fetch_replies, thread_history

BOT, BOT_ID = "UBOT", "BBOT"


def thread() -> list[dict]:
    return [
        {"user": "U1", "text": f"<@{BOT}> Who leads cell making?", "ts": "100.000001"},
        {
            "user": BOT,
            "bot_id": BOT_ID,
            "text": "China leads &amp; Korea follows [1].",
            "ts": "100.000002",
        },
        {"bot_id": "BOTHER", "text": "deploy finished", "ts": "100.000003"},
        {"user": "U2", "text": ":thumbsup:", "ts": "100.000004"},
        {"user": BOT, "bot_id": BOT_ID, "text": messages.SEARCHING, "ts": "100.000005"},
        {"user": "U1", "text": "What about Japan?", "ts": "100.000006"},
        {"user": "U1", "text": "later message", "ts": "100.000007"},
    ]


def test_history_maps_people_and_this_bot_and_drops_noise():
    history = thread_history(thread(), before_ts="100.000006", bot_user_id=BOT, bot_id=BOT_ID)
    assert history == (
        Turn("user", "Who leads cell making?"),
        Turn("assistant", "China leads & Korea follows [1]."),
    )


def test_history_is_ordered_and_capped():
    shuffled = list(reversed(thread()))
    history = thread_history(shuffled, before_ts="200", bot_user_id=BOT, bot_id=BOT_ID, max_turns=2)
    assert history == (Turn("user", "What about Japan?"), Turn("user", "later message"))


class PagedClient:
    """conversations.replies as Slack pages it: `limit` messages, then a cursor."""

    def __init__(self, messages: list[dict]):
        self.messages = messages
        self.calls: list[dict] = []

    def conversations_replies(self, *, channel, ts, limit, cursor=None):
        self.calls.append({"channel": channel, "ts": ts, "limit": limit, "cursor": cursor})
        start = int(cursor or 0)
        page = self.messages[start : start + limit]
        more = start + limit < len(self.messages)
        return {
            "messages": page,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }


def test_fetch_replies_follows_the_cursor_through_a_long_thread():
    long = [{"user": "U1", "text": f"m{n}", "ts": f"100.{n:06d}"} for n in range(450)]
    client = PagedClient(long)
    assert fetch_replies(client, "C1", "100.000000") == long
    assert [c["cursor"] for c in client.calls] == [None, "200", "400"]


def test_fetch_replies_stops_at_the_page_cap():
    client = PagedClient([{"user": "U1", "text": "m", "ts": f"1.{n:06d}"} for n in range(1000)])
    assert len(fetch_replies(client, "C1", "1.000000", max_pages=2)) == 400
