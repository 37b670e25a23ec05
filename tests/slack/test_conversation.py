"""Thread history for the chain, from conversations.replies messages (pure)."""

from __future__ import annotations

from bot.records import Turn
from bot.slack import messages
from bot.slack.conversation import bot_in_thread, thread_history

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


def test_bot_in_thread():
    assert bot_in_thread(thread(), BOT, BOT_ID)
    assert not bot_in_thread([m for m in thread() if m.get("user") != BOT], BOT, BOT_ID)
