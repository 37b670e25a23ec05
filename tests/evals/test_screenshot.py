"""The report screenshot: a browser already installed, the whole page, and never an install."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from evals import screenshot

FAKE = Path(__file__).with_name("fake_browser.py")


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding only an apt-get (and sudo) that record being called."""
    directory = tmp_path / "bin"
    directory.mkdir()
    for tool in ("apt-get", "sudo"):
        script = directory / tool
        script.write_text(f'#!/bin/sh\necho {tool} "$@" >> {tmp_path / "installs.log"}\n')
        script.chmod(0o755)
    monkeypatch.setenv("PATH", str(directory))
    monkeypatch.delenv("BATTERYBOT_BROWSER", raising=False)
    return directory


def _install_fake_browser(directory: Path, name: str = "chromium") -> Path:
    launcher = directory / name
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" "$@"\n')
    launcher.chmod(0o755)
    return launcher


def _page(tmp_path: Path) -> Path:
    page = tmp_path / "report.html"
    page.write_text("<!doctype html><title>r</title><p>report</p>")
    return page


def test_without_a_browser_it_says_what_to_install_and_installs_nothing(bin_dir, tmp_path, capsys):
    page, out = _page(tmp_path), tmp_path / "shot.png"
    assert screenshot.main([str(page), str(out), "--if-available"]) == 0
    message = capsys.readouterr().err
    assert "No Chromium-family browser found" in message
    assert "sudo apt-get install chromium" in message and "make eval-browser" in message
    assert f"the report itself is at {page}" in message
    assert screenshot.main([str(page), str(out)]) == 1  # asked for explicitly: an error
    assert not (tmp_path / "installs.log").exists()
    assert not out.exists()


def test_a_browser_named_by_the_setting_must_exist(bin_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BATTERYBOT_BROWSER", str(tmp_path / "nowhere" / "chrome"))
    page = str(_page(tmp_path))
    assert screenshot.main([page, str(tmp_path / "s.png"), "--if-available"]) == 1
    assert "BATTERYBOT_BROWSER=" in capsys.readouterr().err
    _install_fake_browser(bin_dir, "my-chrome")
    monkeypatch.setenv("BATTERYBOT_BROWSER", "my-chrome")  # a name on PATH is enough
    assert screenshot.find_browser() == str(bin_dir / "my-chrome")


def test_the_whole_page_is_captured_through_the_devtools_pipe(bin_dir, tmp_path, monkeypatch):
    log = tmp_path / "browser.log"
    monkeypatch.setenv("FAKE_BROWSER_LOG", str(log))
    monkeypatch.setenv("FAKE_BROWSER_HEIGHT", "4321")
    _install_fake_browser(bin_dir, "google-chrome")
    assert screenshot.find_browser() == str(bin_dir / "google-chrome")
    out = tmp_path / "shots" / "report.png"
    assert screenshot.main([str(_page(tmp_path)), str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    methods = [c["method"] for c in calls]
    assert methods.index("Page.navigate") < methods.index("Runtime.evaluate")
    sized = [c["params"] for c in calls if c["method"] == "Emulation.setDeviceMetricsOverride"]
    assert sized[-1]["height"] == 4321 and sized[-1]["width"] == screenshot.WIDTH
    (shot,) = [c["params"] for c in calls if c["method"] == "Page.captureScreenshot"]
    assert shot["captureBeyondViewport"] is True
    argv = calls[0]["argv"]
    assert "--headless" in argv and any(a.startswith("--user-data-dir=") for a in argv)
    assert not (tmp_path / "installs.log").exists()
    assert os.listdir(bin_dir)  # nothing was removed from PATH either


def test_the_make_target_never_installs(tmp_path):
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    target = makefile.split("\neval:", 1)[1].split("\n\n", 1)[0]
    assert "apt-get" not in target and "--if-available" in target
    assert "eval-browser:" in makefile  # installing is its own, explicit target
