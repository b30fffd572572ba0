"""Logging that can never print a secret."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

# Anything that looks like a Slack token, even one we weren't given, or a plan link's secret
# (bot.web.plan_page never logs a path, and a stray one would still be caught here).
_TOKEN_SHAPE = re.compile(r"xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?<=/plans/)[A-Za-z0-9_-]+")


class RedactSecrets(logging.Filter):
    """Replace known secrets and token-shaped strings in every record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s and len(s) >= 6]

    def redact(self, text: str) -> str:
        """The text with every secret replaced by a marker."""
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return _TOKEN_SHAPE.sub("[redacted-token]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.redact(message), ()
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def configure(secrets: Iterable[str] = (), level: int = logging.INFO) -> None:
    """Log to stderr, one line per record, secrets redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
