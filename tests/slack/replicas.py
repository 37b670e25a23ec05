"""Several real `batterybot slack --http` processes sharing one PostgreSQL and one Chroma server,
for the replica tests and the soak. Everything on 127.0.0.1; every process is stopped."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import REPO_ROOT
from tests.fakes.slack_api import BOT_TOKEN
from tests.servers import ChromaServer, free_port, stop_process

COLLECTION = "replicas"
START_TIMEOUT_S = 180


def small_corpus(root: Path) -> Path:
    """The seed document and one fact table: real text, a short build."""
    corpus = root / "corpus"
    shutil.copytree(REPO_ROOT / "corpus" / "documents", corpus / "documents")
    (corpus / "facts").mkdir()
    shutil.copy(REPO_ROOT / "corpus" / "facts" / "south_korea.yaml", corpus / "facts")
    shutil.copy(REPO_ROOT / "corpus" / "entities.yaml", corpus / "entities.yaml")
    return corpus


def _cli() -> str:
    return str(Path(sys.executable).with_name("batterybot"))


@dataclass
class Replica:
    """One bot process serving the Events API on its own port."""

    name: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def start(self) -> Replica:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [_cli(), "slack", "--http", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        health = f"http://127.0.0.1:{self.port}/healthz"
        while True:
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-3000:]
                self.stop()
                raise RuntimeError(f"replica {self.name} did not start:\n{tail}")
            time.sleep(0.25)

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM (a redeploy): the process finishes what it accepted, then exits."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self.process = None
        return code

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None


@dataclass
class ReplicaSet:
    """A Chroma server holding a small index, and bot processes sharing it and PostgreSQL."""

    root: Path
    database_url: str
    slack_api_url: str
    signing_secret: str
    rate_limit_per_minute: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)
    chroma: ChromaServer | None = None
    replicas: list[Replica] = field(default_factory=list)

    def env(self, name: str) -> dict[str, str]:
        assert self.chroma is not None
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("BATTERYBOT_", "SLACK_"))},
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
            "TOKENIZERS_PARALLELISM": "false",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "BATTERYBOT_SLACK_API_URL": self.slack_api_url,
            "BATTERYBOT_DATABASE_URL": self.database_url,
            "BATTERYBOT_CHROMA_HOST": "127.0.0.1",
            "BATTERYBOT_CHROMA_PORT": str(self.chroma.port),
            "BATTERYBOT_COLLECTION": COLLECTION,
            "BATTERYBOT_CORPUS_DIR": str(self.root / "corpus"),
            "BATTERYBOT_DATA_DIR": str(self.root / f"data-{name}"),
            "BATTERYBOT_SLACK_RATE_LIMIT_PER_MINUTE": str(self.rate_limit_per_minute),
            **self.extra_env,
        }

    def start(self, count: int = 2) -> ReplicaSet:
        """Start Chroma, build the index into it, then `count` bot processes (in parallel)."""
        small_corpus(self.root)
        self.chroma = ChromaServer(self.root / "chroma", log=self.root / "chroma.log").start()
        build = subprocess.run(
            [_cli(), "index", "build"],
            env=self.env("build"),
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
        )
        if build.returncode != 0:
            raise RuntimeError(f"index build failed: {build.stdout}\n{build.stderr}")
        for n in range(count):
            name = chr(ord("a") + n)
            replica = Replica(name, free_port(), self.env(name), self.root / f"replica-{name}.log")
            self.replicas.append(replica.start())
        for replica in self.replicas:
            replica.wait_ready()
        return self

    def restart(self, replica: Replica) -> int:
        """Redeploy one replica: SIGTERM, wait for it to drain, start it again."""
        code = replica.terminate()
        replica.start().wait_ready()
        return code

    def stop(self) -> None:
        for replica in self.replicas:
            replica.stop()
        if self.chroma is not None:
            self.chroma.stop()
