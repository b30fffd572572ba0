"""`partner-coach manifest` says so when the Request URL is only a placeholder."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.manifest import PLACEHOLDER_URL


def manifest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "manifest", *args], capture_output=True, text=True,
                          timeout=60)


def test_without_url_it_warns_on_stderr_and_still_prints_the_manifest():
    result = manifest()
    assert result.returncode == 0
    assert "placeholder" in result.stderr and "--url" in result.stderr
    assert json.loads(result.stdout)["settings"]["event_subscriptions"]["request_url"] == PLACEHOLDER_URL


def test_with_url_or_socket_mode_it_is_silent():
    for args in (("--url", "https://coach.example.org/slack/events"), ("--socket-mode",)):
        result = manifest(*args)
        assert result.returncode == 0 and result.stderr == ""
        assert PLACEHOLDER_URL not in result.stdout
