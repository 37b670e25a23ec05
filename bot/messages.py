"""What the bot says when it is not quoting the corpus: one voice, kept in one place.

None of these texts echo the user's words, so an injected phrase can never come back out.
"""

from __future__ import annotations

NOT_COVERED = "The corpus doesn't cover this, so I won't guess."
PREMISE_REJECTED = (
    "The corpus doesn't support the premise of this question. Here is what it does say:"
)
UNREADABLE = (
    "I couldn't find a question in that. Ask me about battery manufacturing in Asia, "
    'e.g. "Which companies lead South Korea\'s battery industry?"'
)
GREETING = (
    "Hi! I answer questions about Asia's dominance in battery manufacturing (China, South Korea, "
    "Japan, raw materials, production capacity, exports, and the US and EU responses), citing "
    "the corpus for every sentence."
)
HOLDINGS = "The corpus holds {documents}: {titles}."
INJECTION = (
    "I only answer questions from the corpus and don't follow instructions given inside a "
    "question. Ask me something about battery manufacturing in Asia."
)
THANKS = "Glad to help! Ask me anything else about battery manufacturing in Asia."
UNCLEAR = (
    "I'm not sure what you're asking. Try a full question, e.g. "
    '"Which companies lead South Korea\'s battery industry?"'
)
NOT_MENTIONED = "The corpus doesn't mention that, so I won't guess."
NO_SUCH_FIGURE = "The corpus gives no such figure, so I won't guess."
NO_DATE = "The corpus gives no date for this. What it does say:"
NO_FIGURE = "The corpus gives no figure for this. What it does say:"
NO_PERSON = "The corpus names no person for this. What it does say:"
NO_PLACE = "The corpus doesn't say where. What it does say:"
NO_EXACT_FIGURE = "The corpus gives no exact figure for this."
BACKEND_UNAVAILABLE = "The knowledge base is unavailable right now. Please try again in a minute."
LLM_FALLBACK = "The language model endpoint failed ({reason}); this answer was built extractively."
LLM_DECLINED = (
    "The language model found no answer in its sources, though they hold one; this answer "
    "was built extractively."
)
LLM_UNSUPPORTED = "The language model's answer was not supported by its sources; this answer was built extractively."

# Sentences of ours that frame an answer and state no fact: graders skip them.
FRAMING = (PREMISE_REJECTED, NO_DATE, NO_FIGURE, NO_PERSON, NO_PLACE)
# The bot's refusals: a thread's later questions never borrow names from them.
REFUSALS = (
    NOT_COVERED,
    NOT_MENTIONED,
    NO_SUCH_FIGURE,
    NO_DATE,
    NO_FIGURE,
    NO_PERSON,
    NO_PLACE,
    UNREADABLE,
    UNCLEAR,
    GREETING,
    THANKS,
    INJECTION,
    BACKEND_UNAVAILABLE,
)


def is_refusal(text: str) -> bool:
    """True for a reply of ours that answers nothing (its names are not the thread's subject)."""
    s = text.strip()
    return any(s.startswith(r.rstrip(":.")) for r in REFUSALS)


def is_framing(sentence: str) -> bool:
    """True for the bot's own framing sentences (they carry no claim to check)."""
    s = sentence.strip()
    return any(s == f or s.startswith(f.rstrip(":.")) for f in FRAMING)
