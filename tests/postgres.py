"""A real PostgreSQL 15 on 127.0.0.1 in a temp dir, for tests and benchmarks; stopped after.

The server binaries come from Debian's postgresql-15 package; when they are missing they are
installed with apt-get (the machine's user is root), so a fresh machine runs the same tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.servers import free_port

BIN = Path("/usr/lib/postgresql/15/bin")
START_TIMEOUT_S = 60


def ensure_installed() -> Path:
    """The directory of PostgreSQL 15's binaries, installing the Debian package if needed."""
    if not (BIN / "initdb").exists():
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "postgresql-15"],
            check=True,
            env=env,
            capture_output=True,
        )
    return BIN


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    # initdb and postgres refuse to run as root; a root machine runs them as `postgres`.
    return ["runuser", "-u", owner, "--", *command] if owner else command


class PostgresServer:
    """`postgres -D DIR` on 127.0.0.1 and a free port, with one database `batterybot`."""

    def __init__(self) -> None:
        # Its own directory under /tmp: the server's user (not root) must be able to reach it,
        # which a test's tmp_path (private to root) does not allow.
        self.root = Path(tempfile.mkdtemp(prefix="batterybot-pg-"))
        self.data = self.root / "pgdata"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.owner = "postgres" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql://batterybot:test-password@127.0.0.1:{self.port}/batterybot"

    def start(self) -> PostgresServer:
        """initdb, start, create the role and database; an error says what the server logged."""
        bin_dir = ensure_installed()
        if self.owner:
            shutil.chown(self.root, self.owner)
            os.chmod(self.root, 0o700)
        subprocess.run(
            _as_owner(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ],
                self.owner,
            ),
            check=True,
            capture_output=True,
        )
        log = self.root / "postgres.log"
        command = [
            str(bin_dir / "postgres"),
            "-D",
            str(self.data),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-k",
            str(self.root),
            "-c",
            "fsync=off",
            "-c",
            "max_connections=200",
            "-c",
            "synchronous_commit=off",
        ]
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                _as_owner(command, self.owner), stdout=out, stderr=subprocess.STDOUT
            )
        self._wait_ready(bin_dir, log)
        self._psql("CREATE ROLE batterybot LOGIN PASSWORD 'test-password'")
        self._psql("CREATE DATABASE batterybot OWNER batterybot")
        return self

    def create_database(self, name: str) -> str:
        """A new empty database owned by the test role; returns its URL."""
        self._psql(f"CREATE DATABASE {name} OWNER batterybot")
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def _wait_ready(self, bin_dir: Path, log: Path) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            ready = subprocess.run(
                [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
            )
            if ready.returncode == 0:
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"postgres did not start: {log.read_text(errors='replace')[-2000:]}"
                )
            time.sleep(0.1)

    def _psql(self, sql: str) -> None:
        import psycopg

        admin = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql)

    def stop(self) -> None:
        """Stop the server (fast shutdown) if it runs."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
