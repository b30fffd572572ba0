"""The baseline for bench/ack_latency.py: a bare Bolt app on the same waitress server.

One `/partner` handler that acks a constant text; nothing else. Run by the
benchmark as a subprocess with PORT, SLACK_SIGNING_SECRET and SLACK_API_URL set.
"""

from __future__ import annotations

import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve

app = App(
    client=WebClient(token="xoxb-bench", base_url=os.environ["SLACK_API_URL"]),
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    token_verification_enabled=False,
)


@app.command("/partner")
def partner(ack):  # noqa: ANN001 - Bolt's signature
    ack("Logged.")


def health(environ, start_response):  # noqa: ANN001
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


slack = SlackRequestHandler(app)


def wsgi(environ, start_response):  # noqa: ANN001
    if environ.get("PATH_INFO") == "/healthz":
        return health(environ, start_response)
    return slack(environ, start_response)


if __name__ == "__main__":
    serve(wsgi, host="127.0.0.1", port=int(os.environ["PORT"]), threads=8, _quiet=True)
