"""The SQLite feedback store: permissions, WAL, verdicts, comments, export as eval candidates."""

from __future__ import annotations

import json
import sqlite3
import stat
import threading

import pytest

from bot.records import Answer, Citation
from bot.slack.feedback import FeedbackStore, eval_candidates


def answer(question: str = "Who leads?", text: str = "China leads [1].") -> Answer:
    cite = Citation(1, "chunk-a", "doc", "Title", "anchor", "quote")
    return Answer(
        question=question, rewritten_query=question, text=text, abstained=False, citations=(cite,)
    )


@pytest.fixture
def store(tmp_path):
    s = FeedbackStore(tmp_path / "private" / "feedback.sqlite3")
    yield s
    s.close()


def test_file_and_directory_are_private_and_wal(store):
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_verdicts_comments_and_changes_of_mind(store):
    answer_id = store.record_answer(user_id="U1", channel_id="C1", answer=answer())
    first = store.record_verdict(answer_id=answer_id, user_id="U2", verdict="down")
    assert store.add_comment(first, user_id="U2", comment="  outdated figure ")
    assert not store.add_comment(first, user_id="USOMEONEELSE", comment="hijack")
    again = store.record_verdict(answer_id=answer_id, user_id="U2", verdict="up")
    assert again == first
    (item,) = store.items()
    assert (item.verdict, item.comment, item.question, item.answer, item.chunk_ids) == (
        "up",
        "outdated figure",
        "Who leads?",
        "China leads [1].",
        ("chunk-a",),
    )
    assert item.user_id == "U2" and item.created_at.endswith("+00:00")


def test_unknown_answers_and_bad_verdicts(store):
    assert store.record_verdict(answer_id=999, user_id="U1", verdict="up") is None
    answer_id = store.record_answer(user_id="U1", channel_id="C1", answer=answer())
    with pytest.raises(ValueError):
        store.record_verdict(answer_id=answer_id, user_id="U1", verdict="meh")


def test_rendered_message_round_trips_for_sharing(store):
    answer_id = store.record_answer(user_id="U1", channel_id="C1", answer=answer())
    store.set_message(answer_id, {"text": "t", "blocks": [{"type": "divider"}]})
    stored = store.answer(answer_id)
    assert stored.message == {"text": "t", "blocks": [{"type": "divider"}]}
    assert store.answer(answer_id + 1) is None


def test_concurrent_writers(store):
    def work(n: int) -> None:
        answer_id = store.record_answer(user_id=f"U{n}", channel_id="C1", answer=answer(f"q{n}"))
        store.record_verdict(answer_id=answer_id, user_id=f"U{n}", verdict="down")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(i.question for i in store.items("down")) == sorted(f"q{n}" for n in range(20))


def test_store_reopens_existing_data(tmp_path):
    path = tmp_path / "fb.sqlite3"
    first = FeedbackStore(path)
    answer_id = first.record_answer(user_id="U1", channel_id="C1", answer=answer())
    first.record_verdict(answer_id=answer_id, user_id="U1", verdict="down")
    first.close()
    path.chmod(0o644)
    second = FeedbackStore(path)
    assert len(second.items()) == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second.close()


def test_eval_candidates_are_down_votes_in_dataset_shape(store):
    good = store.record_answer(user_id="U1", channel_id="C1", answer=answer("Good?", "Yes [1]."))
    bad = store.record_answer(user_id="U1", channel_id="C1", answer=answer("Bad?", "Wrong [1]."))
    store.record_verdict(answer_id=good, user_id="U2", verdict="up")
    fid = store.record_verdict(answer_id=bad, user_id="U2", verdict="down")
    store.add_comment(fid, user_id="U2", comment="Korea is second, not first")
    nocomment = store.record_verdict(answer_id=bad, user_id="U3", verdict="down")
    cases = eval_candidates(store.items())
    assert cases == [
        {
            "id": f"feedback-{fid}",
            "kind": "fact",
            "question": "Bad?",
            "answer_keys": [],
            "evidence": [],
            "must_not": [],
            "notes": "Korea is second, not first / bot answered: Wrong [1].",
        },
        {
            "id": f"feedback-{nocomment}",
            "kind": "fact",
            "question": "Bad?",
            "answer_keys": [],
            "evidence": [],
            "must_not": [],
            "notes": "no comment / bot answered: Wrong [1].",
        },
    ]
    json.dumps(cases)  # serialisable as JSONL lines
