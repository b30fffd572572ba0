"""Command line: `partner-coach serve | demo | manifest | db`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cli_db import add_db_parser


def _serve(args: argparse.Namespace) -> int:
    import logging
    import os

    from bot.serve import run_serve

    code = run_serve()
    # run_serve has given acknowledged work its grace period and closed the store. A
    # listener can still be waiting on Slack (a 429's Retry-After of minutes, inside
    # slack-sdk); Python would join its thread before exiting and the stopped process would
    # run on. What it would still post is lost either way: end now, with the output flushed.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(color=not args.no_color and sys.stdout.isatty(), html=args.html,
                    screenshot=args.screenshot)


def _manifest(args: argparse.Namespace) -> int:
    from bot.manifest import PLACEHOLDER_URL, build_manifest

    if not args.url and not args.socket_mode:
        # A manifest pasted with the placeholder host points Slack at nobody's server.
        print(f"partner-coach manifest: warning: no --url given, so the Request URLs use the "
              f"placeholder {PLACEHOLDER_URL}; pass --url https://YOUR-HOST/slack/events "
              f"(or --socket-mode)", file=sys.stderr)
    manifest = build_manifest(args.url, socket_mode=args.socket_mode, org_deploy=args.org_deploy)
    print(json.dumps(manifest, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with a help text for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="partner-coach",
        description="Partner Coach: a Slack bot that coaches deal teams on two-way partnerships.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{serve,demo,manifest,db}")
    serve = sub.add_parser(
        "serve",
        help="run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on $PORT)",
        description=(
            "Run the bot and its scheduler in one process. With SLACK_APP_TOKEN set it connects "
            "over Socket Mode; otherwise it serves HTTP on $PORT (default 3000) with waitress: "
            "POST /slack/events, GET /healthz, POST /webhooks/deals (with DEAL_WEBHOOK_SECRET). "
            "Needs SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET in HTTP mode."
        ),
    )
    serve.set_defaults(func=_serve)
    demo = sub.add_parser(
        "demo",
        help="play a deal story against a local Slack emulator (no Slack account needed)",
        description=(
            "Start a local Slack Web API emulator and the real bot over HTTP with real request "
            "signatures, play a deal story through it and print the conversation. No tokens needed."
        ),
    )
    demo.add_argument("--no-color", action="store_true", help="plain output")
    demo.add_argument("--html", type=Path, metavar="FILE",
                      help="also write the conversation as a Slack-like web page (Block Kit rendered)")
    demo.add_argument("--screenshot", type=Path, metavar="PNG",
                      help="also write a PNG of the key moments, taken in headless Chromium "
                           "(e.g. docs/images/demo.png)")
    demo.set_defaults(func=_demo)
    manifest = sub.add_parser(
        "manifest",
        help="print the Slack app manifest (JSON)",
        description="Print the Slack app manifest: paste it at api.slack.com/apps → Create New App.",
    )
    manifest.add_argument("--url", help="public Request URL, e.g. https://coach.example.com/slack/events")
    manifest.add_argument("--socket-mode", action="store_true", help="manifest for Socket Mode")
    manifest.add_argument("--org-deploy", action="store_true",
                          help="allow org-wide installs in an Enterprise Grid org (needs the OAuth install)")
    manifest.set_defaults(func=_manifest)
    add_db_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `partner-coach` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if args.command == "db":
        from bot.cli_db import run

        return run(args)
    return int(args.func(args))
