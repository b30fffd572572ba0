"""What a use case asks the Slack layer to say: an answer to the user and posts to channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.domain.refusal import Refusal
from bot.messages import Message

__all__ = ["FileUpload", "Message", "Outcome", "error", "refuse"]


@dataclass(frozen=True)
class FileUpload:
    """A file for the Slack layer to upload to the channel after the ack (`/partner export`)."""

    filename: str
    title: str
    content: str


@dataclass
class Outcome:
    """The result of handling one request.

    ``reply`` is shown only to the person who asked (ephemeral); ``posts`` go to
    the channel for everyone; ``signed`` names deals that just reached signed, so
    the scheduler can plan their check-ins.
    """

    reply: Message | None = None
    posts: list[Message] = field(default_factory=list)
    signed: list[str] = field(default_factory=list)
    ok: bool = True
    files: list[FileUpload] = field(default_factory=list)


def refuse(refusal: Refusal, usage_of: str | None = None) -> Outcome:
    """A friendly ephemeral refusal that changed nothing, with the shape of the subcommand
    ``usage_of`` (prompts/_usage.j2) when it helps."""
    return Outcome(reply=Message("error", {"refusal": refusal, "usage_of": usage_of}), ok=False)


def error(key: str, *, usage_of: str | None = None, **facts: Any) -> Outcome:
    """:func:`refuse` with the text ``key`` of ``prompts/_errors.j2`` and its ``facts``."""
    return refuse(Refusal(key, facts), usage_of)
