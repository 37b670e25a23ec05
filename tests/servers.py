"""Real servers on 127.0.0.1 for tests and benchmarks: a free port, a clean stop, `chroma run`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

SERVER_START_TIMEOUT_S = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server process, killing it if it does not stop within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ChromaServer:
    """A real `chroma run --path DATA` on 127.0.0.1; can be stopped and started on the same port."""

    def __init__(self, data: Path, log: Path | None = None, port: int | None = None) -> None:
        self.data = data
        self.log = log
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> ChromaServer:
        """Start the server and wait for its heartbeat; a server that never answers is an error."""
        import chromadb

        chroma = Path(sys.executable).with_name("chroma")
        command = [str(chroma), "run", "--path", str(self.data)]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
            )
        finally:
            if self.log:
                out.close()
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=self.port).heartbeat()
                return self
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    tail = self.log.read_text(errors="replace")[-2000:] if self.log else ""
                    raise RuntimeError(f"chroma server did not start: {tail}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server if it runs."""
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
