"""The baseline for bench/ack_latency.py: a bare Bolt app, nothing else.

One `/partner` handler that acks a constant text and a no-op ``message`` listener,
the smallest app that answers what Partner Coach answers. The benchmark serves it
two ways, as subprocesses with PORT, SLACK_SIGNING_SECRET and SLACK_API_URL set:

* ``python bench/bare_bolt.py``: waitress with 8 threads, like `partner-coach serve`;
* ``gunicorn -k gthread -w 1 --threads 8 bare_bolt:wsgi``: what Bolt's documentation
  recommends for production, and the baseline the goals are stated against.
"""

from __future__ import annotations

import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

app = App(
    client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    token_verification_enabled=False,
)


@app.command("/partner")
def partner(ack):  # noqa: ANN001 - Bolt's signature
    ack("Logged.")


@app.event("message")
def message(ack):  # noqa: ANN001 - Bolt's signature
    ack()


def health(environ, start_response):  # noqa: ANN001
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


slack = SlackRequestHandler(app)


def wsgi(environ, start_response):  # noqa: ANN001
    if environ.get("PATH_INFO") == "/healthz":
        return health(environ, start_response)
    return slack(environ, start_response)


if __name__ == "__main__":
    from waitress import serve

    serve(wsgi, host="127.0.0.1", port=int(os.environ["PORT"]), threads=8, _quiet=True)
