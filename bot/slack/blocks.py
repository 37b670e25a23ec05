"""Block Kit rendering: pure functions from records to Slack message payloads within Slack's limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.records import Answer, Citation
from bot.slack import messages

# Slack's documented limits, with the ones we choose to stay well inside.
SECTION_TEXT_LIMIT = 3000
MAX_BLOCKS = 50
MAX_MESSAGE_CHARS = 40_000
BUTTON_VALUE_LIMIT = 2000
MAX_ANSWER_CHARS = 20_000
MAX_SOURCES_SHOWN = 15
MAX_QUOTE_CHARS = 500
MAX_TITLE_CHARS = 200
FALLBACK_TEXT_CHARS = 3000

ACTION_FEEDBACK_UP = "feedback_up"
ACTION_FEEDBACK_DOWN = "feedback_down"
ACTION_SHARE = "share_answer"
FEEDBACK_MODAL_CALLBACK = "feedback_comment"
COMMENT_BLOCK = "comment"
COMMENT_ACTION = "comment_input"

# Bare @channel/@here/@everyone only ping with link_names=true, which we never send; a word
# joiner after the "@" keeps them inert even if a client or proxy turns it on.
_BROADCAST_WORDS = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_WORD_JOINER = "\u2060"


@dataclass(frozen=True)
class Message:
    """A Slack message payload: `text` is the notification fallback, `blocks` the rendering."""

    text: str
    blocks: tuple[dict[str, Any], ...] = ()

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage / chat.update / chat.postEphemeral."""
        return {"text": self.text, "blocks": list(self.blocks)}


def escape(text: str) -> str:
    """Escape text per Slack's rules (&, <, >) so it can never form a ping, link or broadcast."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST_WORDS.sub(lambda m: "@" + _WORD_JOINER + m.group(1), escaped)


def clip(text: str, limit: int, suffix: str = "…") -> str:
    """Shorten text to at most `limit` characters, never cutting through an &entity;."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(suffix)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + suffix


def split_text(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Split text into pieces of at most `limit` characters, preferring paragraph and word breaks."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n"), window.rfind(" "))
        if cut <= 0:
            cut = limit
            amp = window.rfind("&")
            if amp > 0 and ";" not in window[amp:]:
                cut = amp
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(*texts: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in texts[:10]]}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_LIMIT],
    }
    if style:
        button["style"] = style
    return button


def text_message(text: str) -> Message:
    """A plain notice (placeholder, refusal, error) as one mrkdwn section."""
    safe = clip(escape(text), SECTION_TEXT_LIMIT)
    return Message(text=safe, blocks=(_section(safe),))


def citation_text(citation: Citation) -> str:
    """One Sources entry: number, title, anchor and the quoted supporting sentence."""
    title = clip(escape(citation.title or citation.source_id), MAX_TITLE_CHARS)
    line = f"*[{citation.n}] {title}*"
    if citation.anchor:
        line += f" · _{escape(citation.anchor)}_"
    quote = clip(escape(" ".join(citation.quote.split())), MAX_QUOTE_CHARS)
    return f"{line}\n> {quote}" if quote else line


def _answer_body(answer: Answer) -> str:
    body = escape(answer.text.strip())
    if answer.abstained:
        return f"{messages.ABSTAINED_PREFIX}\n{body}" if body else messages.ABSTAINED
    return body or messages.ABSTAINED


def answer_message(
    answer: Answer, *, answer_ref: str | None, version: str, shareable: bool = False
) -> Message:
    """Render an Answer: text with [n] markers, Sources, a context line and feedback buttons."""
    body = _answer_body(answer)
    if len(body) > MAX_ANSWER_CHARS:
        body = (
            clip(body, MAX_ANSWER_CHARS - len(messages.TRUNCATED) - 1, "")
            + "\n"
            + messages.TRUNCATED
        )
    blocks: list[dict[str, Any]] = [_section(piece) for piece in split_text(body)]

    shown = answer.citations[:MAX_SOURCES_SHOWN]
    if shown:
        blocks.append({"type": "divider"})
        blocks.append(_section(messages.SOURCES_HEADER))
        blocks.extend(_section(citation_text(c)) for c in shown)
        hidden = len(answer.citations) - len(shown)
        if hidden > 0:
            blocks.append(_context(messages.MORE_SOURCES.format(count=hidden)))

    context = [
        messages.CONTEXT_LINE.format(generator=escape(answer.generator), version=escape(version))
    ]
    if answer.notes:
        context.append(clip(escape(messages.NOTES_LINE.format(notes="; ".join(answer.notes))), 500))
    blocks.append(_context(*context))

    if answer_ref is not None:
        buttons = [
            _button(messages.FEEDBACK_UP, ACTION_FEEDBACK_UP, answer_ref),
            _button(messages.FEEDBACK_DOWN, ACTION_FEEDBACK_DOWN, answer_ref),
        ]
        if shareable:
            buttons.append(_button(messages.SHARE_BUTTON, ACTION_SHARE, answer_ref, "primary"))
        blocks.append({"type": "actions", "block_id": "answer_actions", "elements": buttons})

    return Message(text=clip(body, FALLBACK_TEXT_CHARS), blocks=tuple(blocks[:MAX_BLOCKS]))


def shared_message(message: Message, *, user_id: str) -> Message:
    """The public copy of an ephemeral answer: who shared it, without the Share button.

    The asker's words are not repeated: the channel sees the sourced answer, not the question.
    """
    header = _context(messages.SHARED_BY.format(user=_safe_id(user_id)))
    blocks = [header]
    for block in message.blocks:
        if block.get("type") == "actions":
            elements = [e for e in block["elements"] if e.get("action_id") != ACTION_SHARE]
            block = {**block, "elements": elements}
        blocks.append(block)
    return Message(text=message.text, blocks=tuple(blocks[:MAX_BLOCKS]))


def feedback_modal(feedback_id: int) -> dict[str, Any]:
    """The 👎 modal asking for an optional comment; private_metadata carries the feedback row id."""
    return {
        "type": "modal",
        "callback_id": FEEDBACK_MODAL_CALLBACK,
        "private_metadata": str(feedback_id),
        "title": {"type": "plain_text", "text": messages.MODAL_TITLE},
        "submit": {"type": "plain_text", "text": messages.MODAL_SUBMIT},
        "close": {"type": "plain_text", "text": messages.MODAL_CLOSE},
        "blocks": [
            _section(messages.MODAL_INTRO),
            {
                "type": "input",
                "block_id": COMMENT_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": messages.MODAL_LABEL},
                "element": {
                    "type": "plain_text_input",
                    "action_id": COMMENT_ACTION,
                    "multiline": True,
                    "max_length": 2000,
                    "placeholder": {"type": "plain_text", "text": messages.MODAL_PLACEHOLDER},
                },
            },
        ],
    }


def message_chars(message: Message) -> int:
    """Characters a message carries (fallback text plus every text field in its blocks)."""
    return len(message.text) + sum(len(t) for t in _texts(list(message.blocks)))


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for v in node.values() if not isinstance(v, str) for t in _texts(v)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def _safe_id(user_id: str) -> str:
    # Slack ids are upper-case alphanumerics; anything else must not reach a <@…> mention.
    return user_id if re.fullmatch(r"[A-Z0-9]+", user_id or "") else "unknown"
