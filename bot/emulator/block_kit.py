"""Refuse Block Kit payloads the way Slack does, judged by slack_sdk's own models.

Each block is parsed with :mod:`slack_sdk.models.blocks` and validated (its length limits,
element counts, required fields); a field or element the models don't know is a problem
too, since Slack refuses what it doesn't know. On top come the rules the models leave to
the server: how many blocks a message or view holds, unique ``block_id`` s, unique
``action_id`` s within a block, the message ``text`` limit. Slack's limits:
https://docs.slack.dev/reference/block-kit/blocks (50 blocks in a message, 100 in a view,
3,000 characters in a section's text) and chat.postMessage (text truncated past 40,000
characters; ``msg_too_long``).

slack_sdk's models leave out some documented limits and count characters as Python does
(code points). :func:`length_problems` adds the rest from Slack's reference pages (text
objects, section fields, option descriptions, plain-text inputs' ``min_length`` /
``max_length`` / ``initial_value``, option counts of radio buttons, checkboxes and menus,
view ids and metadata, the fields that take plain_text only) and counts every length in
UTF-16 code units, as JavaScript does: Slack doesn't say how it counts, and a UTF-16
count is never below the code point count, so text that passes here passes either way
(an emoji outside the BMP counts 2).

:func:`element_problems` and :func:`view_surface_problems` add the documented rules that
are not lengths (an overflow's 2 to 5 options, http(s) URLs, text-object flags, initial
options among the options, real dates, a modal's title and submit), and
:mod:`bot.emulator.block_kit_structure` what goes where (which elements each block takes,
text object types, option groups, rich text's shape, flags, views' and responses' fields).
Two rules are
stricter than Slack, which only advises them: a message with blocks carries a non-blank
``text`` fallback, and an ``action_id`` is unique in the whole message or view.
"""

from __future__ import annotations

import datetime
import logging
import re
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.emulator.block_kit_structure import (
    markdown_total_problems,
    message_weight_problems,
    response_problems,
    structure_problems,
    view_structure_problems,
)

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
SERVER_FIELDS = {"id", "team_id", "app_id", "bot_id", "state", "hash", "root_view_id", "previous_view_id"}

# slack_sdk warns (and drops the field) when a payload has a key it doesn't model; we
# report that ourselves, so its log lines would only be noise.
logging.getLogger("slack_sdk.models").setLevel(logging.ERROR)


def message_problems(args: dict[str, Any]) -> tuple[str, list[str]] | None:
    """Why Slack would refuse a message's ``text``/``blocks``: (error code, details), or None."""
    text = args.get("text")
    if isinstance(text, str) and slack_length(text) > MAX_MESSAGE_TEXT:
        return "msg_too_long", [f"text is {slack_length(text)} characters (limit {MAX_MESSAGE_TEXT})"]
    if isinstance(text, str) and text and not text.strip() and not args.get("blocks"):
        return "no_text", ["text is blank (whitespace only)"]
    if isinstance(text, str) and args.get("mrkdwn") is not False and (bad := mrkdwn_problems(text)):
        return "invalid_arguments", [f"text: {p}" for p in bad]
    if "blocks" not in args:
        return None
    blocks = args["blocks"]
    if not isinstance(blocks, list):
        return "invalid_blocks_format", ["blocks must be a JSON array"]
    problems = blocks_problems(blocks, MAX_MESSAGE_BLOCKS)
    if problems:
        return "invalid_blocks", problems
    if heavy := message_weight_problems(blocks):
        return "msg_blocks_too_long", heavy
    if blocks and not (isinstance(text, str) and text.strip()):
        # Slack itself only warns, but notifications, screen readers and search show this
        # text instead of the blocks: a message with blocks and no summary is a bug here.
        return "no_text", ["blocks need a top-level text fallback (text is missing or blank)"]
    return None


def view_problems(view: Any) -> list[str]:
    """Why Slack would refuse a view (views.open/push/update/publish answer invalid_arguments)."""
    if not isinstance(view, dict):
        return ["view must be a JSON object"]
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return ["view.blocks must be a JSON array"]
    problems = blocks_problems(blocks, MAX_VIEW_BLOCKS)
    # What views.open takes (what Slack adds to a stored view - id, hash, state - is left out).
    fields = {k: v for k, v in view.items() if k in View.attributes and k not in SERVER_FIELDS}
    unknown = sorted(set(view) - View.attributes - SERVER_FIELDS - {"app_installed_team_id"})
    problems += [f"view has an unknown field {name!r}" for name in unknown]
    try:
        View(**fields).validate_json()
    except (SlackObjectFormationError, TypeError, AttributeError) as exc:
        problems.append(f"view: {exc}")
    problems += [f"view: {p}" for p in view_length_problems(view)]
    problems += [f"view: {p}" for p in view_surface_problems(view)]
    problems += [f"view: {p}" for p in view_structure_problems(view)]
    return problems


def blocks_problems(blocks: list[Any], limit: int) -> list[str]:
    """Every reason a list of blocks would be refused (empty when Slack would take it)."""
    problems = []
    if len(blocks) > limit:
        problems.append(f"no more than {limit} items allowed [json-pointer:/blocks]")
    problems += [f"{p} [json-pointer:/blocks]" for p in markdown_total_problems(blocks)]
    # Unique across the whole message or view, not only within a block as Slack's reference
    # asks: a listener is routed by action_id alone, so a repeat (a "Done" button on every
    # item row) makes the payload's block_id the only thing telling the rows apart.
    block_ids: set[str] = set()
    action_ids: set[str] = set()
    for n, raw in enumerate(blocks):
        where = f"[json-pointer:/blocks/{n}]"
        if not isinstance(raw, dict):
            problems.append(f"a block must be an object {where}")
            continue
        try:
            parsed = Block.parse(raw)
            if parsed is None or type(parsed) is Block:
                problems.append(f"unsupported block type {raw.get('type')!r} {where}")
                continue
            parsed.validate_json()
            problems += [f"{p} {where}" for p in _unknown_fields(raw, parsed.to_dict())]
            problems += [f"{p} {where}" for p in length_problems(raw)]
            problems += [f"{p} {where}" for p in element_problems(raw)]
            problems += [f"{p} {where}" for p in structure_problems(raw)]
        except (SlackObjectFormationError, TypeError, AttributeError, KeyError, ValueError) as exc:
            problems.append(f"{exc} {where}")
            continue
        block_id = raw.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                problems.append(f"duplicate block_id {block_id!r} {where}")
            block_ids.add(block_id)
        for action_id in (e.get("action_id") for e in _elements(raw)):
            if action_id is None:
                continue
            if action_id in action_ids:
                problems.append(f"duplicate action_id {action_id!r} {where}")
            action_ids.add(action_id)
    return problems


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive elements of a block (actions/context elements, an accessory, an input's)."""
    found = [e for e in block.get("elements") or [] if isinstance(e, dict)]
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    return found


def _unknown_fields(raw: Any, parsed: Any, path: str = "") -> list[str]:
    """Fields of ``raw`` that slack_sdk's model dropped: Slack doesn't know them either."""
    if isinstance(raw, dict) and isinstance(parsed, dict):
        problems = []
        for key, value in raw.items():
            if key not in parsed:
                problems.append(f"{'empty' if value in ([], {}, '') else 'unknown'} field {path}/{key}")
            else:
                problems += _unknown_fields(value, parsed[key], f"{path}/{key}")
        return problems
    if isinstance(raw, list) and isinstance(parsed, list):
        if len(raw) != len(parsed):
            return [f"unsupported items in {path or '/'}"]
        return [p for n, (r, q) in enumerate(zip(raw, parsed, strict=True))
                for p in _unknown_fields(r, q, f"{path}/{n}")]
    return []


# ----------------------------------------------------------------- the documented limits

MAX_TEXT_OBJECT = 3000  # any text object: "minimum length is 1 and maximum length is 3000"
# (what holds the text object, its field) -> longest text, from each element's reference page.
TEXT_LIMITS: dict[tuple[str, str], int] = {
    ("section", "text"): 3000, ("section", "fields"): 2000, ("header", "text"): 150,
    ("button", "text"): 75, ("option", "text"): 75, ("option", "description"): 75,
    ("option_group", "label"): 75, ("confirm", "title"): 100, ("confirm", "text"): 300,
    ("confirm", "confirm"): 30, ("confirm", "deny"): 30, ("input", "label"): 2000,
    ("input", "hint"): 2000, ("image", "title"): 2000, ("*", "placeholder"): 150,
}
# (what holds the string, its field) -> longest string.
STRING_LIMITS: dict[tuple[str, str], int] = {
    ("*", "action_id"): 255, ("*", "block_id"): 255, ("button", "value"): 2000,
    ("button", "url"): 3000, ("button", "accessibility_label"): 75, ("option", "value"): 150,
    ("option", "url"): 3000, ("plain_text_input", "initial_value"): 3000,
    ("image", "image_url"): 3000, ("image", "alt_text"): 2000,
}
# element type -> most options it may list (overflow: "up to five"; radio/checkboxes: 10).
MAX_OPTIONS = {"overflow": 5, "radio_buttons": 10, "checkboxes": 10, "static_select": 100,
               "multi_static_select": 100, "external_select": 100, "multi_external_select": 100}
# Text objects that may only be plain_text (each element's reference page says so).
PLAIN_ONLY = {("header", "text"), ("button", "text"), ("input", "label"), ("input", "hint"),
              ("*", "placeholder"), ("confirm", "title"), ("confirm", "confirm"), ("confirm", "deny"),
              ("option_group", "label"), ("confirm", "text")}
# Menus whose options show plain_text only (radio buttons and checkboxes may use mrkdwn).
PLAIN_OPTION_MENUS = {"overflow", "static_select", "multi_static_select", "external_select",
                      "multi_external_select"}
VIEW_TEXT_LIMITS = {"title": 24, "submit": 24, "close": 24}
VIEW_STRING_LIMITS = {"private_metadata": 3000, "callback_id": 255, "external_id": 255}
MAX_INPUT_LENGTH = 3000  # plain_text_input min_length 0-3000, max_length 1-3000
TEXT_TYPES = ("plain_text", "mrkdwn")
_ROLE_OF_KEY = {"options": "option", "initial_option": "option", "initial_options": "option",
                "option_groups": "option_group", "confirm": "confirm"}


def slack_length(text: str) -> int:
    """A string's length in UTF-16 code units: never less than Slack's count, however it counts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def length_problems(node: Any, role: str = "") -> list[str]:
    """Every documented length or count a block (or any part of one) breaks, in Slack's terms.

    ``role`` names what ``node`` is when it has no ``type`` of its own (an option, a
    confirm dialog); the limits are looked up by that and the field's name.
    """
    if isinstance(node, list):
        return [p for item in node for p in length_problems(item, role)]
    if not isinstance(node, dict):
        return []
    owner = role or str(node.get("type", ""))
    problems: list[str] = []
    for key, value in node.items():
        if _is_text_object(value):
            problems += _text_problems(value, owner, key)
        elif isinstance(value, list):  # context elements and section fields are text objects
            for item in value:
                problems += (_text_problems(item, owner, key) if _is_text_object(item)
                             else length_problems(item, _ROLE_OF_KEY.get(key, "")))
        elif isinstance(value, str):
            limit = STRING_LIMITS.get((owner, key)) or STRING_LIMITS.get(("*", key))
            if limit is not None and slack_length(value) > limit:
                problems.append(f"{owner}.{key} is {slack_length(value)} characters (limit {limit})")
        elif isinstance(value, dict):
            problems += length_problems(value, _ROLE_OF_KEY.get(key, ""))
    options = node.get("options")
    if owner in MAX_OPTIONS and isinstance(options, list) and len(options) > MAX_OPTIONS[owner]:
        problems.append(f"{owner} has {len(options)} options (limit {MAX_OPTIONS[owner]})")
    if owner == "plain_text_input":
        problems += _input_length_problems(node)
    if owner in PLAIN_OPTION_MENUS:
        problems += [f"{owner} options must use plain_text ({key})" for option in _menu_options(node)
                     for key in ("text", "description")
                     if _is_text_object(option.get(key)) and option[key]["type"] != "plain_text"]
    return problems


def _menu_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    """A menu's options, those in its option groups and the initial ones."""
    found = list(element.get("options") or []) + list(element.get("initial_options") or [])
    for group in element.get("option_groups") or []:
        if isinstance(group, dict):
            found += group.get("options") or []
    if element.get("initial_option") is not None:
        found.append(element["initial_option"])
    return [option for option in found if isinstance(option, dict)]


def view_length_problems(view: dict[str, Any]) -> list[str]:
    """The view-level limits: title/submit/close text, metadata and ids, in Slack's terms."""
    problems = []
    for key, limit in VIEW_TEXT_LIMITS.items():
        value = view.get(key)
        if _is_text_object(value) and slack_length(str(value["text"])) > limit:
            problems.append(f"{key} is {slack_length(str(value['text']))} characters (limit {limit})")
        if _is_text_object(value) and value.get("type") != "plain_text":
            problems.append(f"{key} must be a plain_text object")
        if _is_text_object(value) and not str(value["text"]).strip():
            problems.append(f"{key} text is empty or blank")
    for key, limit in VIEW_STRING_LIMITS.items():
        value = view.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(f"{key} must be a string")
        elif isinstance(value, str) and slack_length(value) > limit:
            problems.append(f"{key} is {slack_length(value)} characters (limit {limit})")
    return problems


def _is_text_object(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") in TEXT_TYPES and "text" in value


def _text_problems(obj: dict[str, Any], owner: str, key: str) -> list[str]:
    text = obj["text"]
    if not isinstance(text, str):
        return [f"{owner}.{key}.text must be a string"]
    length = slack_length(text)
    limit = min(MAX_TEXT_OBJECT, TEXT_LIMITS.get((owner, key)) or TEXT_LIMITS.get(("*", key))
                or MAX_TEXT_OBJECT)
    if obj.get("type") != "plain_text" and ((owner, key) in PLAIN_ONLY or ("*", key) in PLAIN_ONLY):
        return [f"{owner}.{key} must be a plain_text object"]
    if length == 0:
        return [f"{owner}.{key}.text must have at least 1 character"]
    if length > limit:
        return [f"{owner}.{key}.text is {length} characters (limit {limit})"]
    return []


def _input_length_problems(element: dict[str, Any]) -> list[str]:
    """plain_text_input: min_length 0-3000, max_length 1-3000, min <= max, initial_value fits."""
    problems = []
    low, high = element.get("min_length"), element.get("max_length")
    for name, value, floor in (("min_length", low, 0), ("max_length", high, 1)):
        if value is not None and (type(value) is not int or not floor <= value <= MAX_INPUT_LENGTH):
            problems.append(f"plain_text_input.{name} must be an integer from {floor} to {MAX_INPUT_LENGTH}")
    if type(low) is int and type(high) is int and low > high:
        problems.append("plain_text_input.min_length is more than its max_length")
    initial = element.get("initial_value")
    if isinstance(initial, str) and type(high) is int and slack_length(initial) > high:
        problems.append(f"plain_text_input.initial_value is {slack_length(initial)} characters, "
                        f"over its max_length {high}")
    return problems


RESPONSE_ACTIONS = {"errors", "update", "push", "clear"}


def command_ack_problems(body: Any) -> list[str]:
    """Why Slack would refuse a slash command's acknowledgement body (a message)."""
    if not isinstance(body, dict):
        return []  # plain text is a message too
    problems = response_problems(body)
    problem = message_problems(body)
    if problem is not None:
        problems += [f"{problem[0]}: {p}" for p in problem[1]]
    return problems


def view_ack_problems(body: Any, submitted: dict[str, Any]) -> list[str]:
    """Why Slack would refuse a view_submission's acknowledgement body.

    ``errors`` must name input blocks of the submitted view, each with a message;
    ``update``/``push`` carry a view judged like views.update/views.push.
    """
    if not isinstance(body, dict) or not body:
        return [] if body in ({}, None) else ["a view_submission ack must be a JSON object"]
    action = body.get("response_action")
    if action not in RESPONSE_ACTIONS:
        return [f"unknown response_action {action!r}"]
    if action in ("update", "push"):
        return view_problems(body.get("view"))
    if action == "errors":
        errors = body.get("errors")
        if not isinstance(errors, dict) or not errors:
            return ["response_action errors needs a non-empty errors object"]
        inputs = {b.get("block_id") for b in submitted.get("blocks") or []
                  if isinstance(b, dict) and b.get("type") == "input"}
        problems = [f"errors names {key!r}, not an input block of the view"
                    for key in errors if submitted.get("blocks") and key not in inputs]
        problems += [f"errors[{key!r}] must be a non-empty string" for key, text in errors.items()
                     if not isinstance(text, str) or not text.strip()]
        return problems
    return []


# ------------------------------------------------------- the documented rules beyond lengths

MIN_OVERFLOW_OPTIONS = 2  # an overflow menu lists 2 to 5 options
URL_FIELDS = {("button", "url"), ("option", "url"), ("image", "image_url")}
# Text-object flags: ``emoji`` belongs to plain_text, ``verbatim`` to mrkdwn.
TEXT_FLAGS = {"plain_text": {"emoji"}, "mrkdwn": {"verbatim"}}
_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?\Z", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# What may stand between < and > in mrkdwn: a mention, a channel, a special mention, a date,
# a link (https://docs.slack.dev/messaging/formatting-message-text). Anything else is a
# control character left unescaped: Slack shows it mangled, or reads it as a link.
_CONTROL = re.compile(r"<(?:[@#][UWCGB][A-Z0-9]+(?:\|[^<>]*)?|!(?:here|channel|everyone)(?:\|[^<>]*)?"
                      r"|!subteam\^[A-Z0-9]+(?:\|[^<>]*)?|!date\^[^<>|]+(?:\|[^<>]*)?"
                      r"|(?:https?://|mailto:)[^\s<>|]+(?:\|[^<>]*)?)>")
_ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")


def element_problems(node: Any, role: str = "") -> list[str]:
    """The documented rules of a block's parts that are not lengths, in Slack's terms.

    Text objects: never blank (whitespace alone shows nothing), flags only on the type that
    has them. URLs: absolute http(s) with a host. Menus: an overflow lists 2 to 5 options,
    option values are never empty, an initial option is one of the options. Date pickers:
    an initial_date is a real YYYY-MM-DD date.
    """
    if isinstance(node, list):
        return [p for item in node for p in element_problems(item, role)]
    if not isinstance(node, dict):
        return []
    owner = role or str(node.get("type", ""))
    problems: list[str] = []
    if node.get("type") in TEXT_FLAGS and "text" in node:
        return _text_flag_problems(node, owner)
    for key, value in node.items():
        if (owner, key) in URL_FIELDS and isinstance(value, str) and not _URL.match(value):
            problems.append(f"{owner}.{key} must be an absolute http(s) URL, not {value[:60]!r}")
        if isinstance(value, dict) and value.get("type") in TEXT_TYPES:
            problems += [f"{owner}.{key}: {p}" for p in _text_flag_problems(value, owner)]
        elif isinstance(value, list | dict):
            problems += element_problems(value, _ROLE_OF_KEY.get(key, ""))
    if owner == "option" and node.get("value") == "":
        problems.append("option.value must have at least 1 character")
    if owner == "overflow" and len(node.get("options") or []) < MIN_OVERFLOW_OPTIONS:
        problems.append(f"overflow needs at least {MIN_OVERFLOW_OPTIONS} options")
    problems += _initial_option_problems(node, owner)
    if owner == "datepicker" and node.get("initial_date") is not None:
        problems += _date_problems(node["initial_date"])
    return problems


def _text_flag_problems(obj: dict[str, Any], owner: str) -> list[str]:
    kind = obj["type"]
    problems = [f"{flag!r} is not a field of {kind} (only of {other})"
                for other, flags in TEXT_FLAGS.items() if other != kind
                for flag in flags if flag in obj]
    problems += [f"{flag!r} must be true or false" for flag in TEXT_FLAGS[kind]
                 if flag in obj and not isinstance(obj[flag], bool)]
    if isinstance(obj.get("text"), str) and obj["text"] and not obj["text"].strip():
        problems.append(f"{owner} text is blank (whitespace only)")
    if kind == "mrkdwn" and isinstance(obj.get("text"), str):
        problems += [f"{owner} {p}" for p in mrkdwn_problems(obj["text"])]
    return problems


def mrkdwn_problems(text: str) -> list[str]:
    """Control characters of mrkdwn left unescaped: ``<`` or ``>`` outside a mention, link or
    date, ``&`` that starts no ``&amp;``/``&lt;``/``&gt;``. A ``>`` opening a line quotes it."""
    rest = _CONTROL.sub("", text)
    rest = re.sub(r"(?m)^>", "", rest)
    problems = []
    for char in "<>":
        if char in rest:
            at = rest.index(char)
            problems.append(f"mrkdwn has an unescaped {char!r}: {rest[max(0, at - 30):at + 30]!r}")
    if (bare := _ENTITY.search(text)) is not None:
        at = bare.start()
        problems.append(f"mrkdwn has an unescaped '&': {text[max(0, at - 30):at + 30]!r}")
    return problems


def _initial_option_problems(element: dict[str, Any], owner: str) -> list[str]:
    """An initial option must be exactly one of the menu's options (text and value)."""
    options = [o for o in element.get("options") or [] if isinstance(o, dict)]
    for group in element.get("option_groups") or []:
        if isinstance(group, dict):
            options += [o for o in group.get("options") or [] if isinstance(o, dict)]
    initial = list(element.get("initial_options") or [])
    if element.get("initial_option") is not None:
        initial.append(element["initial_option"])
    if not options:
        return []
    return [f"{owner}.initial_option {option.get('value')!r} is not one of its options"
            for option in initial if option not in options]


def _date_problems(value: Any) -> list[str]:
    if isinstance(value, str) and _DATE.match(value):
        try:
            datetime.date.fromisoformat(value)
            return []
        except ValueError:
            pass
    return [f"datepicker.initial_date must be a YYYY-MM-DD date, not {value!r}"]


def view_surface_problems(view: dict[str, Any]) -> list[str]:
    """What a surface's type allows: a modal with inputs needs a submit button, and a Home
    tab takes no title, submit or close (those are a modal's)."""
    blocks = [b for b in view.get("blocks") or [] if isinstance(b, dict)]
    if view.get("type") == "modal":
        if view.get("title") is None:
            return ["a modal needs a title"]
        if any(b.get("type") == "input" for b in blocks) and view.get("submit") is None:
            return ["a modal with input blocks needs a submit button"]
        return []
    if view.get("type") == "home":
        return [f"a home view takes no {key}" for key in ("title", "submit", "close") if key in view]
    return []
