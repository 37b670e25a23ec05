"""Reading a question before it is searched: is it readable, a greeting, thanks, or an
instruction aimed at the bot? What it asks for is read by bot.intent."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import normalize, tokens

MAX_QUESTION_CHARS = 2000

# A greeting, or a question about the bot itself ("hey, what's this bot know about?")
GREETING_RE = re.compile(
    r"^(?:(?:hi|hello|hey|yo)[\s,!.]+)?(hi|hello|hey|yo|good (morning|afternoon|evening)|help|"
    r"who are you|what (can|do) (you|u) (do|know)( about)?|"
    r"what(?:'s|s| is| does| can| do)? (this|the) bot (do|know|for|about)( about)?|"
    r"how do i use (this|you|the bot))\b[\s!.?]*$",
    re.IGNORECASE,
)
# Acknowledgements close a turn; they are answered in kind, never searched for.
THANKS_RE = re.compile(
    r"^((ok(ay)?|great|cool|nice|perfect|awesome|got it|sounds good|makes sense|lol|k)[\s,!.]*)?"
    r"(thanks|thank you|thx|ty|cheers|ok(ay)?|great|cool|nice|perfect|awesome|got it|"
    r"sounds good|makes sense|lol|k)( (so|very) much| a lot| again)?[\s!.?:)👍🙏]*$",
    re.IGNORECASE,
)
_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules?|prompts?|guidelines|"
    r"context|above|previous|prior|everything)\b"
    r"|\b(system|hidden|initial|original)\s+(prompt|instructions?|message)\b"
    r"|\byou are (now|no longer)\b|\bpretend\b|\bact as\b|\brole-?play\b|\bjailbreak\b|\bdeveloper mode\b"
    r"|<!(channel|here|everyone)>|@(channel|here|everyone)\b",
    re.IGNORECASE,
)
# "say that...", "reply with exactly..." tell the bot what to write...
_DICTATION = re.compile(
    r"\b(say|print|output|repeat|write|respond with|reply with|answer with|declare|state|announce)\b"
    r".{0,20}\b(that|exactly|verbatim|only|the following|after me)\b",
    re.IGNORECASE,
)
# ...unless someone else is the one saying it: "what does the writer say that adds up to?"
# reports speech (an auxiliary with a subject other than "you" comes first); "can you say that"
# is still a request to the bot.
_REPORTED = re.compile(
    r"\b(?:do|does|did|doesn't|didn't|don't|can|could|would|will|might|should)\s+(?!you\b)\w+",
    re.IGNORECASE,
)
# A dictation word right after a determiner or preposition is a noun ("the forms of state
# backing that Japan receives", "a print that"), not an order to the bot.
_NOUN_MARKER = re.compile(
    r"\b(?:the|a|an|of|in|on|for|with|by|from|at|about|this|that|these|those|its|their|his|her|"
    r"our|each|every|any|some|no)\s+$",
    re.IGNORECASE,
)
_INSTRUCTION_SPLIT = re.compile(r"[.;:!\n]|\band\b|\bthen\b", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionProfile:
    """What the chain needs to know about a question before answering it."""

    text: str
    readable: bool
    greeting: bool
    thanks: bool
    injection: bool


def clean_question(raw: str) -> str:
    """Strip control characters and chat markup, collapse whitespace, cap the length."""
    raw = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", " ", raw or "")  # terminal colour codes
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in raw or "")
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)  # code blocks are not questions
    text = re.sub(r"<@[A-Z0-9]+(\|[^>]*)?>", " ", text)
    text = re.sub(r"<#[A-Z0-9]+\|([^>]*)>", r"#\1", text)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2", text)
    text = re.sub(r"<?https?://\S+>?", " ", text)  # a bare link is not a question
    text = re.sub(r"(?<!\w):[a-z0-9_+-]+:(?!\w)", " ", text)  # emoji shortcodes
    text = re.sub(r"<!(channel|here|everyone)[^>]*>", " ", text)  # never echo a ping
    text = normalize(text)
    return text[:MAX_QUESTION_CHARS]


def is_readable(text: str) -> bool:
    """A question has at least two letters of words; emoji and punctuation alone are not one."""
    return len(re.findall(r"[^\W\d_]", text)) >= 2 and bool(tokens(text))


def is_instruction(text: str) -> bool:
    """The text tells the bot what to do or write, rather than asking about the corpus."""
    if _INJECTION.search(text):
        return True
    return any(
        not _REPORTED.search(clause) and not _NOUN_MARKER.search(clause)
        for clause in (_clause_before(text, m.start()) for m in _DICTATION.finditer(text))
    )


def _clause_before(text: str, end: int) -> str:
    """The words of the clause that runs up to `end`."""
    return re.split(r"[.?!;:\n\[\]()<>]|\b(?:and|then|also)\b", text[:end], flags=re.IGNORECASE)[-1]


def strip_injection(text: str) -> str:
    """The parts of a question that are not instructions to the bot."""
    parts = [p.strip() for p in _INSTRUCTION_SPLIT.split(text) if p and p.strip()]
    kept = [p for p in parts if not is_instruction(p)]
    return " ".join(kept)


def profile(text: str) -> QuestionProfile:
    """Classify a cleaned question."""
    return QuestionProfile(
        text=text,
        readable=is_readable(text),
        greeting=bool(GREETING_RE.match(text.strip())),
        thanks=bool(THANKS_RE.match(text.strip())),
        injection=is_instruction(text),
    )
