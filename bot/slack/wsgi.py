"""The Events API endpoint as a WSGI application: size cap, signature check, then Bolt.

The WSGI server (waitress) has already refused a bad or oversized Content-Length before the
body was read; this layer checks again (another server may host it), verifies Slack's
signature before anything parses the body, and logs refusals in one short line, never a body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1_000_000  # Slack payloads are far smaller; anything bigger is not from Slack

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


class BoltWsgiApp:
    """POST /slack/events (signed by Slack) to the Bolt app; GET /healthz for load balancers."""

    def __init__(self, app: App, *, signing_secret: str, path: str = EVENTS_PATH):
        if not signing_secret:
            raise ValueError("the Events API endpoint needs Slack's signing secret")
        self.app = app
        self.path = path
        self._verifier = SignatureVerifier(signing_secret)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _reply(start_response, 200, b"ok")
        if path != self.path:
            return _reply(start_response, 404, b"not found")
        if method != "POST":
            return _reply(start_response, 405, b"method not allowed")
        length = _content_length(environ.get("CONTENT_LENGTH"))
        if length is None:
            logger.info("Refused a request with an invalid Content-Length")
            return _reply(start_response, 400, b"bad request")
        if length > MAX_BODY_BYTES:  # refused without reading what the server buffered
            logger.info("Refused a %d-byte request body", length)
            return _reply(start_response, 413, b"payload too large")
        raw = environ["wsgi.input"].read(length) if length else b""
        headers = _headers(environ)
        timestamp = headers.get("x-slack-request-timestamp", [""])[0]
        signature = headers.get("x-slack-signature", [""])[0]
        if not (timestamp.isdigit() and self._verifier.is_valid(raw, timestamp, signature)):
            logger.info("Refused a request with a missing, wrong or stale Slack signature")
            return _reply(start_response, 401, b"invalid signature")
        try:
            request = BoltRequest(
                body=raw.decode("utf-8"), query=environ.get("QUERY_STRING", ""), headers=headers
            )
        except Exception:  # bad JSON, a list, a string: signed, yet not a Slack payload
            request = None
        if request is None or not _well_formed(request.body):
            logger.info("Refused a malformed request body")
            return _reply(start_response, 400, b"bad request")
        try:
            response = self.app.dispatch(request)
        except Exception:
            logger.exception("Dispatching a signed Slack request failed")
            return _reply(start_response, 500, b"internal error")
        extra = [
            (k, ", ".join(v)) for k, v in response.headers.items() if k.lower() != "content-length"
        ]
        return _reply(start_response, response.status, response.body.encode("utf-8"), extra)


def _content_length(value: str | None) -> int | None:
    if not value:
        return 0
    return int(value) if value.isascii() and value.isdigit() else None


def _headers(environ: dict[str, Any]) -> dict[str, list[str]]:
    headers = {
        key[5:].replace("_", "-").lower(): [value]
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = [environ["CONTENT_TYPE"]]
    return headers


def _well_formed(body: object) -> bool:
    """A payload shaped like Slack's: an object whose `event`, if any, is an object too."""
    return isinstance(body, dict) and isinstance(body.get("event", {}), dict)


_REASONS = {
    200: "OK",
    400: "Bad Request",
    500: "Internal Server Error",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
}


def _reply(
    start_response: StartResponse,
    status: int,
    payload: bytes,
    headers: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    headers = list(headers or [])
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "text/plain; charset=utf-8"))
    headers.append(("Content-Length", str(len(payload))))
    start_response(f"{status} {_REASONS.get(status, 'Status')}", headers)
    return [payload]
