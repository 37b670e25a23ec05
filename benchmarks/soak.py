"""Soak: 300 signed Events API requests (20 concurrent, a third of them retries) to the bot in HTTP
mode, answered by the real chain, with Slack's Web API faked on loopback. Bounded; stops itself.

    python -m benchmarks.soak --out benchmarks/soak.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REQUESTS = 300
CONCURRENCY = 20
RETRY_SHARE = 3  # every third request is a retry of an earlier event
ACK_LIMIT_S = 3.0
ANSWER_DEADLINE_S = 300.0
CHANNEL = "CSOAK0001"
QUESTIONS = [
    "Which companies lead South Korea's battery industry?",
    "What did Japan pioneer?",
    "Who controls lithium refining?",
    "How are the US and EU responding to Asia's lead?",
    "Which Chinese firms expanded rapidly?",
    "What is the capital of Peru?",
    "What does South Korea focus on?",
    "What challenges does Japan face?",
]


def plan(total: int = REQUESTS, seed: int = 7) -> list[tuple[str, dict[str, Any], int | None]]:
    """(event_id, event, retry number or None) per request; retries repeat earlier events."""
    rng = random.Random(seed)
    sent: list[tuple[str, dict[str, Any]]] = []
    out: list[tuple[str, dict[str, Any], int | None]] = []
    for n in range(total):
        if n % RETRY_SHARE == RETRY_SHARE - 1 and sent:
            event_id, event = rng.choice(sent)
            out.append((event_id, event, rng.randint(1, 3)))
            continue
        event_id = f"EvSOAK{n:05d}"
        event = {
            "type": "app_mention",
            "user": f"USOAK{n % 17:04d}",
            "text": f"<@UBOT00001> {QUESTIONS[n % len(QUESTIONS)]}",
            "ts": f"1700100000.{n:06d}",
            "channel": CHANNEL,
        }
        sent.append((event_id, event))
        out.append((event_id, event, None))
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(out: Path) -> dict[str, Any]:
    """Start everything on 127.0.0.1, send the requests, wait for answers, return the figures."""
    from pydantic import SecretStr

    from bot.chain import AnswerChain
    from bot.settings import Settings
    from bot.slack import FeedbackStore, SlackHttpServer, build_app, make_web_client
    from bot.slack import messages as slack_messages
    from tests.fakes.slack_api import BOT_TOKEN, FakeSlackApi
    from tests.slack.conftest import SIGNING_SECRET, event_envelope, post, sign

    base = Settings()  # the index `make index` built
    chain = AnswerChain.from_settings(base)
    with FakeSlackApi() as api:
        settings = base.model_copy(
            update={
                "slack_bot_token": SecretStr(BOT_TOKEN),
                "slack_signing_secret": SecretStr(SIGNING_SECRET),
                "slack_api_url": api.base_url,
                "slack_rate_limit_per_minute": 0,
                "feedback_db": out.parent / ".soak-feedback.sqlite3",
            }
        )
        settings.feedback_path.unlink(missing_ok=True)
        feedback = FeedbackStore(settings.feedback_path)
        app = build_app(settings, chain.answer, client=make_web_client(settings), feedback=feedback)
        server = SlackHttpServer(app, host="127.0.0.1", port=0).start()
        sent_at: dict[str, float] = {}
        lock = threading.Lock()

        def send(item: tuple[str, dict[str, Any], int | None]) -> tuple[int, float]:
            event_id, event, retry = item
            body = json.dumps(event_envelope(event, event_id=event_id))
            headers = sign(body)
            if retry is not None:
                headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            with lock:
                sent_at.setdefault(event["ts"], time.perf_counter())
            started = time.perf_counter()
            status, _ = post(server.url, body, "application/json", headers)
            return status, time.perf_counter() - started

        requests = plan()
        unique = {event["ts"] for _, event, retry in requests if retry is None}
        answered_at: dict[str, float] = {}
        try:
            started = time.perf_counter()
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                acks = list(pool.map(send, requests))
            deadline = time.perf_counter() + ANSWER_DEADLINE_S
            while time.perf_counter() < deadline:
                placeholders = {
                    c.response["ts"]: c.params.get("thread_ts")
                    for c in api.calls("chat.postMessage")
                }
                now = time.perf_counter()
                for c in api.calls("chat.update"):
                    answered_at.setdefault(placeholders.get(c.params["ts"], "?"), now)
                if unique <= answered_at.keys():
                    break
                time.sleep(0.02)
            finished = time.perf_counter()
            time.sleep(2.0)  # let any duplicate answer land before counting
        finally:
            server.stop()
            feedback.close()
            settings.feedback_path.unlink(missing_ok=True)

        placeholders = {
            c.response["ts"]: c.params.get("thread_ts") for c in api.calls("chat.postMessage")
        }
        per_event: dict[str, int] = {}
        for c in api.calls("chat.update"):
            per_event[placeholders.get(c.params["ts"])] = (
                per_event.get(placeholders.get(c.params["ts"]), 0) + 1
            )
        errors = [
            c.params.get("text")
            for c in api.calls()
            if c.method in ("chat.postMessage", "chat.update")
            and c.params.get("text")
            in (slack_messages.UNEXPECTED_ERROR, slack_messages.BACKEND_UNAVAILABLE)
        ]
    ack_s = [seconds for _, seconds in acks]
    latencies = {ts: answered_at[ts] - sent_at[ts] for ts in unique if ts in answered_at}
    slowest = max(latencies, key=latencies.get) if latencies else None
    figures = {
        "requests": len(requests),
        "unique_events": len(unique),
        "retries": len(requests) - len(unique),
        "concurrency": CONCURRENCY,
        "ack_status_counts": {
            str(s): sum(1 for st, _ in acks if st == s) for s in {st for st, _ in acks}
        },
        "ack_ms": {
            "p50": round(percentile(ack_s, 0.50) * 1000, 1),
            "p95": round(percentile(ack_s, 0.95) * 1000, 1),
            "max": round(max(ack_s) * 1000, 1),
        },
        "acked_within_3s": all(s < ACK_LIMIT_S for s in ack_s),
        "answered_events": len([ts for ts in unique if per_event.get(ts, 0) >= 1]),
        "answered_exactly_once": all(per_event.get(ts, 0) == 1 for ts in unique),
        "duplicate_answers": sum(max(0, n - 1) for n in per_event.values()),
        "error_replies": len(errors),
        "answers_per_s": round(len(latencies) / (finished - started), 2),
        "slowest_answer_ms": round(latencies[slowest] * 1000, 1) if slowest else None,
        "slowest_answer_question": next(
            (e["text"].split("> ", 1)[1] for _, e, _ in requests if e["ts"] == slowest), None
        ),
        "wall_s": round(finished - started, 2),
    }
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the soak, print its figures and write them as JSON; exit 1 when a check failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/soak.json"))
    args = parser.parse_args(argv)
    figures = run(args.out)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    ok = (
        figures["acked_within_3s"]
        and figures["answered_exactly_once"]
        and figures["error_replies"] == 0
        and figures["ack_status_counts"] == {"200": figures["requests"]}
    )
    print("soak: OK" if ok else "soak: FAILED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
