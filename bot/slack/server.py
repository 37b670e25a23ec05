"""Running the Bolt app: the Events API over HTTP (waitress) or Socket Mode."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from waitress.server import create_server
from waitress.wasyncore import loop

from bot.settings import Settings
from bot.slack import messages
from bot.slack.app import Answerer, Workers, build_app, open_stores
from bot.slack.client import SlackConfigError
from bot.slack.feedback import FeedbackStore
from bot.slack.redact import install_redaction
from bot.slack.state import SharedState
from bot.slack.wsgi import EVENTS_PATH, BoltWsgiApp

# A burst of simultaneous deliveries waits in the kernel's queue instead of being reset.
LISTEN_BACKLOG = 1024
CONNECTION_LIMIT = 1000
# A body up to this size is read (to a temporary file past 512 kB, never held in memory) so
# the client hears the 413 rather than a broken pipe; a larger Content-Length is refused
# from the header alone, before any of the body is read.
MAX_DRAIN_BYTES = 16_000_000
ACK_SWITCH_INTERVAL_S = 0.001
# How long stop() lets requests already received finish before closing their connections.
STOP_GRACE_S = 5.0

logger = logging.getLogger(__name__)


class SlackHttpServer:
    """The Events API endpoint (POST /slack/events, GET /healthz) on a waitress server.

    waitress reads requests on one event loop and hands complete ones to `threads` workers,
    so idle or slow connections hold no thread, idle ones are closed after `idle_timeout_s`,
    a malformed Content-Length gets a 400 and a huge one a 413 before the body is read.
    """

    def __init__(
        self,
        app: App,
        *,
        signing_secret: str,
        host: str = "127.0.0.1",
        port: int = 3000,
        path: str = EVENTS_PATH,
        threads: int = 8,
        idle_timeout_s: float = 30.0,
    ):
        self._map: dict[int, Any] = {}
        self._server = create_server(
            BoltWsgiApp(app, signing_secret=signing_secret, path=path),
            map=self._map,
            host=host,
            port=port,
            threads=threads,
            backlog=LISTEN_BACKLOG,
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=idle_timeout_s,
            cleanup_interval=max(0.5, idle_timeout_s / 4),
            max_request_body_size=MAX_DRAIN_BYTES,
            asyncore_use_poll=True,
            expose_tracebacks=False,
            ident="batterybot",
        )
        self._path = path
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The full URL of the events endpoint (the port is the real one when 0 was asked)."""
        host, port = self._server.effective_host, self._server.effective_port
        return f"http://{host}:{port}{self._path}"

    def serve_forever(self) -> None:
        """Serve in the calling thread until stop() (or Ctrl-C)."""
        try:
            while not self._stopping.is_set():
                loop(timeout=0.2, map=self._map, use_poll=True, count=1)
            self._finish_in_flight()
        finally:
            for channel in list(self._map.values()):
                channel.close()
            self._server.task_dispatcher.shutdown(timeout=STOP_GRACE_S)
            self._stopped.set()

    def _finish_in_flight(self) -> None:
        """Stop accepting, then serve what was already received for up to STOP_GRACE_S."""
        self._server.accepting = False
        self._server.close()
        deadline = time.monotonic() + STOP_GRACE_S
        while time.monotonic() < deadline and any(
            getattr(channel, "requests", None) for channel in list(self._map.values())
        ):
            loop(timeout=0.05, map=self._map, use_poll=True, count=1)

    def start(self) -> SlackHttpServer:
        """Serve in a background thread; returns self."""
        self._thread = threading.Thread(target=self.serve_forever, name="slack-http", daemon=True)
        self._thread.start()
        return self

    def request_stop(self) -> None:
        """Ask serve_forever() to return (safe from a signal handler or another thread)."""
        self._stopping.set()

    def stop(self) -> None:
        """Stop serving and release the port (requests already received are answered)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=STOP_GRACE_S * 3)


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """A Socket Mode handler for the app, using SLACK_APP_TOKEN (an xapp- token)."""
    if settings.slack_app_token is None or not settings.slack_app_token.get_secret_value():
        raise SlackConfigError(messages.MISSING_APP_TOKEN)
    return SocketModeHandler(app, app_token=settings.slack_app_token.get_secret_value())


def _secrets(settings: Settings) -> list[str]:
    values = (
        settings.slack_bot_token,
        settings.slack_app_token,
        settings.slack_signing_secret,
        settings.database_url,
    )
    return [v.get_secret_value() for v in values if v is not None]


def check_config(settings: Settings, *, http: bool | None = None) -> bool:
    """Raise SlackConfigError naming the missing variables; return True for HTTP mode.

    With `http=None` the mode follows the tokens: Socket Mode when SLACK_APP_TOKEN is set,
    the Events API over HTTP when only SLACK_SIGNING_SECRET is.
    """
    if settings.slack_bot_token is None or not settings.slack_bot_token.get_secret_value():
        raise SlackConfigError(messages.MISSING_BOT_TOKEN)
    if http is None:
        if settings.slack_app_token is None and settings.slack_signing_secret is None:
            raise SlackConfigError(messages.MISSING_APP_TOKEN)
        http = settings.slack_app_token is None
    if http and settings.slack_signing_secret is None:
        raise SlackConfigError(messages.MISSING_SIGNING_SECRET)
    if not http and settings.slack_app_token is None:
        raise SlackConfigError(messages.MISSING_APP_TOKEN)
    return http


def run_slack(
    settings: Settings,
    answerer: Answerer,
    *,
    http: bool | None = None,
    host: str = "127.0.0.1",
    port: int = 3000,
    feedback: FeedbackStore | None = None,
    version: str | None = None,
    client: Any = None,
) -> None:
    """Run the Slack bot until SIGTERM or Ctrl-C: Socket Mode when SLACK_APP_TOKEN is set,
    else HTTP. On the way out it finishes the answers it accepted (a redeploy loses none)."""
    http = check_config(settings, http=http)
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    install_redaction(_secrets(settings))
    # Answer threads are CPU-bound Python; a shorter GIL switch interval than the default 5 ms
    # lets the request threads ack within a few ms of their turn while answers are computed.
    sys.setswitchinterval(ACK_SWITCH_INTERVAL_S)
    if feedback is None:
        store, state = open_stores(settings)
    else:
        store = feedback
        state = SharedState(
            store.database, rate_limit_per_minute=settings.slack_rate_limit_per_minute
        )
    workers = Workers.from_settings(settings)
    app = build_app(
        settings,
        answerer,
        client=client,
        feedback=store,
        state=state,
        workers=workers,
        version=version,
    )
    janitor = Janitor(store, state, settings)
    janitor.start()
    try:
        if http:
            secret = settings.slack_signing_secret.get_secret_value()  # type: ignore[union-attr]
            server = SlackHttpServer(
                app,
                signing_secret=secret,
                host=host,
                port=port,
                threads=settings.slack_http_threads,
                idle_timeout_s=settings.slack_http_idle_timeout_s,
            )
            previous = signal.signal(signal.SIGTERM, lambda *_: server.request_stop())
            logger.info("Slack Events API listening on %s", server.url)
            try:
                server.serve_forever()
            finally:
                signal.signal(signal.SIGTERM, previous)
        else:
            logger.info("Connecting to Slack in Socket Mode")
            socket_mode_handler(app, settings).start()
    finally:
        logger.info("Finishing the answers in progress")
        janitor.stop()
        workers.drain()
        if feedback is None:
            store.close()


class Janitor:
    """Applies retention in the background: hourly, and once at start."""

    INTERVAL_S = 3600.0

    def __init__(self, store: FeedbackStore, state: SharedState, settings: Settings):
        self._store, self._state, self._settings = store, state, settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            try:
                purged = self._store.purge(
                    answer_days=self._settings.answer_retention_days,
                    feedback_days=self._settings.feedback_retention_days,
                )
                self._state.expire()
                if purged.answers or purged.feedback:
                    logger.info(
                        "Retention: deleted %d answer(s) and %d feedback row(s)",
                        purged.answers,
                        purged.feedback,
                    )
            except Exception:
                logger.exception("Applying retention failed; retrying in an hour")
            if self._stop.wait(self.INTERVAL_S):
                return
