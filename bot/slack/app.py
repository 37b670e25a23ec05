"""The Bolt app: listeners that ack at once and hand the work to bounded pools of their own.

Acks never wait behind answers: each listener runs in the request's own thread, acks, and
submits the work, answers to one pool and button clicks to another, so a burst of slow
answers (or Slack's Retry-After sleeps inside them) cannot delay a 👎 click or a /battery ack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import BackendUnavailable
from bot.records import Answer, Turn
from bot.settings import Settings
from bot.slack import blocks, messages
from bot.slack.client import make_web_client
from bot.slack.conversation import fetch_replies, thread_history
from bot.slack.db import open_database
from bot.slack.feedback import FeedbackStore
from bot.slack.hygiene import is_addressable, is_allowed, is_from_bot, is_person_message
from bot.slack.question import clean_question, is_readable
from bot.slack.state import CLAIM_MEMORY_S, SharedState

Answerer = Callable[[str, Sequence[Turn]], Answer]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Workers:
    """The bot's two bounded pools: answers (slow, the chain) and interactions (quick clicks)."""

    answers: ThreadPoolExecutor
    interactions: ThreadPoolExecutor

    @classmethod
    def from_settings(cls, settings: Settings) -> Workers:
        return cls(
            ThreadPoolExecutor(settings.slack_answer_workers, thread_name_prefix="answer"),
            ThreadPoolExecutor(settings.slack_interaction_workers, thread_name_prefix="click"),
        )

    def drain(self) -> None:
        """Finish the work already accepted, then stop (a restart loses no accepted event)."""
        self.interactions.shutdown(wait=True)
        self.answers.shutdown(wait=True)


class SlackBot:
    """What the listeners share: the answerer, the shared state, the feedback store, the pools."""

    def __init__(
        self,
        settings: Settings,
        answerer: Answerer,
        feedback: FeedbackStore,
        state: SharedState,
        workers: Workers,
        *,
        version: str,
    ):
        self.settings = settings
        self.answerer = answerer
        self.feedback = feedback
        self.state = state
        self.workers = workers
        self.version = version

    # -- guards ---------------------------------------------------------------------------

    def dedupe_triggers(
        self, body: dict[str, Any], next: Callable[[], None]
    ) -> BoltResponse | None:
        """Global middleware: a replayed slash command, click or form (same trigger_id) is
        acknowledged and dropped, on every replica (events are claimed per message instead)."""
        trigger = body.get("trigger_id")
        if trigger and not self.state.claim(f"trigger:{trigger}", lease_s=CLAIM_MEMORY_S):
            logger.info("Ignoring a replayed interaction")
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
        if not self.state.allow(user_id):
            return messages.RATE_LIMITED.format(limit=self.state.limit)
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
        answer = self._ask(question, history)
        if isinstance(answer, blocks.Message):
            return answer
        return self._render_and_store(
            answer, user_id=user_id, channel_id=channel_id, shareable=shareable
        )

    def _ask(self, question: str, history: Sequence[Turn]) -> Answer | blocks.Message:
        try:
            return self.answerer(question, tuple(history))
        except BackendUnavailable:
            logger.warning("Knowledge base unavailable while answering", exc_info=True)
            return blocks.text_message(messages.BACKEND_UNAVAILABLE)
        except Exception:
            logger.exception("Answering a Slack question failed")
            return blocks.text_message(messages.UNEXPECTED_ERROR)

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
        self._note_thread(channel_id, thread_ts)
        message = self.compose(question, history, user_id=user_id, channel_id=channel_id)
        _deliver(client, channel_id, thread_ts, placeholder["ts"], message)

    def _note_thread(self, channel_id: str, thread_ts: str | None) -> None:
        if thread_ts is None:
            return
        try:
            self.state.remember_thread(channel_id, thread_ts)
        except Exception:
            logger.exception("Could not remember the thread for follow-ups")

    def _history(
        self, client: WebClient, channel_id: str, thread_ts: str, before_ts: str, context: Any
    ) -> tuple[Turn, ...]:
        replies = fetch_replies(client, channel_id, thread_ts)
        return thread_history(
            replies,
            before_ts=before_ts,
            bot_user_id=context.get("bot_user_id"),
            bot_id=context.get("bot_id"),
        )

    # -- events ---------------------------------------------------------------------------

    def ack_mention(
        self,
        ack: Callable[..., None],
        event: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: Any,
    ) -> None:
        """@mention in a channel: ack, then answer in the thread on the answer pool."""
        ack()
        if not is_addressable(event):
            logger.info("Dropped a mention event without a usable channel, timestamp or text")
            return
        if is_from_bot(event, context.get("bot_user_id"), context.get("bot_id")):
            return
        self._submit_event(self._mention, event=event, body=body, client=client, context=context)

    def _mention(
        self, event: dict[str, Any], body: dict[str, Any], client: WebClient, context: Any
    ) -> None:
        channel_id, ts = event["channel"], event["ts"]
        thread_ts = event.get("thread_ts") or ts
        user_id = event.get("user", "")
        if not self._allowed(channel_id, _team(event, body), is_dm=False):
            _ephemeral_notice(client, channel_id, user_id, thread_ts, messages.NOT_ALLOWED)
            return
        history: tuple[Turn, ...] = ()
        if thread_ts != ts:
            history = self._history(client, channel_id, thread_ts, ts, context)
        self.reply_in_conversation(
            client,
            channel_id=channel_id,
            thread_ts=thread_ts,
            user_id=user_id,
            question=clean_question(event.get("text", ""), context.get("bot_user_id")),
            history=history,
        )

    def ack_message(
        self,
        ack: Callable[..., None],
        event: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: Any,
    ) -> None:
        """A DM (always answered) or a thread reply (settings decide); everything else is
        dropped here, in the ack, without a database or Slack call."""
        ack()
        bot_user_id, bot_id = context.get("bot_user_id"), context.get("bot_id")
        if not is_addressable(event) or not is_person_message(event):
            return
        if is_from_bot(event, bot_user_id, bot_id):
            return
        ts, thread_ts = event.get("ts", ""), event.get("thread_ts")
        in_thread = bool(thread_ts) and thread_ts != ts
        is_dm = event.get("channel_type") == "im"
        mentions_bot = bool(bot_user_id) and f"<@{bot_user_id}>" in event.get("text", "")
        if not is_dm and (mentions_bot or not in_thread):
            return  # mentions arrive as app_mention; top-level channel chatter is not for us
        if not is_dm and self.settings.slack_followups == "mention":
            return
        handler = self._direct_message if is_dm else self._thread_reply
        self._submit_event(handler, event=event, body=body, client=client, context=context)

    def _direct_message(
        self, event: dict[str, Any], body: dict[str, Any], client: WebClient, context: Any
    ) -> None:
        channel_id, ts = event.get("channel", ""), event.get("ts", "")
        thread_ts = event.get("thread_ts")
        in_thread = bool(thread_ts) and thread_ts != ts
        if not self._allowed(channel_id, _team(event, body), is_dm=True):
            _ephemeral_notice(
                client, channel_id, event.get("user", ""), thread_ts, messages.NOT_ALLOWED
            )
            return
        history = self._history(client, channel_id, thread_ts, ts, context) if in_thread else ()
        self.reply_in_conversation(
            client,
            channel_id=channel_id,
            thread_ts=thread_ts if in_thread else None,
            user_id=event.get("user", ""),
            question=clean_question(event.get("text", ""), context.get("bot_user_id")),
            history=history,
        )

    def _thread_reply(
        self, event: dict[str, Any], body: dict[str, Any], client: WebClient, context: Any
    ) -> None:
        """A reply in a channel thread without a mention: for the bot only in a thread it
        answered, and then, unless settings say "any", only when the corpus answers it."""
        channel_id, ts, thread_ts = event["channel"], event["ts"], event["thread_ts"]
        if not self.state.is_bot_thread(channel_id, thread_ts):
            return
        if not self._allowed(channel_id, _team(event, body), is_dm=False):
            return  # a passive reply in a conversation we may not serve: stay silent
        question = clean_question(event.get("text", ""), context.get("bot_user_id"))
        user_id = event.get("user", "")
        if self.settings.slack_followups == "any":
            self.reply_in_conversation(
                client,
                channel_id=channel_id,
                thread_ts=thread_ts,
                user_id=user_id,
                question=question,
                history=self._history(client, channel_id, thread_ts, ts, context),
            )
            return
        # Chatter ("lol ok, see you at lunch") gets no reply at all: the bot speaks up only
        # when the reply, read on its own, is something the corpus grounds, and never posts a
        # refusal or a notice here. Read with the thread, any chatter can borrow the earlier
        # question, so the thread alone is not evidence that the reply asks anything.
        if not is_readable(question):
            return
        alone = self._ask(question, ())
        if isinstance(alone, blocks.Message) or alone.abstained:
            return
        history = self._history(client, channel_id, thread_ts, ts, context)
        answer = self._ask(question, history) if history else alone
        if isinstance(answer, blocks.Message) or answer.abstained:
            return
        if not self.state.allow(user_id):
            return
        message = self._render_and_store(
            answer, user_id=user_id, channel_id=channel_id, shareable=False
        )
        client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, **message.as_kwargs())

    def _submit_event(self, handler: Callable[..., None], **kwargs: Any) -> None:
        self.workers.answers.submit(self._guarded, handler, **kwargs)

    def _guarded(self, handler: Callable[..., None], **kwargs: Any) -> None:
        """Run an event handler once per Slack message, across retries, restarts and replicas."""
        event = kwargs["event"]
        key = f"message:{event.get('channel')}:{event.get('ts')}"
        try:
            if not self.state.claim(key):
                logger.info("Ignoring a redelivered Slack event %s", kwargs["body"].get("event_id"))
                return
        except Exception:
            logger.exception("Could not claim a Slack event; it is left for a retry")
            return
        try:
            handler(**kwargs)
        except SlackApiError as error:
            _notify_after_slack_error(kwargs["client"], event, error)
        except Exception:
            logger.exception("Handling a Slack %s event failed", event.get("type"))
            _try_notify(
                kwargs["client"],
                channel=event.get("channel"),
                thread_ts=event.get("thread_ts") or event.get("ts"),
                text=messages.UNEXPECTED_ERROR,
            )
        finally:
            try:
                self.state.finish(key)
            except Exception:
                logger.exception("Could not mark a Slack event as answered")

    # -- slash command ----------------------------------------------------------------------

    def ack_command(
        self,
        ack: Callable[..., None],
        command: dict[str, Any],
        client: WebClient,
        respond: Callable[..., Any],
    ) -> None:
        """Ack /battery at once (a hint, a refusal, or 'Searching…'), then answer privately."""
        question = clean_question(command.get("text", ""))
        if not is_readable(question):
            ack(text=messages.EMPTY_QUESTION)
            return
        if not self._allowed(
            command.get("channel_id"),
            command.get("team_id"),
            is_dm=_is_dm_id(command.get("channel_id")),
        ):
            ack(text=messages.NOT_ALLOWED)
            return
        ack(text=messages.SEARCHING)
        self.workers.answers.submit(self._command, question, command, client, respond)

    def _command(
        self, question: str, command: dict[str, Any], client: WebClient, respond: Callable[..., Any]
    ) -> None:
        """/battery <question>: a private answer with a button to share it in the channel."""
        channel_id, user_id = command.get("channel_id", ""), command.get("user_id", "")
        try:
            refusal = self._refusal(question, user_id)
            if refusal is not None:
                message = blocks.text_message(refusal)
            else:
                message = self.compose(
                    question, (), user_id=user_id, channel_id=channel_id, shareable=True
                )
            _post_ephemeral(
                client, respond, channel_id=channel_id, user_id=user_id, message=message
            )
        except Exception:
            logger.exception("Answering /battery failed")
            try:
                respond(
                    text=messages.UNEXPECTED_ERROR,
                    response_type="ephemeral",
                    replace_original=False,
                )
            except Exception:
                logger.exception("Could not tell the person that /battery failed")

    # -- buttons and the feedback modal -------------------------------------------------------

    def ack_action(
        self,
        ack: Callable[..., None],
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Callable[..., Any],
    ) -> None:
        """Any button: ack, then handle the click on the interaction pool."""
        ack()
        handler = (
            self.on_share if action.get("action_id") == blocks.ACTION_SHARE else self.on_feedback
        )
        self.workers.interactions.submit(
            _logged, handler, body=body, action=action, client=client, respond=respond
        )

    def on_feedback(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Callable[..., Any],
    ) -> None:
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

    def ack_comment(
        self, ack: Callable[..., None], body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        """The 👎 modal was submitted: close it at once, store the comment on the click pool."""
        ack()
        self.workers.interactions.submit(_logged, self.on_feedback_comment, body=body, view=view)

    def on_feedback_comment(self, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Attach the modal's comment to the person's feedback row."""
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
        except (ValueError, TypeError):
            logger.warning("Feedback comment without a feedback row reference was dropped")

    def on_share(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Callable[..., Any],
    ) -> None:
        """Share: post the asker's ephemeral answer publicly where it was asked, then remove
        the private copy. The button's value is only a reference; the stored answer decides."""
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
        if stored.user_id != user_id or stored.channel_id != channel_id:
            logger.warning("Refused to share an answer for someone else or another channel")
            respond(
                text=messages.SHARE_NOT_YOURS, replace_original=False, response_type="ephemeral"
            )
            return
        original = blocks.Message(stored.message["text"], tuple(stored.message["blocks"]))
        public = blocks.shared_message(original, user_id=user_id)
        try:
            client.chat_postMessage(channel=channel_id, **public.as_kwargs())
        except SlackApiError:
            logger.exception("Sharing an answer failed")
            respond(text=messages.SHARE_FAILED, replace_original=False, response_type="ephemeral")
            return
        respond(delete_original=True)


def _logged(handler: Callable[..., None], **kwargs: Any) -> None:
    try:
        handler(**kwargs)
    except Exception:
        logger.exception("Handling a Slack interaction failed")


def _team(event: Mapping[str, Any], body: Mapping[str, Any]) -> str | None:
    # The workspace the event was delivered to: in a Slack Connect channel event["team"] is the
    # author's own workspace, which the team allowlist is not about.
    return body.get("team_id") or event.get("team")


def _is_dm_id(channel_id: str | None) -> bool:
    return bool(channel_id) and channel_id.startswith("D")


def _is_rate_limited(error: SlackApiError) -> bool:
    response = error.response
    return getattr(response, "status_code", None) == 429 or (
        hasattr(response, "get") and response.get("error") == "ratelimited"
    )


def _deliver(
    client: WebClient,
    channel_id: str,
    thread_ts: str | None,
    placeholder_ts: str,
    message: blocks.Message,
) -> None:
    """Replace the placeholder with the answer; if that fails, post the answer anew."""
    try:
        client.chat_update(channel=channel_id, ts=placeholder_ts, **message.as_kwargs())
        return
    except SlackApiError as error:
        logger.warning(
            "chat.update failed (%s); posting the answer as a new message",
            error.response.get("error") if hasattr(error.response, "get") else error,
        )
    client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, **message.as_kwargs())
    try:
        client.chat_delete(channel=channel_id, ts=placeholder_ts)
    except SlackApiError:
        logger.info("The placeholder could not be removed", exc_info=True)


def _notify_after_slack_error(
    client: WebClient, event: Mapping[str, Any], error: SlackApiError
) -> None:
    thread_ts = event.get("thread_ts") or event.get("ts")
    if _is_rate_limited(error):
        logger.warning("Slack kept rate-limiting the bot; the answer could not be posted")
        text = messages.SLACK_BUSY
    else:
        logger.exception("A Slack Web API call failed while answering")
        text = messages.UNEXPECTED_ERROR
    _try_notify(client, channel=event.get("channel"), thread_ts=thread_ts, text=text)


def _try_notify(
    client: WebClient, *, channel: str | None, thread_ts: str | None, text: str
) -> None:
    if not channel:
        return
    try:
        client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, **blocks.text_message(text).as_kwargs()
        )
    except Exception:
        logger.warning("Could not tell the person that answering failed", exc_info=True)


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


def open_stores(settings: Settings) -> tuple[FeedbackStore, SharedState]:
    """The feedback store and shared state in the database the settings name."""
    url = settings.database_url.get_secret_value() if settings.database_url else None
    db = open_database(url, settings.feedback_path)
    return FeedbackStore(db), SharedState(
        db, rate_limit_per_minute=settings.slack_rate_limit_per_minute
    )


def build_app(
    settings: Settings,
    answerer: Answerer,
    *,
    client: WebClient | None = None,
    feedback: FeedbackStore | None = None,
    state: SharedState | None = None,
    workers: Workers | None = None,
    version: str | None = None,
) -> App:
    """A Bolt app answering through `answerer`.

    Signatures are verified by the HTTP layer before a request reaches the app (Socket Mode
    needs none), so Bolt's own check, which logs whole bodies, is off.
    """
    client = client or make_web_client(settings)
    if feedback is None:
        feedback, default_state = open_stores(settings)
        state = state or default_state
    if state is None:
        state = SharedState(
            feedback.database, rate_limit_per_minute=settings.slack_rate_limit_per_minute
        )
    app = App(
        name="batterybot",
        client=client,
        signing_secret="",
        request_verification_enabled=False,
        # Listeners only ack and hand work to the pools, so they run in the request's thread.
        process_before_response=True,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    bot = SlackBot(
        settings,
        answerer,
        feedback,
        state,
        workers or Workers.from_settings(settings),
        version=version or f"corpus index “{settings.collection}”",
    )
    app.use(bot.dedupe_triggers)
    app.event("app_mention")(bot.ack_mention)
    app.event("message")(bot.ack_message)
    app.command("/battery")(bot.ack_command)
    app.action(blocks.ACTION_FEEDBACK_UP)(bot.ack_action)
    app.action(blocks.ACTION_FEEDBACK_DOWN)(bot.ack_action)
    app.action(blocks.ACTION_SHARE)(bot.ack_action)
    app.view(blocks.FEEDBACK_MODAL_CALLBACK)(bot.ack_comment)
    return app
