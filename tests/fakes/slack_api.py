"""A fake Slack Web API (and Socket Mode endpoint) on 127.0.0.1 that records every call.

Only Slack's side is fake: the Bolt app under test talks to it over real HTTP and WebSocket.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from websockets.sync.server import ServerConnection, serve

BOT_USER_ID = "UBOT00001"
BOT_ID = "BBOT00001"
TEAM_ID = "T0000FAKE"
BOT_TOKEN = "xoxb-1111-2222-fakebottoken"
APP_TOKEN = "xapp-1-A111-3333-fakeapptoken"

_TOKENS = {"apps.connections.open": APP_TOKEN}
_JSON_FIELDS = {"blocks", "view", "attachments", "metadata"}


@dataclass(frozen=True)
class Call:
    """One request the fake received: Web API method (or "response_url"), params, headers, status."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    response: Any = None


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    text = raw.decode("utf-8")
    if "json" in content_type:
        data = json.loads(text)
        return data if isinstance(data, dict) else {"payload": data}
    params: dict[str, Any] = dict(parse_qsl(text, keep_blank_values=True))
    for key in _JSON_FIELDS & params.keys():
        with contextlib.suppress(ValueError):
            params[key] = json.loads(params[key])
    return params


class FakeSlackApi:
    """Answers the Web API methods Bolt and batterybot use; `calls()` shows what was sent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._failures: dict[str, deque[tuple[int, int | None, str | None]]] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._last_ts = 0.0
        self.socket_mode_url: str | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSlackApi:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeSlackApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """What to give WebClient(base_url=...)."""
        return f"{self.root}/api/"

    def response_url(self, name: str = "hook") -> str:
        """A response_url for slash-command and button payloads; posts to it are recorded."""
        return f"{self.root}/response/{name}"

    # -- test controls ---------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._failures.clear()
            self._messages.clear()

    def fail_next(
        self,
        method: str,
        times: int = 1,
        status: int = 429,
        retry_after: int | None = 0,
        error: str | None = None,
        after: int = 0,
    ) -> None:
        """Answer the next `times` calls of `method` with `status` (429 carries Retry-After),
        once `after` calls went through normally.

        With status 200, the call gets Slack's usual `{"ok": false, "error": error}` instead.
        """
        with self._lock:
            queue = self._failures.setdefault(method, deque())
            queue.extend([None] * after)
            queue.extend([(status, retry_after, error)] * times)

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str = "UPERSON1",
        thread_ts: str | None = None,
        ts: str | None = None,
        **extra: Any,
    ) -> str:
        """Put a message in the fake's conversation store (what conversations.replies returns)."""
        with self._lock:
            ts = ts or self._next_ts()
            message = {"type": "message", "user": user, "text": text, "ts": ts, **extra}
            if thread_ts:
                message["thread_ts"] = thread_ts
            self._messages.setdefault(channel, []).append(message)
            return ts

    def calls(self, method: str | None = None, *, include_failed: bool = False) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self._calls
                if (method is None or c.method == method) and (include_failed or c.status == 200)
            ]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        where: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
    ) -> list[Call]:
        """Poll until at least `count` matching calls arrived; AssertionError at the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls(method) if where is None or where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [(c.method, c.params.get("text")) for c in self.calls()]
                raise AssertionError(
                    f"expected {count} {method} call(s), got {len(found)}; calls: {seen}"
                )
            time.sleep(0.02)

    # -- the API ---------------------------------------------------------------------------

    def _next_ts(self) -> str:
        # Like Slack's: the current time in microseconds, strictly increasing.
        self._last_ts = max(time.time(), self._last_ts + 1e-6)
        return f"{self._last_ts:.6f}"

    def _handle(
        self, method: str, params: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            failures = self._failures.get(method)
            planned = failures.popleft() if failures else None
            if planned is not None:
                status, retry_after, error = planned
                default = "ratelimited" if status == 429 else "fatal_error"
                response = {"ok": False, "error": error or default}
                self._calls.append(Call(method, params, headers, status, response))
                extra = {}
                if retry_after is not None and status == 429:
                    extra = {"Retry-After": str(retry_after)}
                return status, extra, response
            if method == "response_url":
                response: Any = "ok"
            elif headers.get("authorization") != f"Bearer {_TOKENS.get(method, BOT_TOKEN)}":
                response = {"ok": False, "error": "invalid_auth"}
            else:
                response = self._answer(method, params)
            self._calls.append(Call(method, params, headers, 200, response))
            return 200, {}, response

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Fake Team",
                "user": "batterybot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            channel = params["channel"]
            message = {
                "type": "message",
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                "text": params.get("text", ""),
                "blocks": params.get("blocks", []),
                "ts": self._next_ts(),
            }
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            self._messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}
        if method == "chat.update":
            for message in self._messages.get(params.get("channel", ""), []):
                if message["ts"] == params.get("ts"):
                    message.update(text=params.get("text", ""), blocks=params.get("blocks", []))
                    return {
                        "ok": True,
                        "channel": params["channel"],
                        "ts": message["ts"],
                        "text": message["text"],
                    }
            return {"ok": False, "error": "message_not_found"}
        if method == "chat.delete":
            kept = [
                m
                for m in self._messages.get(params.get("channel", ""), [])
                if m["ts"] != params.get("ts")
            ]
            self._messages[params.get("channel", "")] = kept
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "conversations.replies":
            root = params.get("ts")
            thread = [
                m
                for m in self._messages.get(params.get("channel", ""), [])
                if m["ts"] == root or m.get("thread_ts") == root
            ]
            if not thread:
                return {"ok": False, "error": "thread_not_found"}
            # Pages like Slack's: `limit` messages (at most 1000), then a cursor for the rest.
            ordered = sorted(thread, key=lambda m: float(m["ts"]))
            start = int(params.get("cursor") or 0)
            limit = min(int(params.get("limit") or 1000), 1000)
            page = ordered[start : start + limit]
            more = start + limit < len(ordered)
            return {
                "ok": True,
                "messages": page,
                "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""},
            }
        if method == "reactions.add":
            return {"ok": True}
        if method == "views.open":
            return {"ok": True, "view": {"id": "VFAKE0001", **(params.get("view") or {})}}
        if method == "apps.connections.open":
            if not self.socket_mode_url:
                return {"ok": False, "error": "socket_mode_not_configured"}
            return {"ok": True, "url": self.socket_mode_url}
        return {"ok": False, "error": "unknown_method"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _dispatch(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                params = dict(parse_qsl(url.query))
                params.update(
                    _parse_body(self.rfile.read(length), self.headers.get("Content-Type", ""))
                )
                headers = {k.lower(): v for k, v in self.headers.items()}
                if url.path.startswith("/api/"):
                    method = url.path.removeprefix("/api/")
                elif url.path.startswith("/response/"):
                    method = "response_url"
                else:
                    self.send_error(404)
                    return
                status, extra, payload = fake._handle(method, params, headers)
                body = (
                    payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                )
                self.send_response(status)
                kind = (
                    "text/plain" if isinstance(payload, str) else "application/json; charset=utf-8"
                )
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _dispatch

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


class FakeSocketModeServer:
    """A WebSocket endpoint standing in for Slack's Socket Mode (wss-link from apps.connections.open)."""

    def __init__(self) -> None:
        self._server = serve(self._session, "127.0.0.1", 0)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._connection: ServerConnection | None = None
        self.received: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=fake"

    def start(self) -> FakeSocketModeServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        if self._thread:
            self._thread.join(timeout=5)

    def _session(self, connection: ServerConnection) -> None:
        with self._lock:
            self._connection = connection
        connection.send(
            json.dumps(
                {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "AFAKE"}}
            )
        )
        try:
            for raw in connection:
                with self._lock:
                    self.received.append(json.loads(raw))
        except Exception:
            pass  # the client went away; the test decides whether that matters

    def wait_connected(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self._connection is None:
            if time.monotonic() > deadline:
                raise AssertionError("the Socket Mode client never connected")
            time.sleep(0.02)

    def send(self, envelope: dict[str, Any]) -> None:
        assert self._connection is not None, "no client connected"
        self._connection.send(json.dumps(envelope))

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                for message in self.received:
                    if message.get("envelope_id") == envelope_id:
                        return message
            if time.monotonic() > deadline:
                raise AssertionError(f"no ack for envelope {envelope_id}; received {self.received}")
            time.sleep(0.02)
