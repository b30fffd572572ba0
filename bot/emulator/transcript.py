"""Turn Block Kit payloads into readable terminal text, for the demo's transcript."""

from __future__ import annotations

import html
import re
import textwrap
from typing import Any

_MENTION = re.compile(r"<@([A-Z0-9_]+)>")
_CHANNEL = re.compile(r"<#([A-Z0-9_]+)(?:\|[^>]*)?>")


def _mrkdwn(text: str, names: dict[str, str]) -> str:
    text = _MENTION.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + names.get(m.group(1), m.group(1)), text)
    return html.unescape(text)


def _element_text(element: dict[str, Any]) -> str:
    text = element.get("text")
    return text.get("text", "") if isinstance(text, dict) else str(text or "")


def payload_lines(payload: dict[str, Any], names: dict[str, str] | None = None) -> list[str]:
    """Readable lines of a message or view: sections, headers, context, buttons."""
    names = names or {}
    lines: list[str] = []
    blocks = payload.get("blocks") or []
    if not blocks and payload.get("text"):
        return [_mrkdwn(payload["text"], names)]
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(_element_text(block).upper())
        elif kind == "section":
            lines.extend(_mrkdwn(_element_text(block), names).splitlines())
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                lines[-1] += f"  [{_element_text(accessory)}]"
        elif kind == "context":
            for element in block.get("elements", []):
                lines.extend("  " + line for line in _mrkdwn(_element_text(element), names).splitlines())
        elif kind == "actions":
            buttons = [f"[{_element_text(e)}]" for e in block.get("elements", []) if e.get("text")]
            lines.append("  " + " ".join(buttons))
        elif kind == "divider":
            lines.append("  ----")
        elif kind == "input":
            lines.append(f"  ▢ {_element_text({'text': block.get('label')})}")
    return lines


def format_turn(speaker: str, payload: dict[str, Any], names: dict[str, str], width: int = 100) -> str:
    """One speaker's turn, indented under their name."""
    body = []
    for line in payload_lines(payload, names):
        body.extend(textwrap.wrap(line, width=width - 4, subsequent_indent="  ") or [""])
    return f"{speaker}\n" + "\n".join("    " + line for line in body)
