"""Soak: two bot processes (`batterybot slack --http`) sharing one PostgreSQL and one Chroma
server, answered by the real chain, with Slack's Web API faked on loopback. Bounded; stops itself.

300 signed requests, 20 at a time: mentions (a third of them Slack retries, each sent to the
other replica than the first delivery), /battery commands and 👍 clicks mixed in. Halfway
through, one replica is redeployed (SIGTERM, drain, start again) while a load balancer sends
its traffic to the other. Then 50 mentions arrive at the same instant. Figures: ack
latency per kind, connection resets, duplicate and lost answers.

    python -m benchmarks.soak --out benchmarks/soak.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REQUESTS = 300
CONCURRENCY = 20
RETRY_SHARE = 3  # every third mention is a retry of an earlier one, sent to the other replica
COMMAND_EVERY = 10  # every tenth request is a /battery command
CLICK_EVERY = 10  # and another tenth a 👍 click
BURST = 50
ACK_LIMIT_S = 3.0
ACK_TARGET_MS = 300.0
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


@dataclass(frozen=True)
class Request:
    """One request of the plan: its kind, the replica it is meant for, and what it carries."""

    kind: str  # "event", "retry", "command" or "click"
    replica: int
    event_id: str = ""
    event: dict[str, Any] | None = None
    n: int = 0


def plan(total: int = REQUESTS, seed: int = 7) -> list[Request]:
    """The request mix; a retry repeats an earlier event on the other replica."""
    rng = random.Random(seed)
    sent: list[Request] = []
    out: list[Request] = []
    for n in range(total):
        if n % COMMAND_EVERY == COMMAND_EVERY - 1:
            out.append(Request("command", n % 2, n=n))
        elif n % CLICK_EVERY == CLICK_EVERY // 2:
            out.append(Request("click", n % 2, n=n))
        elif n % RETRY_SHARE == RETRY_SHARE - 1 and sent:
            first = rng.choice(sent)
            out.append(Request("retry", 1 - first.replica, first.event_id, first.event, n))
        else:
            event = {
                "type": "app_mention",
                "user": f"USOAK{n % 17:04d}",
                "text": f"<@UBOT00001> {QUESTIONS[n % len(QUESTIONS)]}",
                "ts": f"1700100000.{n:06d}",
                "channel": CHANNEL,
            }
            request = Request("event", n % 2, f"EvSOAK{n:05d}", event, n)
            sent.append(request)
            out.append(request)
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary_ms(seconds: list[float]) -> dict[str, float | int]:
    if not seconds:
        return {"count": 0}
    return {
        "count": len(seconds),
        "p50": round(percentile(seconds, 0.50) * 1000, 1),
        "p95": round(percentile(seconds, 0.95) * 1000, 1),
        "max": round(max(seconds) * 1000, 1),
    }


class Balancer:
    """Sends each request to its replica, or to the other one while that one is redeployed."""

    def __init__(self, urls: list[str]):
        self.urls = urls
        self.down: set[int] = set()
        self.rerouted = 0
        self.lock = threading.Lock()

    def send(self, replica: int, body: str, content_type: str, headers: dict[str, str]):
        from tests.slack.conftest import post

        for attempt in range(3):
            target = replica
            with self.lock:
                if target in self.down:
                    target = 1 - target
                    self.rerouted += 1
            try:
                return post(self.urls[target], body, content_type, headers)
            except OSError:
                if attempt == 2:
                    raise
                with self.lock:  # refused while stopping: the balancer marks it down
                    self.down.add(target)
        raise AssertionError("unreachable")


def run(out: Path) -> dict[str, Any]:
    """Start everything on 127.0.0.1, send the requests, wait for answers, return the figures."""
    from bot.slack import messages as slack_messages
    from tests.fakes.slack_api import TEAM_ID, FakeSlackApi
    from tests.postgres import PostgresServer
    from tests.slack.conftest import SIGNING_SECRET, event_envelope, sign
    from tests.slack.replicas import ReplicaSet

    with (
        tempfile.TemporaryDirectory(prefix="batterybot-soak-") as tmp,
        PostgresServer() as postgres,
        FakeSlackApi() as api,
    ):
        replicas = ReplicaSet(
            Path(tmp),
            database_url=postgres.url,
            slack_api_url=api.base_url,
            signing_secret=SIGNING_SECRET,
        )
        started_setup = time.perf_counter()
        try:
            replicas.start(2)
            setup_s = time.perf_counter() - started_setup
            balancer = Balancer([r.url for r in replicas.replicas])
            figures = _drive(replicas, balancer, api, sign, event_envelope, TEAM_ID)
        finally:
            replicas.stop()
        figures["setup_s"] = round(setup_s, 1)
        errors = [
            c.params.get("text")
            for c in api.calls()
            if c.method in ("chat.postMessage", "chat.update")
            and c.params.get("text")
            in (slack_messages.UNEXPECTED_ERROR, slack_messages.BACKEND_UNAVAILABLE)
        ]
        figures["error_replies"] = len(errors)
        figures.update(_count_answers(api, figures.pop("_threads"), slack_messages.SEARCHING))
    return figures


def _drive(replicas, balancer, api, sign, event_envelope, team_id) -> dict[str, Any]:
    requests = plan()
    acks: dict[str, list[float]] = {"events": [], "battery": [], "clicks": []}
    statuses: dict[str, int] = {}
    resets = 0
    lock = threading.Lock()

    def answer_ref() -> str:
        for call in reversed(api.calls("chat.update")):
            for block in call.params.get("blocks", []):
                if block.get("type") == "actions":
                    return block["elements"][0]["value"]
        return "1"

    def send(request: Request) -> None:
        nonlocal resets
        if request.kind in ("event", "retry"):
            body = json.dumps(event_envelope(request.event, event_id=request.event_id))
            headers = sign(body)
            if request.kind == "retry":
                headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            kind, content_type = "events", "application/json"
        else:
            if request.kind == "command":
                fields = {
                    "command": "/battery",
                    "text": QUESTIONS[request.n % len(QUESTIONS)],
                    "user_id": f"USOAK{request.n % 17:04d}",
                    "channel_id": CHANNEL,
                    "team_id": team_id,
                    "response_url": api.response_url("soak"),
                    "trigger_id": f"trigger-soak-{request.n}",
                }
                kind = "battery"
            else:
                payload = {
                    "type": "block_actions",
                    "user": {"id": f"URATE{request.n:04d}"},
                    "team": {"id": team_id},
                    "channel": {"id": CHANNEL},
                    "container": {"type": "message", "channel_id": CHANNEL},
                    "trigger_id": f"trigger-click-{request.n}",
                    "response_url": api.response_url("soak"),
                    "actions": [{"action_id": "feedback_up", "value": answer_ref()}],
                }
                fields = {"payload": json.dumps(payload)}
                kind = "clicks"
            body = urlencode(fields)
            headers, content_type = sign(body), "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            status, _ = balancer.send(request.replica, body, content_type, headers)
        except OSError:
            with lock:
                resets += 1
            return
        elapsed = time.perf_counter() - started
        with lock:
            acks[kind].append(elapsed)
            statuses[str(status)] = statuses.get(str(status), 0) + 1

    first, second = replicas.replicas
    redeploy: dict[str, Any] = {}

    def redeploy_first() -> None:
        with balancer.lock:
            balancer.down.add(0)
        began = time.perf_counter()
        redeploy["exit_code"] = first.terminate(timeout=ANSWER_DEADLINE_S)
        redeploy["drained_s"] = round(time.perf_counter() - began, 1)
        first.start().wait_ready()
        with balancer.lock:
            balancer.down.discard(0)
        redeploy["seconds"] = round(time.perf_counter() - began, 1)

    started = time.perf_counter()
    half = len(requests) // 2
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(send, requests[:half]))
        restarter = threading.Thread(target=redeploy_first)
        restarter.start()
        list(pool.map(send, requests[half:]))
        restarter.join()

    burst = [
        Request(
            "event",
            1,
            f"EvBURST{n:03d}",
            {
                "type": "app_mention",
                "user": f"UBURST{n:03d}",
                "text": f"<@UBOT00001> {QUESTIONS[n % len(QUESTIONS)]}",
                "ts": f"1700200000.{n:06d}",
                "channel": CHANNEL,
            },
        )
        for n in range(BURST)
    ]
    barrier = threading.Barrier(BURST)
    burst_acks: list[float] = []
    burst_resets = 0

    def fire(request: Request) -> None:
        nonlocal burst_resets
        from tests.slack.conftest import post

        body = json.dumps(event_envelope(request.event, event_id=request.event_id))
        headers = sign(body)
        barrier.wait()
        began = time.perf_counter()
        try:
            status, _ = post(second.url, body, "application/json", headers)
        except OSError:
            with lock:
                burst_resets += 1
            return
        with lock:
            burst_acks.append(time.perf_counter() - began)
            statuses[str(status)] = statuses.get(str(status), 0) + 1

    with ThreadPoolExecutor(BURST) as pool:
        list(pool.map(fire, burst))
    sent_s = time.perf_counter() - started

    threads = sorted(
        {r.event["ts"] for r in requests if r.kind == "event"} | {r.event["ts"] for r in burst}
    )
    deadline = time.perf_counter() + ANSWER_DEADLINE_S
    while time.perf_counter() < deadline:
        counts = _count_answers(api, threads, "Searching the corpus…")
        if counts["answered_events"] == len(threads):
            break
        time.sleep(0.2)
    finished = time.perf_counter()
    time.sleep(2.0)  # let any duplicate answer land before counting

    all_acks = [s for values in acks.values() for s in values] + burst_acks
    return {
        "setup": "2 replicas (batterybot slack --http), 1 PostgreSQL 15, 1 chroma run server",
        "index": "seed document + south_korea facts (tests/slack/replicas.py small_corpus)",
        "requests": len(requests),
        "concurrency": CONCURRENCY,
        "mix": {
            k: sum(1 for r in requests if r.kind == k)
            for k in ("event", "retry", "command", "click")
        },
        "ack_status_counts": statuses,
        "connection_resets": resets,
        "ack_ms": {kind: summary_ms(values) for kind, values in acks.items()},
        "acks_p95_within_target": all(
            summary_ms(v).get("p95", 0) <= ACK_TARGET_MS for v in acks.values()
        ),
        "acked_within_3s": all(s < ACK_LIMIT_S for s in all_acks),
        "redeploy": {**redeploy, "requests_rerouted": balancer.rerouted},
        "burst": {
            "simultaneous_mentions": BURST,
            "connection_resets": burst_resets,
            "ack_ms": summary_ms(burst_acks),
        },
        "answers_per_s": round(len(threads) / (finished - started), 2),
        "wall_s": round(finished - started, 2),
        "send_s": round(sent_s, 2),
        "_threads": threads,
    }


def _count_answers(api, threads: list[str], searching: str) -> dict[str, Any]:
    """Replies per event thread: answers replacing placeholders plus notices posted directly."""
    per_thread: dict[str, int] = {}
    placeholder_thread = {}
    for call in api.calls("chat.postMessage"):
        thread = call.params.get("thread_ts")
        if call.params.get("text") == searching:
            placeholder_thread[call.response["ts"]] = thread
        elif thread:
            per_thread[thread] = per_thread.get(thread, 0) + 1
    for call in api.calls("chat.update"):
        thread = placeholder_thread.get(call.params["ts"])
        if thread:
            per_thread[thread] = per_thread.get(thread, 0) + 1
    counts = [per_thread.get(ts, 0) for ts in threads]
    return {
        "unique_events": len(threads),
        "answered_events": sum(1 for n in counts if n >= 1),
        "lost_events": sum(1 for n in counts if n == 0),
        "duplicate_answers": sum(max(0, n - 1) for n in counts),
    }


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
        and figures["acks_p95_within_target"]
        and figures["duplicate_answers"] == 0
        and figures["lost_events"] == 0
        and figures["error_replies"] == 0
        and figures["connection_resets"] == 0
        and figures["burst"]["connection_resets"] == 0
        and set(figures["ack_status_counts"]) == {"200"}
    )
    print("soak: OK" if ok else "soak: FAILED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
