"""Shared state (claims, rate limits, threads, feedback, retention) on SQLite and on a real
PostgreSQL: the same behaviour on both, kept across restarts, safe across threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from bot.records import Answer
from bot.slack.db import DatabaseError, open_database
from bot.slack.feedback import MAX_STORED_QUESTION, FeedbackStore
from bot.slack.state import SharedState


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def open_db(request, tmp_path):
    """A function opening the test's database (again, as a restart or a replica would)."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    opened = []

    def opener():
        db = open_database(url, tmp_path / "state.sqlite3")
        opened.append(db)
        return db

    yield opener
    for db in opened:
        db.close()


def answer(question: str = "q") -> Answer:
    return Answer(question=question, rewritten_query=question, text="t", abstained=False)


def test_a_claim_is_granted_once_until_it_is_forgotten(open_db):
    clock = Clock()
    state = SharedState(open_db(), rate_limit_per_minute=0, clock=clock)
    assert state.claim("message:C1:1.1")
    assert not state.claim("message:C1:1.1")
    state.finish("message:C1:1.1", memory_s=60)
    assert not state.claim("message:C1:1.1")
    assert state.claim("message:C1:1.2")
    clock.now += 61
    assert state.claim("message:C1:1.1")


def test_a_claim_survives_a_restart_and_is_seen_by_another_replica(open_db):
    first = SharedState(open_db(), rate_limit_per_minute=0)
    assert first.claim("message:C1:2.1")
    first.finish("message:C1:2.1")
    restarted = SharedState(open_db(), rate_limit_per_minute=0)
    assert not restarted.claim("message:C1:2.1")


def test_work_abandoned_by_a_crash_can_be_claimed_again_after_its_lease(open_db):
    clock = Clock()
    state = SharedState(open_db(), rate_limit_per_minute=0, clock=clock)
    assert state.claim("message:C1:3.1", lease_s=100)
    clock.now += 50
    assert not state.claim("message:C1:3.1")  # still in work elsewhere
    clock.now += 51
    assert state.claim("message:C1:3.1")


def test_claims_race_to_exactly_one_winner(open_db):
    states = [SharedState(open_db(), rate_limit_per_minute=0) for _ in range(2)]
    barrier = threading.Barrier(16)

    def race(n: int) -> bool:
        barrier.wait()
        return states[n % 2].claim("message:C1:4.1")

    with ThreadPoolExecutor(16) as pool:
        wins = list(pool.map(race, range(16)))
    assert wins.count(True) == 1


def test_rate_limit_is_a_sliding_window_per_user_shared_by_replicas(open_db):
    clock = Clock()
    a = SharedState(open_db(), rate_limit_per_minute=2, clock=clock)
    b = SharedState(open_db(), rate_limit_per_minute=2, clock=clock)
    assert a.allow("U1") and b.allow("U1")
    assert not a.allow("U1") and not b.allow("U1")
    assert a.allow("U2")
    clock.now += 30
    assert not b.allow("U1")
    clock.now += 31
    assert b.allow("U1")


def test_rate_limit_holds_under_concurrent_questions(open_db):
    states = [SharedState(open_db(), rate_limit_per_minute=5) for _ in range(2)]
    barrier = threading.Barrier(20)

    def ask(n: int) -> bool:
        barrier.wait()
        return states[n % 2].allow("UBUSY")

    with ThreadPoolExecutor(20) as pool:
        allowed = list(pool.map(ask, range(20)))
    assert allowed.count(True) == 5


def test_rate_limit_of_zero_means_unlimited(open_db):
    state = SharedState(open_db(), rate_limit_per_minute=0)
    assert all(state.allow("U1") for _ in range(50))


def test_threads_are_remembered_and_expire(open_db):
    clock = Clock()
    state = SharedState(open_db(), rate_limit_per_minute=0, clock=clock)
    assert not state.is_bot_thread("C1", "5.1")
    state.remember_thread("C1", "5.1")
    assert state.is_bot_thread("C1", "5.1") and not state.is_bot_thread("C2", "5.1")
    clock.now += 8 * 24 * 3600
    assert not state.is_bot_thread("C1", "5.1")
    assert state.expire() >= 1


def test_feedback_from_two_replicas_lands_in_one_table(open_db):
    a, b = FeedbackStore(open_db()), FeedbackStore(open_db())
    answer_id = a.record_answer(user_id="U1", channel_id="C1", answer=answer())
    assert b.record_verdict(answer_id=answer_id, user_id="V1", verdict="up")
    feedback_id = a.record_verdict(answer_id=answer_id, user_id="V2", verdict="down")
    assert b.add_comment(feedback_id, user_id="V2", comment="wrong year")
    assert [(i.user_id, i.verdict, i.comment) for i in a.items()] == [
        ("V1", "up", ""),
        ("V2", "down", "wrong year"),
    ]


def test_very_long_questions_are_not_stored_whole(open_db):
    store = FeedbackStore(open_db())
    answer_id = store.record_answer(user_id="U1", channel_id="C1", answer=answer("x" * 40_000))
    assert len(store.answer(answer_id).question) == MAX_STORED_QUESTION


def test_retention_deletes_unrated_answers_early_and_rated_ones_later(open_db):
    store = FeedbackStore(open_db())
    unrated = store.record_answer(user_id="U1", channel_id="D1", answer=answer("private dm"))
    rated = store.record_answer(user_id="U1", channel_id="C1", answer=answer("rated"))
    store.record_verdict(answer_id=rated, user_id="V1", verdict="down")
    now = datetime.now(UTC)

    assert store.purge(answer_days=7, feedback_days=90, now=now).answers == 0
    week_later = store.purge(answer_days=7, feedback_days=90, now=now + timedelta(days=8))
    assert (week_later.answers, week_later.feedback) == (1, 0)
    assert store.answer(unrated) is None and store.answer(rated) is not None
    later = store.purge(answer_days=7, feedback_days=90, now=now + timedelta(days=91))
    assert (later.answers, later.feedback) == (1, 1)
    assert store.answer(rated) is None and store.items() == []


def test_an_unreachable_postgres_is_one_clear_error():
    with pytest.raises(
        DatabaseError, match="Could not connect to PostgreSQL at postgresql://127.0.0.1:9/x"
    ):
        open_database("postgresql://u:hunter2@127.0.0.1:9/x", None)


def test_a_database_url_of_another_kind_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="postgresql://"):
        open_database("mysql://u@h/db", tmp_path / "x.sqlite3")
