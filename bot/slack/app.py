"""The Bolt app: thin listeners that ack at once and answer lazily through the answer chain."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import BackendUnavailable
from bot.records import Answer, Turn
from bot.settings import Settings
from bot.slack import blocks, messages
from bot.slack.client import make_web_client
from bot.slack.conversation import bot_in_thread, thread_history
from bot.slack.feedback import FeedbackStore
from bot.slack.hygiene import RateLimiter, SeenOnce, is_allowed, is_from_bot, is_person_message
from bot.slack.question import clean_question, is_readable

Answerer = Callable[[str, Sequence[Turn]], Answer]

logger = logging.getLogger(__name__)


class SlackBot:
    """What the listeners share: the answerer, the guards and the feedback store."""

    def __init__(
        self,
        settings: Settings,
        answerer: Answerer,
        feedback: FeedbackStore,
        *,
        version: str,
    ):
        self.settings = settings
        self.answerer = answerer
        self.feedback = feedback
        self.version = version
        self.events = SeenOnce()
        self.messages = SeenOnce()
        self.limiter = RateLimiter(settings.slack_rate_limit_per_minute)

    # -- guards ---------------------------------------------------------------------------

    def dedupe_events(self, body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        """Global middleware: each event_id is processed once; redeliveries get a plain 200."""
        event_id = body.get("event_id")
        if event_id and not self.events.first(str(event_id)):
            logger.info("Ignoring a redelivered Slack event %s", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    def _allowed(self, channel_id: str | None, team_id: str | None, is_dm: bool) -> bool:
        return is_allowed(
            channel_id=channel_id,
            team_id=team_id,
            is_dm=is_dm,
            allowed_channels=self.settings.slack_allowed_channels,
            allowed_teams=self.settings.slack_allowed_teams,
        )

    def _refusal(self, question: str, user_id: str) -> str | None:
        """The notice to give instead of an answer, if any (empty question, rate limit)."""
        if not is_readable(question):
            return messages.EMPTY_QUESTION
        if not self.limiter.allow(user_id):
            return messages.RATE_LIMITED.format(limit=self.limiter.limit)
        return None

    # -- answering ------------------------------------------------------------------------

    def compose(
        self,
        question: str,
        history: Sequence[Turn],
        *,
        user_id: str,
        channel_id: str,
        shareable: bool = False,
    ) -> blocks.Message:
        """Ask the chain and render the reply; failures become a friendly notice, never a crash."""
        try:
            answer = self.answerer(question, tuple(history))
        except BackendUnavailable:
            logger.warning("Knowledge base unavailable while answering", exc_info=True)
            return blocks.text_message(messages.BACKEND_UNAVAILABLE)
        except Exception:
            logger.exception("Answering a Slack question failed")
            return blocks.text_message(messages.UNEXPECTED_ERROR)
        return self._render_and_store(
            answer, user_id=user_id, channel_id=channel_id, shareable=shareable
        )

    def _render_and_store(
        self, answer: Answer, *, user_id: str, channel_id: str, shareable: bool
    ) -> blocks.Message:
        try:
            answer_id: int | None = self.feedback.record_answer(
                user_id=user_id, channel_id=channel_id, answer=answer
            )
        except Exception:
            # The answer is still worth showing; it just cannot take feedback.
            logger.exception("Could not store the answer for feedback")
            answer_id = None
        ref = None if answer_id is None else str(answer_id)
        message = blocks.answer_message(
            answer, answer_ref=ref, version=self.version, shareable=shareable
        )
        if answer_id is not None:
            try:
                self.feedback.set_message(answer_id, message.as_kwargs())
            except Exception:
                logger.exception("Could not store the rendered answer")
        return message

    def reply_in_conversation(
        self,
        client: WebClient,
        *,
        channel_id: str,
        thread_ts: str | None,
        user_id: str,
        question: str,
        history: Sequence[Turn],
    ) -> None:
        """Post a placeholder at once, then replace it with the answer (or a notice)."""
        refusal = self._refusal(question, user_id)
        if refusal is not None:
            client.chat_postMessage(
                channel=channel_id, thread_ts=thread_ts, **blocks.text_message(refusal).as_kwargs()
            )
            return
        placeholder = client.chat_postMessage(
            channel=channel_id,
            thread_ts=thread_ts,
            **blocks.text_message(messages.SEARCHING).as_kwargs(),
        )
        message = self.compose(question, history, user_id=user_id, channel_id=channel_id)
        client.chat_update(channel=channel_id, ts=placeholder["ts"], **message.as_kwargs())

    def _replies(self, client: WebClient, channel_id: str, thread_ts: str) -> list[dict[str, Any]]:
        response = client.conversations_replies(channel=channel_id, ts=thread_ts, limit=200)
        return list(response.get("messages", []))

    # -- listeners ------------------------------------------------------------------------

    def on_mention(
        self, event: dict[str, Any], body: dict[str, Any], client: WebClient, context: Any
    ) -> None:
        """@mention in a channel: answer in the thread, with the thread's history if inside one."""
        self._guarded(self._mention, event=event, body=body, client=client, context=context)

    def _mention(
        self, event: dict[str, Any], body: dict[str, Any], client: WebClient, context: Any
    ) -> None:
        bot_user_id, bot_id = context.get("bot_user_id"), context.get("bot_id")
        if is_from_bot(event, bot_user_id, bot_id) or not self._claim(event):
            return
        channel_id, ts = event["channel"], event["ts"]
        thread_ts = event.get("thread_ts") or ts
        if not self._allowed(channel_id, _team(event, body), is_dm=False):
            client.chat_postMessage(
                channel=channel_id,
                thread_ts=thread_ts,
                **blocks.text_message(messages.NOT_ALLOWED).as_kwargs(),
            )
            return
        history: tuple[Turn, ...] = ()
        if thread_ts != ts:
            replies = self._replies(client, channel_id, thread_ts)
            history = thread_history(replies, before_ts=ts, bot_user_id=bot_user_id, bot_id=bot_id)
        self.reply_in_conversation(
            client,
            channel_id=channel_id,
            thread_ts=thread_ts,
            user_id=event.get("user", ""),
            question=clean_question(event.get("text", ""), bot_user_id),
            history=history,
        )

    def on_message(
        self, event: dict[str, Any], body: dict[str, Any], client: WebClient, context: Any
    ) -> None:
        """A DM (always answered) or a reply in a thread this bot answered (settings decide)."""
        self._guarded(self._message, event=event, body=body, client=client, context=context)

    def _message(
        self, event: dict[str, Any], body: dict[str, Any], client: WebClient, context: Any
    ) -> None:
        bot_user_id, bot_id = context.get("bot_user_id"), context.get("bot_id")
        if not is_person_message(event) or is_from_bot(event, bot_user_id, bot_id):
            return
        text, channel_id, ts = event.get("text", ""), event.get("channel", ""), event.get("ts", "")
        thread_ts = event.get("thread_ts")
        in_thread = bool(thread_ts) and thread_ts != ts
        is_dm = event.get("channel_type") == "im"
        mentions_bot = bool(bot_user_id) and f"<@{bot_user_id}>" in text
        if not is_dm and (mentions_bot or not in_thread):
            return  # mentions arrive as app_mention; top-level channel chatter is not for us
        if in_thread and not mentions_bot and self.settings.slack_followups != "any":
            return
        if not self._allowed(channel_id, _team(event, body), is_dm=is_dm):
            if is_dm and self._claim(event):
                client.chat_postMessage(
                    channel=channel_id, **blocks.text_message(messages.NOT_ALLOWED).as_kwargs()
                )
            return  # a passive thread reply in a channel we may not serve: stay silent
        if not self._claim(event):
            return
        history: tuple[Turn, ...] = ()
        if in_thread:
            replies = self._replies(client, channel_id, thread_ts)
            if not is_dm and not bot_in_thread(replies, bot_user_id, bot_id):
                return
            history = thread_history(replies, before_ts=ts, bot_user_id=bot_user_id, bot_id=bot_id)
        self.reply_in_conversation(
            client,
            channel_id=channel_id,
            thread_ts=thread_ts if in_thread else None,
            user_id=event.get("user", ""),
            question=clean_question(text, bot_user_id),
            history=history,
        )

    def _claim(self, event: Mapping[str, Any]) -> bool:
        # One answer per Slack message, whichever event (app_mention, message) reaches us first.
        return self.messages.first(f"{event.get('channel')}:{event.get('ts')}")

    def _guarded(self, handler: Callable[..., None], **kwargs: Any) -> None:
        event = kwargs["event"]
        try:
            handler(**kwargs)
        except Exception:
            logger.exception("Handling a Slack %s event failed", event.get("type"))
            _try_notify(
                kwargs["client"],
                channel=event.get("channel"),
                thread_ts=event.get("thread_ts") or event.get("ts"),
            )

    # -- slash command ----------------------------------------------------------------------

    def ack_command(self, ack: Callable[..., None], command: dict[str, Any]) -> None:
        """Ack /battery at once: a hint for an empty question, otherwise 'Searching…'."""
        question = clean_question(command.get("text", ""))
        if not is_readable(question):
            ack(text=messages.EMPTY_QUESTION)
        elif not self._allowed(
            command.get("channel_id"),
            command.get("team_id"),
            is_dm=_is_dm_id(command.get("channel_id")),
        ):
            ack(text=messages.NOT_ALLOWED)
        else:
            ack(text=blocks.escape(messages.SEARCHING_FOR.format(question=question)))

    def on_command(
        self, command: dict[str, Any], client: WebClient, respond: Callable[..., Any]
    ) -> None:
        """/battery <question>: a private answer with a button to share it in the channel."""
        question = clean_question(command.get("text", ""))
        channel_id, user_id = command.get("channel_id", ""), command.get("user_id", "")
        if not is_readable(question) or not self._allowed(
            channel_id, command.get("team_id"), is_dm=_is_dm_id(channel_id)
        ):
            return  # the ack already told the person
        try:
            refusal = self._refusal(question, user_id)
            if refusal is not None:
                message = blocks.text_message(refusal)
            else:
                message = self.compose(
                    question, (), user_id=user_id, channel_id=channel_id, shareable=True
                )
        except Exception:
            logger.exception("Answering /battery failed")
            message = blocks.text_message(messages.UNEXPECTED_ERROR)
        _post_ephemeral(client, respond, channel_id=channel_id, user_id=user_id, message=message)

    # -- buttons and the feedback modal -------------------------------------------------------

    def on_feedback(self, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        """👍/👎: store the verdict; a 👎 also opens the comment modal."""
        user_id = body.get("user", {}).get("id", "")
        verdict = "up" if action.get("action_id") == blocks.ACTION_FEEDBACK_UP else "down"
        channel_id = (body.get("channel") or {}).get("id", "")
        thread_ts = (body.get("container") or {}).get("thread_ts")
        try:
            feedback_id = self.feedback.record_verdict(
                answer_id=int(action.get("value", "")), user_id=user_id, verdict=verdict
            )
        except (ValueError, TypeError):
            feedback_id = None
        except Exception:
            logger.exception("Storing feedback failed")
            feedback_id = None
        if feedback_id is None:
            _ephemeral_notice(
                client, channel_id, user_id, thread_ts, messages.FEEDBACK_UNKNOWN_ANSWER
            )
        elif verdict == "down" and body.get("trigger_id"):
            try:
                client.views_open(
                    trigger_id=body["trigger_id"], view=blocks.feedback_modal(feedback_id)
                )
            except SlackApiError:
                logger.exception("Opening the feedback modal failed")
        else:
            _ephemeral_notice(client, channel_id, user_id, thread_ts, messages.FEEDBACK_THANKS)

    def on_feedback_comment(
        self, ack: Callable[..., None], body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        """The 👎 modal was submitted: attach its comment to the feedback row."""
        ack()
        user_id = body.get("user", {}).get("id", "")
        value = (
            view.get("state", {})
            .get("values", {})
            .get(blocks.COMMENT_BLOCK, {})
            .get(blocks.COMMENT_ACTION, {})
        )
        comment = value.get("value") or ""
        try:
            if not self.feedback.add_comment(
                int(view.get("private_metadata", "")), user_id=user_id, comment=comment
            ):
                logger.warning("Feedback comment for an unknown feedback row was dropped")
        except Exception:
            logger.exception("Storing a feedback comment failed")

    def on_share(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Callable[..., Any],
    ) -> None:
        """Share: post the ephemeral answer publicly in the channel, then remove the private copy."""
        user_id = body.get("user", {}).get("id", "")
        channel_id = (body.get("channel") or {}).get("id", "")
        try:
            stored = self.feedback.answer(int(action.get("value", "")))
        except (ValueError, TypeError):
            stored = None
        if stored is None or not stored.message.get("blocks"):
            respond(
                text=messages.FEEDBACK_UNKNOWN_ANSWER,
                replace_original=False,
                response_type="ephemeral",
            )
            return
        original = blocks.Message(stored.message["text"], tuple(stored.message["blocks"]))
        public = blocks.shared_message(original, user_id=user_id, question=stored.question)
        try:
            client.chat_postMessage(channel=channel_id, **public.as_kwargs())
        except SlackApiError:
            logger.exception("Sharing an answer in %s failed", channel_id)
            respond(text=messages.SHARE_FAILED, replace_original=False, response_type="ephemeral")
            return
        respond(delete_original=True)


def _team(event: Mapping[str, Any], body: Mapping[str, Any]) -> str | None:
    return event.get("team") or body.get("team_id")


def _is_dm_id(channel_id: str | None) -> bool:
    return bool(channel_id) and channel_id.startswith("D")


def _try_notify(client: WebClient, *, channel: str | None, thread_ts: str | None) -> None:
    if not channel:
        return
    try:
        client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            **blocks.text_message(messages.UNEXPECTED_ERROR).as_kwargs(),
        )
    except Exception:
        logger.exception("Could not tell the person that answering failed")


def _ephemeral_notice(
    client: WebClient, channel_id: str, user_id: str, thread_ts: str | None, text: str
) -> None:
    try:
        client.chat_postEphemeral(
            channel=channel_id,
            user=user_id,
            thread_ts=thread_ts,
            **blocks.text_message(text).as_kwargs(),
        )
    except SlackApiError:
        logger.exception("Posting an ephemeral notice failed")


def _post_ephemeral(
    client: WebClient,
    respond: Callable[..., Any],
    *,
    channel_id: str,
    user_id: str,
    message: blocks.Message,
) -> None:
    try:
        client.chat_postEphemeral(channel=channel_id, user=user_id, **message.as_kwargs())
    except SlackApiError:
        # e.g. not_in_channel: the command's response_url reaches the person anyway.
        logger.info("chat.postEphemeral failed; answering through the response_url", exc_info=True)
        respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())


def _ack(ack: Callable[..., None]) -> None:
    ack()


def build_app(
    settings: Settings,
    answerer: Answerer,
    *,
    client: WebClient | None = None,
    feedback: FeedbackStore | None = None,
    version: str | None = None,
) -> App:
    """A Bolt app answering through `answerer`; verifies signatures when a signing secret is set."""
    client = client or make_web_client(settings)
    feedback = feedback or FeedbackStore(settings.feedback_path)
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    app = App(
        name="batterybot",
        client=client,
        # An empty secret disables verification (Socket Mode needs none); HTTP mode refuses it.
        signing_secret=secret,
        request_verification_enabled=bool(secret),
        process_before_response=False,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    bot = SlackBot(
        settings, answerer, feedback, version=version or f"corpus index “{settings.collection}”"
    )
    app.use(bot.dedupe_events)
    app.event("app_mention")(ack=_ack, lazy=[bot.on_mention])
    app.event("message")(ack=_ack, lazy=[bot.on_message])
    app.command("/battery")(ack=bot.ack_command, lazy=[bot.on_command])
    app.action(blocks.ACTION_FEEDBACK_UP)(ack=_ack, lazy=[bot.on_feedback])
    app.action(blocks.ACTION_FEEDBACK_DOWN)(ack=_ack, lazy=[bot.on_feedback])
    app.action(blocks.ACTION_SHARE)(ack=_ack, lazy=[bot.on_share])
    app.view(blocks.FEEDBACK_MODAL_CALLBACK)(bot.on_feedback_comment)
    return app
