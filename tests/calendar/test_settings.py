"""The calendar's two settings, read through Settings.from_env like every other variable."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings

BASE = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "0123456789abcdef0123"}


def test_defaults_poll_every_five_minutes_and_refuse_private_hosts():
    settings = Settings.from_env(BASE)
    assert settings.calendar_poll_seconds == 300 and settings.calendar_allow_private is False


def test_both_can_be_set():
    settings = Settings.from_env({**BASE, "PARTNER_COACH_CALENDAR_POLL_SECONDS": "120",
                                  "PARTNER_COACH_CALENDAR_ALLOW_PRIVATE": "1"})
    assert settings.calendar_poll_seconds == 120 and settings.calendar_allow_private is True


@pytest.mark.parametrize(("name", "value"), [
    ("PARTNER_COACH_CALENDAR_POLL_SECONDS", "5"),
    ("PARTNER_COACH_CALENDAR_POLL_SECONDS", "often"),
    ("PARTNER_COACH_CALENDAR_POLL_SECONDS", "999999"),
    ("PARTNER_COACH_CALENDAR_ALLOW_PRIVATE", "maybe"),
])
def test_malformed_values_name_the_variable(name, value):
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({**BASE, name: value})
    assert name in str(raised.value)


def test_the_zoom_secret_is_a_secret_and_only_for_one_workspace():
    settings = Settings.from_env({**BASE, "ZOOM_WEBHOOK_SECRET_TOKEN": "zoom-secret-123"})
    assert "zoom-secret-123" in settings.secrets() and "zoom-secret-123" not in repr(settings)
    oauth = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "abc",
             "SLACK_SIGNING_SECRET": BASE["SLACK_SIGNING_SECRET"],
             "DATABASE_URL": "postgresql://u:p@h/db", "ZOOM_WEBHOOK_SECRET_TOKEN": "zoom-secret-123"}
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(oauth)
    assert "ZOOM_WEBHOOK_SECRET_TOKEN" in str(raised.value) and "zoom-secret-123" not in str(raised.value)
