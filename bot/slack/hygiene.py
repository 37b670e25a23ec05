"""Guards in front of the answer chain: de-duplication, rate limits, allowlists, bot detection."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Clock = Callable[[], float]

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


class SeenOnce:
    """A TTL set of keys: `first(key)` is True exactly once per key while it is remembered.

    Slack redelivers an event when the first delivery is slow (X-Slack-Retry-Num), even while
    that first delivery is still being answered, so the key is claimed before any work starts.
    """

    def __init__(self, ttl_s: float = 600.0, max_keys: int = 10_000, clock: Clock = time.monotonic):
        self._ttl_s = ttl_s
        self._max_keys = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, key: str) -> bool:
        """Claim `key`; False when it was already claimed within the TTL."""
        now = self._clock()
        with self._lock:
            while self._seen and (
                next(iter(self._seen.values())) < now or len(self._seen) > self._max_keys
            ):
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now + self._ttl_s
            return True


class RateLimiter:
    """Per-user sliding window: at most `per_minute` questions in any 60 seconds."""

    def __init__(self, per_minute: int, clock: Clock = time.monotonic, window_s: float = 60.0):
        self._limit = per_minute
        self._clock = clock
        self._window_s = window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @property
    def limit(self) -> int:
        return self._limit

    def allow(self, user_id: str) -> bool:
        """Record one question from `user_id`; False when it is over the limit (not recorded)."""
        if self._limit <= 0:
            return True
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(user_id, deque())
            while hits and hits[0] <= now - self._window_s:
                hits.popleft()
            if len(hits) >= self._limit:
                return False
            hits.append(now)
            return True


def is_allowed(
    *,
    channel_id: str | None,
    team_id: str | None,
    is_dm: bool,
    allowed_channels: Iterable[str],
    allowed_teams: Iterable[str],
) -> bool:
    """Allowlists: an empty list allows all; the channel list does not restrict direct messages."""
    channels, teams = set(allowed_channels), set(allowed_teams)
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
