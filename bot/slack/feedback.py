"""Feedback on answers, kept in SQLite (WAL, user-only file permissions), and its eval export."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from bot.records import Answer

Verdict = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    chunk_ids TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    generator TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id INTEGER NOT NULL REFERENCES answers(id),
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    UNIQUE (answer_id, user_id)
);
"""


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _create_private(path: Path) -> None:
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # also tightens a file an older version created


class FeedbackStore:
    """Thread-safe store of posted answers and the feedback on them."""

    def __init__(self, path: Path):
        self.path = Path(path)
        _create_private(self.path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock:
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
        chunk_ids = json.dumps([c.chunk_id for c in answer.citations])
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO answers (created_at, user_id, channel_id, question, answer, chunk_ids,"
                " abstained, generator, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _now(),
                    user_id,
                    channel_id,
                    answer.question,
                    answer.text,
                    chunk_ids,
                    int(answer.abstained),
                    answer.generator,
                    json.dumps(message or {}),
                ),
            )
            return int(cursor.lastrowid)

    def set_message(self, answer_id: int, message: dict[str, Any]) -> None:
        """Attach the rendered Slack message to a stored answer (rendering needs the id first)."""
        with self._lock:
            self._db.execute(
                "UPDATE answers SET message = ? WHERE id = ?", (json.dumps(message), answer_id)
            )

    def answer(self, answer_id: int) -> StoredAnswer | None:
        """The stored answer with this id, or None."""
        with self._lock:
            row = self._db.execute("SELECT * FROM answers WHERE id = ?", (answer_id,)).fetchone()
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
        with self._lock:
            if (
                self._db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone()
                is None
            ):
                return None
            self._db.execute(
                "INSERT INTO feedback (answer_id, user_id, created_at, verdict) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (answer_id, user_id)"
                " DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at",
                (answer_id, user_id, _now(), verdict),
            )
            row = self._db.execute(
                "SELECT id FROM feedback WHERE answer_id = ? AND user_id = ?", (answer_id, user_id)
            ).fetchone()
            return int(row["id"])

    def add_comment(self, feedback_id: int, *, user_id: str, comment: str) -> bool:
        """Attach a comment to the person's own feedback row; False when there is no such row."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE feedback SET comment = ? WHERE id = ? AND user_id = ?",
                (comment.strip(), feedback_id, user_id),
            )
            return cursor.rowcount == 1

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
        with self._lock:
            rows = self._db.execute(query + " ORDER BY f.id", params).fetchall()
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
