"""Render a report in headless Chromium and save a PNG: `python -m evals.screenshot REPORT.html OUT.png`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
WINDOW = "1400,2000"
TIMEOUT_S = 120


def ensure_chromium() -> str:
    """The Chromium binary, installed from Debian with apt-get when missing."""
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    if shutil.which("apt-get") is None:
        raise RuntimeError(
            "Chromium is not installed and apt-get is unavailable; install chromium."
        )
    env_args = ["env", "DEBIAN_FRONTEND=noninteractive"]
    subprocess.run([*env_args, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*env_args, "apt-get", "install", "-y", "-qq", "chromium"], check=True)
    return CHROMIUM


def chromium_command(binary: str, page: Path, out: Path, profile: Path) -> list[str]:
    """A headless Chromium call that touches no network and keeps its profile in a temp dir."""
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
        f"--user-data-dir={profile}",
        f"--screenshot={out}",
        f"--window-size={WINDOW}",
        page.resolve().as_uri(),
    ]


def screenshot(page: Path, out: Path) -> Path:
    """Save a PNG of the page; raise RuntimeError when Chromium produced none."""
    binary = ensure_chromium()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        done = subprocess.run(
            chromium_command(binary, page, out, Path(profile)),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
    if not out.is_file() or out.stat().st_size == 0:
        raise RuntimeError(
            f"Chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-500:]}"
        )
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m evals.screenshot REPORT.html OUT.png", file=sys.stderr)
        return 2
    page, out = Path(argv[0]), Path(argv[1])
    if not page.is_file():
        print(f"No report at {page}; run `batterybot eval run` first.", file=sys.stderr)
        return 1
    try:
        print(f"Saved {screenshot(page, out)}")
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        print(f"Could not take the screenshot: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
