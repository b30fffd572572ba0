"""`partner-coach demo`: a deal story played through the real bot and a local Slack.

Everything is real except Slack itself: the bot runs its production WSGI app on
a local port, every request is signed like Slack signs it, and every Web API
call lands in the emulator, from which the transcript is printed.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import FakeClock
from bot.demo_page import (
    ACTION,
    APP,
    BOT,
    DM,
    EPHEMERAL,
    HOME,
    MODAL,
    NARRATION,
    PERSON,
    Turn,
    render_page,
)
from bot.demo_page import (
    CHANNEL as IN_CHANNEL,
)
from bot.emulator import SlackEmulator, state_value
from bot.emulator.local_bot import LocalBot
from bot.emulator.transcript import format_turn

CHANNEL = "C0ACMEDEAL"
PEOPLE = {"U0MAYA": "maya", "U0LEO": "leo", "UBOT": "Partner Coach", CHANNEL: "deal-acme"}


class Story:
    """Drives the bot and prints who said what."""

    def __init__(self, bot: LocalBot, emulator: SlackEmulator, clock: FakeClock, out: Callable[[str], None],
                 color: bool) -> None:
        self.bot, self.emu, self.clock, self.out, self.color = bot, emulator, clock, out, color
        self._seen = 0
        self.turns: list[Turn] = []  # the same conversation, for the web page (bot.demo_page)
        self._moments: list[tuple[str, Callable[[Turn], bool]]] = []

    def moment(self, name: str, which: Callable[[Turn], bool]) -> None:
        """Mark the next bot turn for which ``which`` is true as the key moment ``name``."""
        self._moments.append((name, which))

    def _record(self, turn: Turn) -> None:
        turn.at = self.clock.now()
        if turn.kind == BOT:
            for i, (name, which) in enumerate(self._moments):
                if which(turn):
                    turn.moment = name
                    del self._moments[i]
                    break
        self.turns.append(turn)

    def _style(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def narrate(self, text: str) -> None:
        self.out("")
        self.out(self._style(f"── {text}", "1;36"))
        self._record(Turn(NARRATION, text=text))

    def _bot_said(self) -> None:
        """Print every post/ephemeral/view the bot made since the last turn."""
        calls = self.emu.calls[self._seen:]
        self._seen += len(calls)
        for call in calls:
            if call.status != 200:
                continue
            if call.method == "chat.postMessage":
                direct = str(call.args.get("channel", "")).startswith(("U", "D"))
                where = "(DM)" if direct else "(in #deal-acme)"
                self.out(format_turn(self._style(f"Partner Coach {where}", "1;32"), call.args, PEOPLE))
                self._record(Turn(BOT, payload=call.args, surface=DM if direct else IN_CHANNEL))
            elif call.method == "chat.postEphemeral":
                self.out(format_turn(self._style("Partner Coach (only you can see this)", "32"), call.args,
                                     PEOPLE))
                self._record(Turn(BOT, payload=call.args, surface=EPHEMERAL))
            elif call.method in ("views.open", "views.publish"):
                view = call.args.get("view") or {}
                label = "opens a form" if call.method == "views.open" else "updates the Home tab"
                self.out(format_turn(self._style(f"Partner Coach {label}", "32"), view, PEOPLE))
                self._record(Turn(BOT, payload=view, surface=MODAL if call.method == "views.open" else HOME))
            elif call.method == "response_url":
                self.out(format_turn(self._style("Partner Coach (only you can see this)", "32"), call.args,
                                     PEOPLE))
                self._record(Turn(BOT, payload=call.args, surface=EPHEMERAL))

    def wait_quiet(self, settle: float = 0.15) -> None:
        """Let the listener's after-ack work land in the emulator: every listener finished
        (a busy machine may take longer than any pause), and then no new call for ``settle``
        seconds (the bot's own posts come back to it as events, which start listeners)."""
        import time

        last, stable_since = -1, time.monotonic()
        while time.monotonic() - stable_since < settle:
            self.bot.wait_idle()
            count = len(self.emu.calls)
            if count != last:
                last, stable_since = count, time.monotonic()
            time.sleep(0.02)

    def command(self, user: str, text: str) -> dict[str, Any]:
        self.out(self._style(f"{PEOPLE[user]}: ", "1;33") + f"/partner {text}")
        self._record(Turn(PERSON, who=PEOPLE[user], text=f"/partner {text}"))
        response = self.bot.driver.command(text, user=user, channel=CHANNEL)
        body = json.loads(response.text) if response.text else {}
        if body:
            self.out(format_turn(self._style("Partner Coach (only you can see this)", "32"), body, PEOPLE))
            self._record(Turn(BOT, payload=body, surface=EPHEMERAL))
        self.wait_quiet()
        self._bot_said()
        return body

    def invite(self, user: str) -> None:
        """``/invite @Partner Coach``: Slack tells the bot it joined (member_joined_channel)."""
        self.out(self._style(f"{PEOPLE[user]}: ", "1;33") + "/invite @Partner Coach")
        self._record(Turn(PERSON, who=PEOPLE[user], text="/invite @Partner Coach"))
        self.bot.driver.event({"type": "member_joined_channel", "user": self.emu.bot_user_id,
                               "channel": CHANNEL, "channel_type": "C", "inviter": user})
        self.wait_quiet()
        self._bot_said()

    def say(self, user: str, text: str, **fields: Any) -> None:
        name = PEOPLE.get(user, user)
        self.out(self._style(f"{name}: ", "1;33") + text)
        self._record(Turn(PERSON, who=name, text=text))
        self.bot.driver.message(text, user=user, channel=CHANNEL, **fields)
        self.wait_quiet()
        self._bot_said()

    def click(self, user: str, action_id: str, value: str, label: str) -> None:
        self.out(self._style(f"{PEOPLE[user]} clicks ", "1;33") + f"[{label}]")
        self._record(Turn(ACTION, who=PEOPLE[user], text=f"clicks “{label}”"))
        self.bot.driver.action(action_id, value, user=user, channel=CHANNEL)
        self.wait_quiet()
        self._bot_said()

    def partner_confirms(self, reply: dict[str, Any], number: int) -> None:
        """The partner opens the link `/partner share` answered with and presses Confirm (no login)."""
        import re

        import requests

        link = re.search(r"http://\S+/plans/[A-Za-z0-9_-]{43}", json.dumps(reply)).group(0)  # type: ignore[union-attr]
        page = requests.get(link, timeout=10).text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
        who = self._style("Dana (Acme, in her browser) ", "1;33")
        self.out(who + f"[Confirm #{number}] on the shared plan")
        self._record(Turn(ACTION, who="Dana (Acme)", text=f"confirms #{number} on the shared plan page"))
        requests.post(f"{link}/confirm/{number}", data={"csrf": csrf}, allow_redirects=False, timeout=10)
        self.wait_quiet()
        self._bot_said()

    def crm_post(self, text: str) -> None:
        """A CRM's Slack app posting into the channel (a bot message, not a person)."""
        self.out(self._style("HubSpot (app): ", "1;35") + text)
        self._record(Turn(APP, who="HubSpot", text=text))
        self.bot.driver.event({"type": "message", "bot_id": "B0HUBSPOT", "channel": CHANNEL,
                               "ts": self.emu.next_ts(), "text": text})
        self.wait_quiet()
        self._bot_said()

    def submit(self, user: str, callback_id: str, values: dict[str, Any], label: str) -> None:
        self.out(self._style(f"{PEOPLE[user]} fills in the form: ", "1;33") + label)
        self._record(Turn(ACTION, who=PEOPLE[user], text=f"fills in the form and submits it: {label}"))
        self.bot.driver.view_submission(callback_id, values, user=user)
        self.wait_quiet()
        self._bot_said()

    def calendar_meeting(self, user: str) -> None:
        """The person connects their calendar; a meeting with Acme ends; the prompt comes unasked."""
        from bot.emulator.calendar_feed import CalendarFeedServer, meeting_feed

        starts = self.clock.now() + timedelta(minutes=15)
        feed = CalendarFeedServer(meeting_feed("maya@ourco.example", "Pilot check-in", starts, 30,
                                               ["maya@ourco.example", "dana@acme.example"]))
        try:
            self.narrate("Maya connects her Google Calendar (its secret iCal address) and tells the coach "
                         "Acme's e-mail domain; nobody needs to ask for the next debrief")
            self.command(user, "deal Acme Corp domain acme.example")
            self.command(user, f"calendar connect {feed.url}")
            self.advance(timedelta(minutes=51), "Her 30-minute “Pilot check-in” with dana@acme.example "
                                                "ends; a few minutes later the coach asks on its own")
        finally:
            feed.stop()

    def advance(self, delta: timedelta, why: str) -> None:
        """Move the bot's clock and let its scheduler do what came due, as `serve` would."""
        schedule = self.bot.runtime.services.schedule
        schedule.sweep()
        self.clock.advance(delta)
        self.narrate(f"{why} (it is now {self.clock.now():%a %d %b %Y, %H:%M} UTC)")
        schedule.sweep()
        self.wait_quiet()
        self._bot_said()


def _job_id(turn: Turn) -> str:
    """The scheduled job a bot post came from (the dispatcher marks its posts with metadata)."""
    metadata = turn.payload.get("metadata") or {}
    return str((metadata.get("event_payload") or {}).get("job_id", ""))


def play(story: Story) -> None:
    """The deal story, in order; the clock moves between its moments, as a real deal's days do."""
    maya, leo = "U0MAYA", "U0LEO"
    story.narrate("Maya invites the coach into the deal channel #deal-acme; it says what it does there "
                  "and what to type first")
    story.invite(maya)
    story.narrate("She asks for every command")
    story.command(maya, "help")
    story.narrate("The Acme deal is qualified")
    story.moment("Stage prompt", lambda t: t.surface == IN_CHANNEL)
    story.command(maya, "deal Acme Corp qualified")
    story.narrate("Maya answers the question: what are we giving to receive? (the coach says one thing "
                  "at a time, and nothing when it has nothing new to say)")
    story.command(maya, "give a 30-day pilot workspace for their sales team by Friday")
    story.command(leo, "get an intro to their procurement lead from Dana by next Tuesday")
    story.command(maya, "give a security questionnaire answered <@U0LEO|leo> by Dec 4")
    story.command(maya, "give custom onboarding deck")
    story.command(maya, "give an extra training seat")
    story.advance(timedelta(days=2), "Two days later")
    story.narrate("HubSpot's Slack app posts a stage change; the coach recognises it and asks for "
                  "intentions and expectations (a repeated post changes nothing)")
    story.crm_post("Deal stage changed: *Acme Corp* moved from Qualified to Contract Sent")
    story.crm_post("Deal stage changed: *Acme Corp* moved from Qualified to Contract Sent")
    story.advance(timedelta(days=2), "Friday")
    story.narrate("The pilot is delivered on time")
    story.command(maya, "done 1")
    story.moment("Ledger list", lambda t: t.surface == EPHEMERAL)
    story.command(maya, "list")
    story.narrate("Maya shares the mutual plan with Acme; Dana confirms her side on the page, no login")
    story.partner_confirms(story.command(maya, "share"), 2)
    story.narrate("Leo states a commitment in conversation; the coach offers (only to him) to log it")
    ts = story.emu.next_ts()
    story.say(leo, "I'll send the SOC2 report by Thursday", ts=ts)
    story.click(leo, "listen_log_give", ts, "Log as give")
    story.narrate("After the call, Maya says so; the coach asks for a debrief")
    story.say(maya, "just got off the call with Acme, they liked the pilot")
    story.click(maya, "debrief_open", "Acme", "Log the debrief")
    story.submit(maya, "debrief", {
        "give_1": {"give_1": state_value("plain_text_input", "extend the pilot to the EU team")},
        "give_1_due": {"give_1_due": state_value("datepicker", "2026-12-04")},
        "get_1": {"get_1": state_value("plain_text_input", "a reference call with their COO")},
        "get_1_due": {"get_1_due": state_value("datepicker", "2026-12-11")},
        "wiifm": {"wiifm": state_value("plain_text_input", "their reps ramp two weeks faster")},
    }, "we extend the pilot; they give a reference call")
    story.narrate("Someone tries to ping the whole channel through the bot. The text reaches Slack "
                  "escaped (&lt;!channel&gt;), so it shows literally and pings nobody. Dropped, it "
                  "counts for nothing")
    story.command(leo, "give <!channel> free lunch <http://evil.example|totally safe link>")
    story.command(leo, "drop 9")
    story.command(leo, "dne 9")
    story.advance(timedelta(days=3), "Monday: the first weekly digest")
    story.advance(timedelta(days=2), "Wednesday")
    story.narrate("Acme signs. The coach congratulates, asks us not to switch off, plans check-ins")
    story.crm_post("Deal stage changed: *Acme Corp* moved from Contract Sent to Closed Won")
    story.command(maya, "checkins")
    story.narrate("Their intro arrives, a day late")
    story.command(leo, "done 2")
    story.advance(timedelta(days=1), "Thursday")
    story.command(leo, "done 6")
    story.advance(timedelta(days=1), "Friday")
    story.command(maya, "done 7")
    story.moment("Weekly digest", lambda t: _job_id(t).startswith("digest:"))
    story.advance(timedelta(days=3), "Monday: the questionnaire due Friday has slipped, and the "
                  "digest says so")
    story.command(leo, "edit 3 by Wednesday")
    story.moment("Check-in", lambda t: _job_id(t).startswith("checkin:"))
    story.advance(timedelta(days=2, hours=2), "Wednesday: the 7-day check-in")
    story.command(leo, "done 3")
    story.advance(timedelta(days=5), "The next Monday: their reference call, due Friday, hasn't happened")
    # Last, so the demo's calendar feed is only read while it is being served.
    story.calendar_meeting(maya)


def run_demo(
    color: bool = False,
    out: Callable[[str], None] = print,
    html: Path | None = None,
    screenshot: Path | None = None,
) -> int:
    """Play the story and print it; returns the exit code.

    ``html``: also write the conversation as a Slack-like web page. ``screenshot``: also write
    a PNG of the key moments (stage prompt, ledger list, check-in, digest), taken in a headless
    Chromium (:mod:`bot.demo_page.browser`).
    """
    turns = play_demo(color, out)
    if html is not None:
        html.write_text(render_page(turns, PEOPLE), encoding="utf-8")
        out(f"Wrote the conversation as a web page: {html}")
    if screenshot is not None:
        from bot.demo_page.browser import BrowserError, screenshot_moments

        try:
            screenshot_moments(turns, PEOPLE, screenshot)
        except BrowserError as exc:
            out(f"partner-coach demo: no screenshot: {exc}")
            return 1
        out(f"Wrote the key moments as a picture: {screenshot}")
    return 0


def play_demo(color: bool = False, out: Callable[[str], None] = print) -> list[Turn]:
    """Play the story through the real bot and a local Slack, print it, return its turns."""
    logging.basicConfig(level=logging.ERROR)
    start = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    clock = FakeClock(start)
    with tempfile.TemporaryDirectory(prefix="partner-coach-demo-") as tmp:
        with SlackEmulator(token="xoxb-local-demo") as emulator:
            emulator.add_user("U0MAYA", name="maya", tz="America/New_York", real_name="Maya Patel")
            emulator.add_user("U0LEO", name="leo", tz="Europe/Berlin", real_name="Leo Schmidt")
            emulator.add_channel(CHANNEL, "deal-acme", members=["U0MAYA", "U0LEO"])
            with LocalBot(emulator, Path(tmp) / "demo.json", clock) as bot:
                # The demo's clock jumps; pacing posts a second apart would only slow it down.
                bot.runtime.services.schedule.limiter.sleep = lambda seconds: None
                out(f"Partner Coach demo: the real bot on {bot.base_url}, a local Slack emulator on "
                    f"{emulator.base_url}, signed requests. Start: {start:%a %d %b %Y %H:%M} UTC.")
                story = Story(bot, emulator, clock, out, color)
                play(story)
                out("")
                out(f"Done: {len(emulator.calls)} Slack Web API calls recorded, "
                    f"{len(emulator.messages())} channel posts.")
                out("Next: `partner-coach manifest --url https://YOUR-HOST/slack/events` for your Slack app "
                    "(README: Install it), then `/invite @Partner Coach` in a deal channel "
                    "(five-minute tour: docs/getting-started.md).")
    return story.turns
