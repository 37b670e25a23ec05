"""Answers that can take feedback, the feedback on them, its retention, and its eval export."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from bot.records import Answer
from bot.slack.db import Cursor, Database, SQLiteDatabase

Verdict = Literal["up", "down"]

# Slack allows 40,000 characters; a question worth a feedback case is far shorter.
MAX_STORED_QUESTION = 2000


@dataclass(frozen=True)
class StoredAnswer:
    """An answer as posted to Slack, kept so feedback and sharing can refer to it by id."""

    id: int
    user_id: str
    channel_id: str
    question: str
    answer: str
    chunk_ids: tuple[str, ...]
    message: dict[str, Any]


@dataclass(frozen=True)
class FeedbackItem:
    """One person's verdict on one answer: who, when, question, answer, cited chunks, comment."""

    id: int
    answer_id: int
    user_id: str
    created_at: str
    question: str
    answer: str
    chunk_ids: tuple[str, ...]
    verdict: Verdict
    comment: str


@dataclass(frozen=True)
class Purged:
    """What one retention pass deleted."""

    answers: int
    feedback: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _cutoff(days: float, now: datetime | None = None) -> str:
    return ((now or datetime.now(UTC)) - timedelta(days=days)).isoformat(timespec="seconds")


class FeedbackStore:
    """Thread-safe store of posted answers and the feedback on them, in the shared database.

    Built from a Database (SQLite or PostgreSQL), or from a path for a SQLite file it owns.
    """

    def __init__(self, db: Database | Path):
        self._owned = not hasattr(db, "run")
        self._db: Database = SQLiteDatabase(Path(db)) if self._owned else db  # type: ignore[arg-type]
        self.path = getattr(self._db, "path", None)

    @property
    def database(self) -> Database:
        return self._db

    def close(self) -> None:
        """Close the database when this store opened it."""
        if self._owned:
            self._db.close()

    def record_answer(
        self,
        *,
        user_id: str,
        channel_id: str,
        answer: Answer,
        message: dict[str, Any] | None = None,
    ) -> int:
        """Store a posted answer and return its id (the reference carried by its buttons)."""
        values = (
            _now(),
            user_id,
            channel_id,
            answer.question[:MAX_STORED_QUESTION],
            answer.text,
            json.dumps([c.chunk_id for c in answer.citations]),
            int(answer.abstained),
            answer.generator,
            json.dumps(message or {}),
        )

        def work(cursor: Cursor) -> int:
            row = cursor.execute(
                "INSERT INTO answers (created_at, user_id, channel_id, question, answer, chunk_ids,"
                " abstained, generator, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                values,
            ).fetchone()
            return int(row["id"])

        return self._db.run(work)

    def set_message(self, answer_id: int, message: dict[str, Any]) -> None:
        """Attach the rendered Slack message to a stored answer (rendering needs the id first)."""
        self._db.run(
            lambda c: c.execute(
                "UPDATE answers SET message = ? WHERE id = ?", (json.dumps(message), answer_id)
            )
        )

    def answer(self, answer_id: int) -> StoredAnswer | None:
        """The stored answer with this id, or None."""
        row = self._db.run(
            lambda c: c.execute("SELECT * FROM answers WHERE id = ?", (answer_id,)).fetchone()
        )
        if row is None:
            return None
        return StoredAnswer(
            id=row["id"],
            user_id=row["user_id"],
            channel_id=row["channel_id"],
            question=row["question"],
            answer=row["answer"],
            chunk_ids=tuple(json.loads(row["chunk_ids"])),
            message=json.loads(row["message"]),
        )

    def record_verdict(self, *, answer_id: int, user_id: str, verdict: Verdict) -> int | None:
        """Store (or change) a person's verdict on an answer; the feedback id, None if no such answer."""
        if verdict not in ("up", "down"):
            raise ValueError(f"verdict must be 'up' or 'down', not {verdict!r}")

        def work(cursor: Cursor) -> int | None:
            if (
                cursor.execute("SELECT 1 AS hit FROM answers WHERE id = ?", (answer_id,)).fetchone()
                is None
            ):
                return None
            row = cursor.execute(
                "INSERT INTO feedback (answer_id, user_id, created_at, verdict) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (answer_id, user_id)"
                " DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at"
                " RETURNING id",
                (answer_id, user_id, _now(), verdict),
            ).fetchone()
            return int(row["id"])

        return self._db.run(work)

    def add_comment(self, feedback_id: int, *, user_id: str, comment: str) -> bool:
        """Attach a comment to the person's own feedback row; False when there is no such row."""

        def work(cursor: Cursor) -> bool:
            cursor.execute(
                "UPDATE feedback SET comment = ? WHERE id = ? AND user_id = ?",
                (comment.strip()[:MAX_STORED_QUESTION], feedback_id, user_id),
            )
            return cursor.rowcount == 1

        return self._db.run(work)

    def items(self, verdict: Verdict | None = None) -> list[FeedbackItem]:
        """Feedback rows joined with their answers, oldest first, optionally one verdict only."""
        query = (
            "SELECT f.id, f.answer_id, f.user_id, f.created_at, f.verdict, f.comment,"
            " a.question, a.answer, a.chunk_ids FROM feedback f JOIN answers a ON a.id = f.answer_id"
        )
        params: tuple[str, ...] = ()
        if verdict is not None:
            query += " WHERE f.verdict = ?"
            params = (verdict,)
        rows = self._db.run(lambda c: c.execute(query + " ORDER BY f.id", params).fetchall())
        return [
            FeedbackItem(
                id=r["id"],
                answer_id=r["answer_id"],
                user_id=r["user_id"],
                created_at=r["created_at"],
                question=r["question"],
                answer=r["answer"],
                chunk_ids=tuple(json.loads(r["chunk_ids"])),
                verdict=r["verdict"],
                comment=r["comment"],
            )
            for r in rows
        ]

    def purge(
        self, *, answer_days: float, feedback_days: float, now: datetime | None = None
    ) -> Purged:
        """Delete answers nobody rated after `answer_days`, and rated ones with their feedback
        after `feedback_days` (counted from the last verdict)."""
        unrated, rated = _cutoff(answer_days, now), _cutoff(feedback_days, now)

        def work(cursor: Cursor) -> Purged:
            old_feedback = cursor.execute(
                "DELETE FROM feedback WHERE answer_id IN (SELECT answer_id FROM feedback"
                " GROUP BY answer_id HAVING MAX(created_at) < ?)",
                (rated,),
            ).rowcount
            answers = cursor.execute(
                "DELETE FROM answers WHERE created_at < ? AND id NOT IN"
                " (SELECT answer_id FROM feedback)",
                (unrated,),
            ).rowcount
            return Purged(answers=answers, feedback=old_feedback)

        return self._db.run(work)


def eval_candidates(items: Iterable[FeedbackItem]) -> list[dict[str, Any]]:
    """👎 feedback as candidate eval cases in the eval dataset's JSONL shape (to be curated)."""
    return [
        {
            "id": f"feedback-{item.id}",
            "kind": "fact",
            "question": item.question,
            "answer_keys": [],
            "evidence": [],
            "must_not": [],
            "notes": f"{item.comment or 'no comment'} / bot answered: {item.answer}",
        }
        for item in items
        if item.verdict == "down"
    ]
