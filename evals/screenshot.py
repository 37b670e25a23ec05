"""Render a report in a headless Chromium-family browser and save a PNG of the whole page.

`python -m evals.screenshot REPORT.html OUT.png [--if-available]`

The browser is one already on the machine: BATTERYBOT_BROWSER, else the first of BROWSERS on
PATH. Nothing is ever installed from here; without a browser the message says what to install
(`make eval-browser` does it, explicitly). The page is captured at its full height through the
DevTools protocol over a pipe (no port, no network), not just the first screenful.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
)
WIDTH = 1400
# The viewport grows to the page height up to this; captureBeyondViewport takes the rest (a
# 108-case report, 37,090 px tall, came out whole).
MAX_HEIGHT = 30000
TIMEOUT_S = 120

NO_BROWSER = (
    "No Chromium-family browser found (looked for BATTERYBOT_BROWSER, then {names} on PATH), "
    "so no screenshot was taken; the report itself is at {page}.\n"
    "To get screenshots, install one, e.g. on Debian/Ubuntu `sudo apt-get install chromium` "
    "(or `make eval-browser`, which runs exactly that), or point BATTERYBOT_BROWSER at an "
    "installed Chrome, Chromium or Edge."
)


class BrowserMissing(RuntimeError):
    """No usable browser on this machine."""


def find_browser(env: dict[str, str] | None = None) -> str:
    """The browser to use: BATTERYBOT_BROWSER if set, else the first of BROWSERS on PATH."""
    env = os.environ if env is None else env
    chosen = env.get("BATTERYBOT_BROWSER", "").strip()
    if chosen:
        found = shutil.which(chosen) or (chosen if Path(chosen).is_file() else None)
        if not found:  # asked for by name: an error even where a screenshot is optional
            raise RuntimeError(
                f"BATTERYBOT_BROWSER={chosen} is not an executable file; fix or unset it."
            )
        return found
    for name in BROWSERS:
        path = shutil.which(name, path=env.get("PATH"))
        if path:
            return path
    raise BrowserMissing("no browser")


def browser_command(binary: str, profile: Path) -> list[str]:
    """A headless browser that touches no network, keeps its profile in a temp dir and is
    driven over the DevTools pipe (fds 3 and 4)."""
    return [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--remote-debugging-pipe",
        f"--user-data-dir={profile}",
        "about:blank",
    ]


class _Pipe:
    """DevTools protocol messages over the browser's pipe: JSON, each ending in a NUL byte."""

    def __init__(self, write_fd: int, read_fd: int, deadline: float) -> None:
        self.write_fd, self.read_fd, self.deadline = write_fd, read_fd, deadline
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> Any:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str) -> None:
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._read())

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            if time.monotonic() > self.deadline:
                raise RuntimeError(f"the browser did not answer within {TIMEOUT_S} s")
            chunk = os.read(self.read_fd, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed its DevTools pipe")
            self.buffer += chunk
        raw, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(raw)


def capture(pipe: _Pipe, url: str) -> bytes:
    """Open the page, size the viewport to the page's full height, return a PNG of it."""
    target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    pipe.send("Page.enable", session=session)
    # A short viewport first, so the height measured below is the page's, not the window's.
    first = {"width": WIDTH, "height": 600, "deviceScaleFactor": 1, "mobile": False}
    pipe.send("Emulation.setDeviceMetricsOverride", first, session)
    pipe.send("Page.navigate", {"url": url}, session)
    pipe.wait_event("Page.loadEventFired")
    size = pipe.send(
        "Runtime.evaluate",
        {"expression": "document.documentElement.scrollHeight", "returnByValue": True},
        session,
    )
    height = min(MAX_HEIGHT, int(size["result"]["value"]))
    metrics = {"width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False}
    pipe.send("Emulation.setDeviceMetricsOverride", metrics, session)
    shot = pipe.send(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session
    )
    return base64.b64decode(shot["data"])


def screenshot(page: Path, out: Path, browser: str | None = None) -> Path:
    """Save a PNG of the whole page; raise BrowserMissing or RuntimeError when none was made."""
    binary = browser or find_browser()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    with tempfile.TemporaryDirectory(prefix="browser-profile-") as profile:

        def wire_fds() -> None:  # the browser reads commands on fd 3 and writes replies on fd 4
            commands = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)  # above 3 and 4 first,
            replies = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)  # so neither overwrites
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        process = subprocess.Popen(
            browser_command(binary, Path(profile)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            close_fds=False,  # fds 3 and 4 must survive; Python opens every other fd non-inheritable
            preexec_fn=wire_fds,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        try:
            pipe = _Pipe(to_browser_w, from_browser_r, time.monotonic() + TIMEOUT_S)
            out.write_bytes(capture(pipe, page.resolve().as_uri()))
            pipe.send("Browser.close")
        except (RuntimeError, OSError, KeyError, ValueError) as exc:
            process.kill()
            stderr = process.communicate(timeout=10)[1].decode(errors="replace")
            raise RuntimeError(f"{exc}; browser said: {stderr[-500:]}") from exc
        finally:
            os.close(to_browser_w)
            os.close(from_browser_r)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if not out.is_file() or out.stat().st_size == 0:
        raise RuntimeError("the browser wrote no screenshot")
    return out


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--if-available"]
    optional = len(args) != len(argv)
    if len(args) != 2:
        print(
            "usage: python -m evals.screenshot REPORT.html OUT.png [--if-available]",
            file=sys.stderr,
        )
        return 2
    page, out = Path(args[0]), Path(args[1])
    if not page.is_file():
        print(f"No report at {page}; run `batterybot eval run` first.", file=sys.stderr)
        return 1
    try:
        print(f"Saved {screenshot(page, out)}")
    except BrowserMissing:
        print(NO_BROWSER.format(names=", ".join(BROWSERS), page=page), file=sys.stderr)
        return 0 if optional else 1
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        print(f"Could not take the screenshot: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
