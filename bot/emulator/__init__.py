"""Local stand-ins for Slack: a Web API emulator and a signed-request driver.

``SlackEmulator`` plays the Web API the bot calls; ``SlackDriver`` plays Slack calling the
bot's Request URL.  Together they let the ``demo`` command and the end-to-end tests run the
real bot with no network access and no Slack workspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.emulator.slack_api import Call, SlackEmulator

if TYPE_CHECKING:
    from bot.emulator.driver import SlackDriver, state_value

__all__ = ["Call", "SlackDriver", "SlackEmulator", "state_value"]


def __getattr__(name: str) -> Any:
    # The driver needs `requests`, which is only a test extra; importing it lazily keeps
    # `from bot.emulator import SlackEmulator` working in a runtime-only install.
    if name in ("SlackDriver", "state_value"):
        from bot.emulator import driver

        return getattr(driver, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
