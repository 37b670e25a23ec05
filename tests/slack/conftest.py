"""Fixtures for the Slack tests: the fake Web API, a deterministic answerer, the app over HTTP."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.errors import BackendUnavailable
from bot.records import Answer, Citation, Turn
from bot.settings import Settings
from tests.fakes.slack_api import BOT_TOKEN, BOT_USER_ID, TEAM_ID, FakeSlackApi

SIGNING_SECRET = "fake-signing-secret-8f2d61"
_event_ids = itertools.count(1)


def make_settings(tmp_path: Path, api: FakeSlackApi | None = None, **overrides: Any) -> Settings:
    """Settings pointing every path at tmp_path and Slack at the fake (no .env, no real tokens)."""
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": api.base_url if api else None,
        "slack_rate_limit_per_minute": 50,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@dataclass
class ScriptedAnswerer:
    """A deterministic stand-in for the answer chain: cites a fixed source, echoes the question.

    "backend down" in a question raises BackendUnavailable; "crash" raises a bug-like error;
    "unknowable" abstains; "slow" waits until the test opens `gate`.
    """

    calls: list[tuple[str, tuple[Turn, ...]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    gate: threading.Event = field(default_factory=threading.Event)

    def __call__(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        with self.lock:
            self.calls.append((question, tuple(history)))
        if "slow" in question:
            self.gate.wait(timeout=10)
        if "backend down" in question:
            raise BackendUnavailable("chroma unreachable")
        if "crash" in question:
            raise RuntimeError("unexpected failure in the chain")
        if "unknowable" in question:
            return Answer(question=question, rewritten_query=question, text="", abstained=True)
        citation = Citation(
            n=1,
            chunk_id="chunk-cn-capacity",
            source_id="asia-battery-dominance",
            title="Asia's battery dominance",
            anchor="china-capacity",
            quote="China holds about three quarters of global cell capacity.",
        )
        return Answer(
            question=question,
            rewritten_query=question,
            text=f"China leads cell manufacturing [1]. You asked: {question}",
            abstained=False,
            citations=(citation,),
            generator="extractive",
        )


def sign(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature headers for a body."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def post(url: str, body: str, content_type: str, headers: dict[str, str]) -> tuple[int, str]:
    """POST over real HTTP; returns (status, body) for error statuses too."""
    request = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": content_type, **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def event_envelope(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """An Events API event_callback envelope around `event`."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "AFAKE",
        "event": {"team": TEAM_ID, "event_ts": event.get("ts", "1.0"), **event},
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


@dataclass
class SlackHarness:
    """The Bolt app served over HTTP, the fake Slack Web API it calls, and the answerer it uses."""

    url: str
    api: FakeSlackApi
    answerer: Any  # a ScriptedAnswerer, or the real chain's answer
    feedback: Any
    settings: Settings
    state: Any = None

    def send_event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> tuple[int, str]:
        body = json.dumps(event_envelope(event, event_id=event_id))
        headers = sign(body)
        if retry_num is not None:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return post(self.url, body, "application/json", headers)

    def send_form(self, fields: dict[str, str]) -> tuple[int, str]:
        body = urlencode(fields)
        return post(self.url, body, "application/x-www-form-urlencoded", sign(body))

    def send_interaction(self, payload: dict[str, Any]) -> tuple[int, str]:
        return self.send_form({"payload": json.dumps(payload)})


_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """One real PostgreSQL 15 server on 127.0.0.1 for the session (installed if absent)."""
    from tests.postgres import PostgresServer

    with PostgresServer() as server:
        yield server


@pytest.fixture
def postgres_url(postgres) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    return postgres.create_database(f"test_{next(_databases)}")


@pytest.fixture
def fake_api() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as api:
        yield api


@pytest.fixture
def answerer() -> ScriptedAnswerer:
    return ScriptedAnswerer()


@pytest.fixture
def slack_overrides() -> dict[str, Any]:
    """Settings overrides for the `slack` harness; tests override this fixture to change them."""
    return {}


@contextmanager
def serve_app(
    settings: Settings, api: FakeSlackApi, answerer: Any, *, version: str | None = None
) -> Iterator[SlackHarness]:
    """The real Bolt app over HTTP on 127.0.0.1, talking to the fake Web API; stopped on exit."""
    from bot.slack import SlackHttpServer, Workers, build_app, make_web_client, open_stores

    feedback, state = open_stores(settings)
    workers = Workers.from_settings(settings)
    app = build_app(
        settings,
        answerer,
        client=make_web_client(settings),
        feedback=feedback,
        state=state,
        workers=workers,
        version=version,
    )
    server = SlackHttpServer(
        app,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        host="127.0.0.1",
        port=0,
        threads=settings.slack_http_threads,
        idle_timeout_s=settings.slack_http_idle_timeout_s,
    ).start()
    try:
        yield SlackHarness(server.url, api, answerer, feedback, settings, state)
    finally:
        server.stop()
        if isinstance(answerer, ScriptedAnswerer):
            answerer.gate.set()  # let held answers finish so the pools drain
        workers.drain()
        feedback.close()
        feedback.database.close()


@pytest.fixture
def slack(
    tmp_path: Path,
    fake_api: FakeSlackApi,
    answerer: ScriptedAnswerer,
    slack_overrides: dict[str, Any],
) -> Iterator[SlackHarness]:
    settings = make_settings(tmp_path, fake_api, **slack_overrides)
    with serve_app(settings, fake_api, answerer, version="index test-1") as harness:
        yield harness
