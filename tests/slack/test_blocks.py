"""Block Kit rendering: escaping, limits, sources, abstentions, buttons (pure functions)."""

from __future__ import annotations

import json

import pytest

from bot.records import Answer, Citation
from bot.slack import blocks, messages


def make_answer(
    text: str = "China leads [1].",
    *,
    citations: int = 1,
    abstained: bool = False,
    quote: str = "China holds most capacity.",
    notes: tuple[str, ...] = (),
) -> Answer:
    cites = tuple(
        Citation(
            n=i + 1,
            chunk_id=f"chunk-{i}",
            source_id="doc",
            title=f"Source {i + 1}",
            anchor=f"anchor-{i}",
            quote=quote,
        )
        for i in range(citations)
    )
    return Answer(
        question="q",
        rewritten_query="q",
        text=text,
        abstained=abstained,
        citations=cites,
        notes=notes,
    )


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here>", "&lt;!here&gt;"),
        ("<!everyone>", "&lt;!everyone&gt;"),
        ("<@U12345>", "&lt;@U12345&gt;"),
        ("<!subteam^S123|@team>", "&lt;!subteam^S123|@team&gt;"),
        ("<https://evil.example|click me>", "&lt;https://evil.example|click me&gt;"),
        ("AT&T > LG & SK < CATL", "AT&amp;T &gt; LG &amp; SK &lt; CATL"),
        ("&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"),
        ("@channel please", "@\u2060channel please"),
        ("hi @here and @Everyone", "hi @\u2060here and @\u2060Everyone"),
        ("email me@herewego.com", "email me@herewego.com"),
        ("China leads [1].", "China leads [1]."),
    ],
)
def test_escape_neutralises_pings_and_links(raw, escaped):
    assert blocks.escape(raw) == escaped


@pytest.mark.parametrize(
    "ping", ["<!channel>", "<!here>", "<!everyone>", "<@U0VICTIM>", "<#C123|general>"]
)
def test_rendered_answer_never_contains_raw_markup(ping):
    answer = make_answer(f"Sure {ping} [1]", quote=f"quote {ping}")
    answer = Answer(
        **{
            **answer.__dict__,
            "citations": (
                Citation(1, "c", "s", f"Title {ping}", f"anchor {ping}", f"quote {ping}"),
            ),
        }
    )
    message = blocks.answer_message(answer, answer_ref="7", version=f"v {ping}")
    assert ping not in json.dumps(message.as_kwargs(), ensure_ascii=False)


def test_answer_with_sources_context_and_buttons():
    message = blocks.answer_message(
        make_answer(notes=("LLM failed; extractive fallback used",)),
        answer_ref="42",
        version="index v3",
    )
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["section", "divider", "section", "section", "context", "actions"]
    assert message.blocks[0]["text"]["text"] == "China leads [1]."
    assert (
        message.blocks[3]["text"]["text"]
        == "*[1] Source 1* · _anchor-0_\n> China holds most capacity."
    )
    context = [e["text"] for e in message.blocks[4]["elements"]]
    assert context[0] == "Answered by the extractive generator · index v3"
    assert "extractive fallback" in context[1]
    values = {e["action_id"]: e["value"] for e in message.blocks[5]["elements"]}
    assert values == {"feedback_up": "42", "feedback_down": "42"}
    assert message.text == "China leads [1]."


def test_shareable_answer_has_share_button_and_shared_copy_drops_it():
    message = blocks.answer_message(make_answer(), answer_ref="5", version="v", shareable=True)
    assert "share_answer" in json.dumps(message.blocks)
    shared = blocks.shared_message(message, user_id="UASKER1")
    dumped = json.dumps(shared.blocks)
    assert "share_answer" not in dumped and "feedback_up" in dumped
    # The header names who shared it and never repeats the asker's words.
    assert shared.blocks[0]["elements"][0]["text"] == "Shared by <@UASKER1>"
    evil = blocks.shared_message(message, user_id="U1><!channel")
    assert "<!channel" not in json.dumps(evil.blocks)


def test_abstention_says_so_plainly():
    empty = blocks.answer_message(
        make_answer("", citations=0, abstained=True), answer_ref="1", version="v"
    )
    assert empty.text == messages.ABSTAINED
    worded = blocks.answer_message(
        make_answer("The corpus has no figure for 2031.", citations=0, abstained=True),
        answer_ref="1",
        version="v",
    )
    assert worded.blocks[0]["text"]["text"].startswith(messages.ABSTAINED_PREFIX)
    assert all(b["type"] != "divider" for b in worded.blocks)


def test_without_an_answer_ref_there_are_no_buttons():
    message = blocks.answer_message(make_answer(), answer_ref=None, version="v")
    assert all(b["type"] != "actions" for b in message.blocks)


def test_huge_answers_stay_within_slack_limits():
    long_text = " ".join(f"Sentence {i} about cathodes & anodes [1]." for i in range(6000))
    answer = make_answer(long_text, citations=80, quote="q " * 2000)
    message = blocks.answer_message(answer, answer_ref="9", version="v", shareable=True)
    assert len(message.blocks) <= blocks.MAX_BLOCKS
    assert blocks.message_chars(message) <= blocks.MAX_MESSAGE_CHARS
    for block in message.blocks:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= blocks.SECTION_TEXT_LIMIT
    dumped = json.dumps(message.blocks, ensure_ascii=False)
    assert messages.TRUNCATED in dumped
    assert messages.MORE_SOURCES.format(count=80 - blocks.MAX_SOURCES_SHOWN) in dumped
    assert message.blocks[-1]["type"] == "actions"  # the buttons survive truncation
    assert len(message.text) <= blocks.FALLBACK_TEXT_CHARS


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("a" * 7000, 3000),
        ("word " * 1500, 3000),
        ("&amp;" * 700, 3000),
        ("para\n" * 900, 100),
        ("", 3000),
    ],
)
def test_split_text_respects_the_limit_and_keeps_entities_whole(text, limit):
    pieces = blocks.split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join(pieces).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )
    for piece in pieces:
        assert piece.count("&") == piece.count(";")


def test_clip_never_cuts_an_entity():
    assert blocks.clip("x" * 8 + "&amp;rest", 12) == "x" * 8 + "…"
    assert blocks.clip("short", 10) == "short"


def test_feedback_modal_carries_the_feedback_id():
    view = blocks.feedback_modal(17)
    assert (
        view["private_metadata"] == "17" and view["callback_id"] == blocks.FEEDBACK_MODAL_CALLBACK
    )
    assert view["blocks"][1]["block_id"] == blocks.COMMENT_BLOCK
    assert view["blocks"][1]["optional"] is True
