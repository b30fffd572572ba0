"""A calendar feed served on 127.0.0.1 for the demo: what a person's Google Calendar would publish."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def meeting_feed(owner: str, title: str, starts_at: datetime, minutes: int, attendees: list[str]) -> bytes:
    """A Google-shaped feed with one meeting (times in UTC, as Google exports one-off events)."""
    ends_at = starts_at + timedelta(minutes=minutes)
    people = "".join(f"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;CN={a}:mailto:{a}\r\n" for a in attendees)
    return (
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
        f"METHOD:PUBLISH\r\nX-WR-CALNAME:{owner}\r\nX-WR-TIMEZONE:America/New_York\r\n"
        "BEGIN:VEVENT\r\n"
        f"DTSTART:{starts_at:%Y%m%dT%H%M%SZ}\r\nDTEND:{ends_at:%Y%m%dT%H%M%SZ}\r\n"
        f"DTSTAMP:{starts_at:%Y%m%dT%H%M%SZ}\r\nUID:demo-{starts_at:%Y%m%dT%H%M}@google.com\r\n"
        f"ORGANIZER;CN={owner}:mailto:{owner}\r\n{people}STATUS:CONFIRMED\r\nSUMMARY:{title}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


class CalendarFeedServer:
    """Serves one feed at ``url`` until :meth:`stop`."""

    def __init__(self, body: bytes) -> None:
        feed = body

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=UTF-8")
                self.send_header("Content-Length", str(len(feed)))
                self.end_headers()
                self.wfile.write(feed)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """Where the feed is (a secret address in real life)."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/calendar/ical/maya/private-demo/basic.ics"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
