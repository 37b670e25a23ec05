"""Every sentence the Slack bot says to a person, kept together so they read as one voice."""

from __future__ import annotations

SEARCHING = "Searching the corpus…"

ABSTAINED = (
    "I couldn't find this in the corpus, so I won't guess. "
    "Try rephrasing, or ask about battery manufacturing in China, South Korea or Japan."
)
ABSTAINED_PREFIX = "*No answer in the corpus*"

EMPTY_QUESTION = (
    "I didn't catch a question there. Ask me something like "
    "“What share of global battery cell capacity is in China?”"
)
BACKEND_UNAVAILABLE = "The knowledge base is unavailable right now — please try again in a minute."
UNEXPECTED_ERROR = (
    "Sorry, something went wrong while answering. It has been logged; "
    "please try again, and tell the bot's maintainers if it keeps happening."
)
RATE_LIMITED = (
    "You've asked {limit} questions in the last minute — please wait a moment before asking again."
)
SLACK_BUSY = (
    "Slack is limiting how fast I can post right now, so your answer couldn't be delivered. "
    "Please ask again in a minute."
)
BUSY = "I'm answering a lot of questions right now — please ask again in a minute."
NOT_ALLOWED = (
    "Sorry, I'm not enabled in this conversation. "
    "Ask one of the workspace admins to add it to the bot's allowlist."
)

SOURCES_HEADER = "*Sources*"
MORE_SOURCES = "…and {count} more source(s) not shown."
TRUNCATED = "…(answer shortened to fit Slack's message limits)"
CONTEXT_LINE = "Answered by the {generator} generator · {version}"
NOTES_LINE = "Note: {notes}"
SHARED_BY = "Shared by <@{user}>"

FEEDBACK_UP = "👍 Helpful"
FEEDBACK_DOWN = "👎 Not helpful"
SHARE_BUTTON = "Share in channel"
FEEDBACK_THANKS = "Thanks for the feedback — it helps us improve the answers."
FEEDBACK_UNKNOWN_ANSWER = (
    "I couldn't find that answer any more, so the feedback wasn't saved. Please ask again."
)
SHARE_NOT_YOURS = (
    "Only the person who asked can share this answer, and only in the conversation it was "
    "asked in. Ask `/battery` yourself to get an answer you can share."
)
SHARE_FAILED = (
    "I couldn't post the answer in this channel — invite me to it (`/invite @batterybot`) "
    "and press Share again."
)

MODAL_TITLE = "What went wrong?"
MODAL_SUBMIT = "Send"
MODAL_CLOSE = "Skip"
MODAL_INTRO = "Thanks — your 👎 is saved. A short note on what was wrong helps us fix it."
MODAL_LABEL = "Comment (optional)"
MODAL_PLACEHOLDER = "e.g. the capacity figure is outdated, or the source doesn't say that"

MISSING_BOT_TOKEN = (
    "SLACK_BOT_TOKEN is not set. Create the app from bot/slack_manifest.yaml, install it in "
    "your workspace and export its Bot User OAuth Token (xoxb-…) as SLACK_BOT_TOKEN."
)
MISSING_APP_TOKEN = (
    "Socket Mode needs SLACK_APP_TOKEN (an app-level token, xapp-…, with connections:write). "
    "Set it, or run `batterybot slack --http` with SLACK_SIGNING_SECRET for the Events API."
)
MISSING_SIGNING_SECRET = (
    "HTTP mode needs SLACK_SIGNING_SECRET (Basic Information → Signing Secret in the app's "
    "settings) so that requests from Slack can be verified."
)

STARTUP_FAILED = "batterybot could not start: {reason}"
SLACK_UNREACHABLE = (
    "Could not reach Slack at {url} ({reason}). Check the network or proxy, or "
    "BATTERYBOT_SLACK_API_URL if you set it."
)
SLACK_AUTH_FAILED = (
    "Slack refused the bot token ({error}). Copy the Bot User OAuth Token (xoxb-…) from "
    "OAuth & Permissions in the app's settings into SLACK_BOT_TOKEN, and reinstall the app "
    "if it was revoked."
)
