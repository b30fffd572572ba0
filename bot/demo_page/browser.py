"""A real headless Chromium for the demo page: load it, collect console messages, screenshot.

Debian's ``chromium`` package is enough (no Playwright, no driver). Each run gets a fresh
profile in a temporary directory and no network features, so it behaves the same on a
laptop and in CI. Console messages are read from Chromium's own log
(``--enable-logging=stderr``), where each appears as a ``CONSOLE`` line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.demo_page import Turn, render_page

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
)  # fmt: skip
_CONSOLE = re.compile(r":CONSOLE[:(][^\]]*\]\s*(.*)")
_HEIGHT = re.compile(r'data-height="(\d+)"')
# Measures the laid-out page, so the screenshot's window fits it exactly.
MEASURE = "document.documentElement.dataset.height = Math.ceil(document.body.scrollHeight);"
MOMENTS_WIDTH = 1436  # the key-moments grid is 1400 px plus its padding
TIMEOUT = 90


class BrowserError(RuntimeError):
    """No usable browser, or it failed."""


@dataclass
class BrowserRun:
    """What one headless load reported."""

    console: list[str]  # console messages (errors, CSP violations, failed loads)
    stdout: str
    stderr: str


def find_browser() -> str | None:
    """The Chromium to use: $PARTNER_COACH_CHROMIUM, else the first on PATH."""
    configured = os.environ.get("PARTNER_COACH_CHROMIUM")
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    return None


def console_messages(log: str) -> list[str]:
    """The console lines in Chromium's stderr log."""
    return [m.group(1).strip() for m in map(_CONSOLE.search, log.splitlines()) if m]


def run_headless(page: Path, *args: str, window: tuple[int, int] = (1280, 900)) -> BrowserRun:
    """Load ``page`` once in a fresh headless Chromium with extra ``args``
    (``--screenshot=…``; by default ``--dump-dom``: headless Chromium needs a task to exit)."""
    if not any(a.startswith(("--screenshot", "--dump-dom", "--print-to-pdf")) for a in args):
        args = (*args, "--dump-dom")
    browser = find_browser()
    if browser is None:
        raise BrowserError("no Chromium found (apt-get install chromium, or set PARTNER_COACH_CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="partner-coach-chromium-") as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}", f"--window-size={window[0]},{window[1]}",
                   *args, page.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"{browser} did not finish within {TIMEOUT} s") from exc
    if done.returncode != 0:
        raise BrowserError(f"{browser} exited with {done.returncode}: {done.stderr.strip()[-500:]}")
    return BrowserRun(console_messages(done.stderr), done.stdout, done.stderr)


def page_height(page: Path, width: int) -> int:
    """The laid-out height of a page that carries the :data:`MEASURE` script."""
    run = run_headless(page, "--dump-dom", window=(width, 800))
    found = _HEIGHT.search(run.stdout)
    if not found:
        raise BrowserError("the page did not report its height")
    return int(found.group(1))


def screenshot(page: Path, png: Path, width: int, height: int) -> BrowserRun:
    """A PNG of ``page`` at ``width`` × ``height``; the run's console messages."""
    png.parent.mkdir(parents=True, exist_ok=True)
    run = run_headless(page, f"--screenshot={png.resolve()}", window=(width, height))
    if not png.is_file() or png.stat().st_size == 0:
        raise BrowserError(f"no screenshot was written to {png}")
    return run


def screenshot_moments(turns: list[Turn], names: dict[str, str], png: Path) -> BrowserRun:
    """The README's picture: the key moments side by side, cropped to their height."""
    with tempfile.TemporaryDirectory(prefix="partner-coach-page-") as tmp:
        page = Path(tmp) / "moments.html"
        page.write_text(render_page(turns, names, only_moments=True, measure_script=MEASURE), "utf-8")
        height = page_height(page, MOMENTS_WIDTH)
        run = screenshot(page, png, MOMENTS_WIDTH, height)
    if run.console:
        raise BrowserError("the page logged to the console: " + " | ".join(run.console))
    return run
