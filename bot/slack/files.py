"""Uploading files to a channel (files.uploadV2: get an upload URL, send the bytes, complete)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

log = logging.getLogger(__name__)


class Upload(Protocol):
    """A named text file (bot.services.outcome.FileUpload)."""

    @property
    def filename(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def content(self) -> str: ...


def upload_files(
    client: WebClient, channel: str, files: Sequence[Upload], comment: str | None = None
) -> str | None:
    """Share ``files`` in ``channel`` as one message; None, or Slack's error code. Never raises."""
    if not files:
        return None
    try:
        client.files_upload_v2(
            channel=channel,
            initial_comment=comment,
            file_uploads=[{"filename": f.filename, "title": f.title, "content": f.content} for f in files],
        )
        return None
    except SlackApiError as exc:
        code = str(exc.response.get("error", "unknown_error"))
        log.warning("files.uploadV2 to %s failed (%s)", channel, code)
        return code
    except (SlackRequestError, OSError) as exc:  # the upload step itself, or the network
        log.warning("files.uploadV2 to %s failed (%s)", channel, type(exc).__name__)
        return type(exc).__name__
