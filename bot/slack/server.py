"""Running the Bolt app: Events API over HTTP (stdlib server) or Socket Mode."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.settings import Settings
from bot.slack import messages
from bot.slack.app import Answerer, build_app
from bot.slack.client import SlackConfigError
from bot.slack.feedback import FeedbackStore
from bot.slack.redact import install_redaction

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000  # Slack payloads are far smaller; anything bigger is not from Slack
MAX_DRAIN_BYTES = 16_000_000  # an oversized body up to this is read and dropped before the 413

logger = logging.getLogger(__name__)


class _BoltHandler(BaseHTTPRequestHandler):
    server: _BoltHttpServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        if url.path != self.server.events_path:
            self._reply(404, b"not found", {})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._discard(length)
            self._reply(413, b"payload too large", {})
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        headers = {k.lower(): [v] for k, v in self.headers.items()}
        try:
            request = BoltRequest(body=body, query=url.query, headers=headers)
        except Exception:  # bad JSON, a list, a string: not from Slack
            request = None
        if request is None or not _well_formed(request.body):
            logger.info("Rejected a malformed request body")
            self._reply(400, b"bad request", {})
            return
        response = self.server.app.dispatch(request)
        extra = {k: ", ".join(v) for k, v in response.headers.items()}
        self._reply(response.status, response.body.encode("utf-8"), extra)

    def _discard(self, length: int) -> None:
        """Read and drop an oversized body, so the client hears the 413 rather than a reset."""
        if length > MAX_DRAIN_BYTES:
            self.close_connection = True
            return
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                break
            length -= len(chunk)

    def do_GET(self) -> None:  # noqa: N802
        if urlsplit(self.path).path == "/healthz":
            self._reply(200, b"ok", {"content-type": "text/plain"})
        else:
            self._reply(404, b"not found", {})

    def _reply(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)


def _well_formed(body: object) -> bool:
    """A payload shaped like Slack's: an object whose `event`, if any, is an object too."""
    return isinstance(body, dict) and isinstance(body.get("event", {}), dict)


class _BoltHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: App, events_path: str):
        self.app = app
        self.events_path = events_path
        super().__init__(address, _BoltHandler)


class SlackHttpServer:
    """The Events API endpoint (POST /slack/events) on a threaded stdlib HTTP server."""

    def __init__(
        self, app: App, *, host: str = "127.0.0.1", port: int = 3000, path: str = EVENTS_PATH
    ):
        self._server = _BoltHttpServer((host, port), app, path)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The full URL of the events endpoint (the port is the real one when 0 was asked)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self._server.events_path}"

    def serve_forever(self) -> None:
        """Serve in the calling thread until stop() (or Ctrl-C)."""
        self._server.serve_forever(poll_interval=0.1)

    def start(self) -> SlackHttpServer:
        """Serve in a background thread; returns self."""
        self._thread = threading.Thread(target=self.serve_forever, name="slack-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """A Socket Mode handler for the app, using SLACK_APP_TOKEN (an xapp- token)."""
    if settings.slack_app_token is None or not settings.slack_app_token.get_secret_value():
        raise SlackConfigError(messages.MISSING_APP_TOKEN)
    return SocketModeHandler(app, app_token=settings.slack_app_token.get_secret_value())


def _secrets(settings: Settings) -> list[str]:
    values = (settings.slack_bot_token, settings.slack_app_token, settings.slack_signing_secret)
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
) -> None:
    """Run the Slack bot until interrupted: Socket Mode when SLACK_APP_TOKEN is set, else HTTP."""
    http = check_config(settings, http=http)
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    install_redaction(_secrets(settings))
    store = feedback or FeedbackStore(settings.feedback_path)
    app = build_app(settings, answerer, feedback=store, version=version)
    try:
        if http:
            server = SlackHttpServer(app, host=host, port=port)
            logger.info("Slack Events API listening on %s", server.url)
            try:
                server.serve_forever()
            finally:
                server.stop()
        else:
            logger.info("Connecting to Slack in Socket Mode")
            socket_mode_handler(app, settings).start()
    finally:
        store.close()
