"""`partner-coach demo --html`: the conversation as a Slack-like page, checked in a real browser."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from bot.demo_page import BOT, EPHEMERAL, Turn, render_page, script_hash
from bot.demo_page.browser import MOMENTS_WIDTH, console_messages, find_browser, run_headless
from bot.demo_page.mrkdwn import mrkdwn, rich_text

ROOT = Path(__file__).resolve().parents[2]
NAMES = {"U0LEO": "leo", "C0DEAL": "deal-acme"}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def require_browser() -> None:
    if find_browser() is not None:
        return
    if os.environ.get("PARTNER_COACH_REQUIRE_BROWSER") == "1":
        pytest.fail("PARTNER_COACH_REQUIRE_BROWSER=1 but no Chromium is installed (apt-get install chromium)")
    pytest.skip("Chromium is not installed (apt-get install chromium); "
                "PARTNER_COACH_REQUIRE_BROWSER=1 makes this a failure")


def run_demo_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "demo", "--no-color", *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[Path, str]:
    """The demo's page and its terminal transcript, from one run of the real command."""
    page = tmp_path_factory.mktemp("demo") / "demo.html"
    result = run_demo_cli("--html", str(page))
    assert result.returncode == 0, result.stdout + result.stderr
    return page, result.stdout


@pytest.fixture(scope="module")
def demo_page(demo_run) -> Path:
    return demo_run[0]


# --------------------------------------------------------------------------- Slack text as HTML


def test_mrkdwn_styles_mentions_and_emoji():
    html = str(mrkdwn("*Acme* is _now_ ~old~ `a_b` :white_check_mark: <@U0LEO> in <#C0DEAL|x>", NAMES))
    assert "<strong>Acme</strong>" in html and "<em>now</em>" in html and "<s>old</s>" in html
    assert "<code>a_b</code>" in html and "✅" in html
    assert '<span class="mention user">@leo</span>' in html
    assert '<span class="mention channel">#deal-acme</span>' in html


def test_mrkdwn_escapes_html_and_shows_slack_escaped_text_literally():
    html = str(mrkdwn("<script>alert(1)</script> &lt;!channel&gt; &amp; <b onclick=x>", NAMES))
    assert "<script" not in html and "onclick=x>" not in html
    assert "&lt;!channel&gt;" in html  # what the bot escaped for Slack shows as typed
    assert "&amp;" in html


def test_a_line_starting_with_gt_is_a_quote_but_a_gt_inside_is_text():
    html = str(mrkdwn("offer:\n&gt;send the report\na &gt; b", NAMES))
    assert '<span class="quote">send the report</span>' in html
    assert "a &gt; b" in html


def test_only_web_links_become_links():
    html = str(mrkdwn("<https://example.com/a?b=1&amp;c=2|docs> <javascript:alert(1)|click>", NAMES))
    assert '<a href="https://example.com/a?b=1&amp;c=2"' in html
    assert "javascript:" not in html and "click" in html


def test_rich_text_lists_and_styles():
    block = {"type": "rich_text", "elements": [
        {"type": "rich_text_section",
         "elements": [{"type": "text", "text": "Open", "style": {"bold": True}}]},
        {"type": "rich_text_list", "style": "bullet", "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "<pilot>"}]},
            {"type": "rich_text_section", "elements": [{"type": "user", "user_id": "U0LEO"}]},
        ]},
    ]}
    html = str(rich_text(block, NAMES))
    assert "<strong>Open</strong>" in html
    assert ('<ul class="rt-list indent-0"><li>&lt;pilot&gt;</li>'
            '<li><span class="mention user">@leo</span></li></ul>') in html


def test_unknown_blocks_and_elements_are_named_not_dropped():
    blocks = [{"type": "video"}, {"type": "actions", "elements": [{"type": "x_y"}]}]
    turn = Turn(BOT, payload={"blocks": blocks}, surface=EPHEMERAL)
    html = render_page([turn], NAMES)
    assert "[video block]" in html and "[x_y]" in html and "Only visible to you" in html


# --------------------------------------------------------------------------- the demo's page


def test_demo_html_renders_what_the_bot_sent(demo_page):
    html = demo_page.read_text()
    for moment in ("stage-prompt", "ledger-list", "check-in", "weekly-digest"):
        assert f'id="moment-{moment}"' in html
    assert html.count('class="button primary"') >= 2  # Block Kit buttons
    assert 'class="block context"' in html and 'class="block header"' in html
    assert 'class="modal"' in html and "Meeting debrief" in html  # the debrief form
    assert "Only visible to you" in html and "in a direct message" in html
    # The injection attempt arrives escaped and stays text: no link, no @channel chip.
    assert "&lt;!channel&gt; free lunch &lt;http://evil.example|totally safe link&gt;" in html
    assert 'href="http://evil.example"' not in html and 'class="mention broadcast"' not in html
    assert "<script" not in html


def test_the_page_shows_every_answer_the_transcript_shows(demo_run):
    page, transcript = demo_run
    said = sum(1 for line in transcript.splitlines()
               if line.startswith("Partner Coach") and not line.startswith("Partner Coach demo:"))
    assert said > 20
    assert page.read_text().count('<span class="name">Partner Coach</span>') == said


def test_demo_page_loads_in_chromium_without_console_errors(demo_page, tmp_path):
    require_browser()
    png = tmp_path / "page.png"
    run = run_headless(demo_page, f"--screenshot={png}", window=(1280, 2000))
    assert run.console == []
    assert png_size(png) == (1280, 2000)


def test_the_console_check_sees_errors(tmp_path):
    """The check above could pass vacuously if the log format changed: prove it sees an error."""
    require_browser()
    script = 'console.error("partner-coach-marker")'
    page = tmp_path / "broken.html"
    page.write_text(f'<!doctype html><meta http-equiv="Content-Security-Policy" '
                    f'content="default-src \'none\'; script-src {script_hash(script)}">'
                    f'<script>{script}</script><img src="missing.png">')
    run = run_headless(page)
    assert any("partner-coach-marker" in message for message in run.console)
    assert any("missing.png" in message for message in run.console)  # blocked by the CSP


def test_console_lines_are_read_from_chromium_log():
    log = ('[1:1:1127/1.2:WARNING:ui/idle.cc:111] noise\n'
           '[1:1:1127/1.2:INFO:CONSOLE:3] "Uncaught TypeError: x", source: file:///p.html (3)\n')
    assert console_messages(log) == ['"Uncaught TypeError: x", source: file:///p.html (3)']


def test_screenshot_command_writes_the_key_moments(tmp_path):
    require_browser()
    png = tmp_path / "moments.png"
    result = run_demo_cli("--screenshot", str(png))
    assert result.returncode == 0, result.stdout + result.stderr
    width, height = png_size(png)
    assert width == MOMENTS_WIDTH and height > 600


def test_the_committed_picture_is_a_real_screenshot():
    """docs/images/demo.png is made by `partner-coach demo --screenshot docs/images/demo.png`."""
    width, height = png_size(ROOT / "docs" / "images" / "demo.png")
    assert width == MOMENTS_WIDTH and height > 600
