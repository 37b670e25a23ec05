"""A fake OpenAI-compatible chat endpoint on 127.0.0.1: scripted replies, faults, recorded requests."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Persistent behaviours a test can switch on; "normal" serves the queue / responder.
MODES = ("normal", "slow", "error", "garbage", "invalid_json")

# A reply that is valid JSON at the protocol level but useless as an answer.
GARBAGE_CONTENT = '{"tool_calls": [{"id": "x", "function": {"name": "f"}}]} \x00\x01\x02 ###'

Responder = Callable[[list[dict[str, Any]]], str]


class FakeOpenAIServer:
    """Speaks POST /v1/chat/completions and GET /v1/models; deterministic by construction.

    Replies come from, in order: the persistent `mode` (when not "normal"), the queue filled
    by `enqueue()`, then `responder(messages)`. With none of these the server answers HTTP 500
    so a test that forgot to script a reply fails loudly instead of passing by accident.
    """

    def __init__(self, *, model: str = "fake-model", slow_s: float = 5.0) -> None:
        self.model = model
        self.slow_s = slow_s
        self.mode = "normal"
        self.responder: Responder | None = None
        self.requests: list[dict[str, Any]] = []
        self._queue: deque[str] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- scripting -------------------------------------------------------------------------

    def enqueue(self, *texts: str) -> None:
        """Queue replies, served one per request in order."""
        with self._lock:
            self._queue.extend(texts)

    def set_mode(self, mode: str) -> None:
        """Switch every following request to a fault mode, or back to "normal"."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
        self.mode = mode

    def last_messages(self) -> list[dict[str, Any]]:
        """The messages of the most recent chat request."""
        if not self.requests:
            raise AssertionError("the fake OpenAI server has received no chat request")
        return self.requests[-1]["messages"]

    def last_prompt(self) -> str:
        """All message contents of the most recent request, joined: handy for assertions."""
        return "\n".join(str(m.get("content", "")) for m in self.last_messages())

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("server not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAIServer:
        """Bind to a free port on 127.0.0.1 and serve in a background thread."""
        self._stopping.clear()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        # A short poll interval keeps stop() (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes any request sleeping in slow mode."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- serving ---------------------------------------------------------------------------

    def _next_reply(self, messages: list[dict[str, Any]]) -> str | None:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            return self.responder(messages)
        return None

    def _completion(self, content: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
        prompt_words = sum(len(str(m.get("content", "")).split()) for m in messages)
        reply_words = len(content.split())
        return {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_words,
                "completion_tokens": reply_words,
                "total_tokens": prompt_words + reply_words,
            },
        }


def _handler_for(fake: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/v1/models":
                self._send_json(404, {"error": {"message": f"no route {self.path}"}})
                return
            self._send_json(
                200, {"object": "list", "data": [{"id": fake.model, "object": "model"}]}
            )

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send_json(404, {"error": {"message": f"no route {self.path}"}})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                self._send_json(400, {"error": {"message": "request body is not JSON"}})
                return
            fake.requests.append(body)
            self._reply(body.get("messages", []))

        def _reply(self, messages: list[dict[str, Any]]) -> None:
            mode = fake.mode
            if mode == "slow":
                # Sleep past the client's timeout; stop() wakes us so teardown stays fast.
                fake._stopping.wait(fake.slow_s)
                self._send_json(200, fake._completion("Too late to matter [1].", messages))
            elif mode == "error":
                self._send_json(500, {"error": {"message": "internal error", "type": "server"}})
            elif mode == "garbage":
                self._send_json(200, fake._completion(GARBAGE_CONTENT, messages))
            elif mode == "invalid_json":
                self._send_raw(200, b'{"choices": [ {"message": oops', "application/json")
            else:
                content = fake._next_reply(messages)
                if content is None:
                    self._send_json(
                        500, {"error": {"message": "fake server has no scripted reply"}}
                    )
                else:
                    self._send_json(200, fake._completion(content, messages))

        def _send_json(self, status: int, payload: dict[str, Any]) -> None:
            self._send_raw(status, json.dumps(payload).encode(), "application/json")

        def _send_raw(self, status: int, data: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout): nothing left to tell it

    return Handler
