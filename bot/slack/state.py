"""State every replica of the bot must agree on: claims (de-duplication), rate limits, threads.

It lives in the shared database, so a retry that lands on another replica, or on this one after
a restart, is recognised, and a person's questions count against one limit wherever they land.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.slack.db import Cursor, Database

Clock = Callable[[], float]

# Slack retries a delivery three times within about five minutes; an hour is ample memory.
CLAIM_MEMORY_S = 3600.0
# How long one delivery may take to answer before a retry may take over its claim. Longer than
# the slowest answer seen in the soak (a cold LLM needs ~60 s), so live work is never doubled.
CLAIM_LEASE_S = 180.0
# A thread the bot answered in is remembered for follow-ups this long.
THREAD_MEMORY_S = 7 * 24 * 3600.0
RATE_WINDOW_S = 60.0


class SharedState:
    """Claims, per-user rate limits and the threads the bot answered in, in one database."""

    def __init__(self, db: Database, *, rate_limit_per_minute: int, clock: Clock = time.time):
        self._db = db
        self._limit = rate_limit_per_minute
        self._clock = clock

    @property
    def limit(self) -> int:
        return self._limit

    def claim(self, key: str, *, lease_s: float = CLAIM_LEASE_S) -> bool:
        """Claim `key` for this process; False when it is done, or claimed and still in work.

        A claim whose lease ran out without `finish` (the process died) can be claimed again,
        so a redelivery after a crash is answered rather than lost.
        """
        now = self._clock()

        def work(cursor: Cursor) -> bool:
            cursor.execute(
                "INSERT INTO slack_claims (key, until_s, done) VALUES (?, ?, 0)"
                " ON CONFLICT (key) DO UPDATE SET until_s = excluded.until_s, done = 0"
                " WHERE slack_claims.until_s < ?",
                (key, now + lease_s, now),
            )
            return cursor.rowcount == 1

        return self._db.run(work)

    def finish(self, key: str, *, memory_s: float = CLAIM_MEMORY_S) -> None:
        """Mark a claimed key done: it is remembered (and refused) for `memory_s`."""
        until = self._clock() + memory_s
        self._db.run(
            lambda c: c.execute(
                "UPDATE slack_claims SET done = 1, until_s = ? WHERE key = ?", (until, key)
            )
        )

    def allow(self, user_id: str) -> bool:
        """Count one question from `user_id`; False (not counted) when over the limit."""
        if self._limit <= 0:
            return True
        now = self._clock()

        def work(cursor: Cursor) -> bool:
            cursor.execute(
                "DELETE FROM rate_hits WHERE user_id = ? AND at_s <= ?",
                (user_id, now - RATE_WINDOW_S),
            )
            row = cursor.execute(
                "SELECT COUNT(*) AS n FROM rate_hits WHERE user_id = ?", (user_id,)
            ).fetchone()
            if row["n"] >= self._limit:
                return False
            cursor.execute("INSERT INTO rate_hits (user_id, at_s) VALUES (?, ?)", (user_id, now))
            return True

        # The per-user lock makes count-then-insert atomic across replicas.
        return self._db.run(work, lock_key=f"rate:{user_id}")

    def remember_thread(self, channel_id: str, thread_ts: str) -> None:
        """Note that the bot answered in this thread, so its follow-ups are for the bot."""
        until = self._clock() + THREAD_MEMORY_S
        self._db.run(
            lambda c: c.execute(
                "INSERT INTO bot_threads (channel_id, thread_ts, until_s) VALUES (?, ?, ?)"
                " ON CONFLICT (channel_id, thread_ts) DO UPDATE SET until_s = excluded.until_s",
                (channel_id, thread_ts, until),
            )
        )

    def is_bot_thread(self, channel_id: str, thread_ts: str) -> bool:
        """True when the bot answered in this thread recently (no Slack API call needed)."""
        now = self._clock()
        row = self._db.run(
            lambda c: c.execute(
                "SELECT 1 AS hit FROM bot_threads WHERE channel_id = ? AND thread_ts = ?"
                " AND until_s >= ?",
                (channel_id, thread_ts, now),
            ).fetchone()
        )
        return row is not None

    def expire(self) -> int:
        """Delete expired claims, rate-limit hits and threads; returns how many rows went."""
        now = self._clock()

        def work(cursor: Cursor) -> int:
            removed = 0
            for sql, cutoff in (
                ("DELETE FROM slack_claims WHERE until_s < ?", now),
                ("DELETE FROM rate_hits WHERE at_s <= ?", now - RATE_WINDOW_S),
                ("DELETE FROM bot_threads WHERE until_s < ?", now),
            ):
                removed += cursor.execute(sql, (cutoff,)).rowcount
            return removed

        return self._db.run(work)
