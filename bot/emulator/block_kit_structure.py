"""Block Kit rules about what goes where, for the emulator's judge (bot/emulator/block_kit.py).

slack_sdk's models check lengths and required fields, but parse almost any element in
almost any place, and know nothing of rich text's inner shape. These are the documented
rules they leave to Slack's servers, each from its reference page:

- which elements a block takes: actions, section accessories, input elements and context
  elements (https://docs.slack.dev/reference/block-kit/blocks/actions-block,
  .../section-block, .../input-block, .../context-block; each element's page lists the
  blocks it "works with": https://docs.slack.dev/reference/block-kit/block-elements);
- a text object is ``plain_text`` or ``mrkdwn`` and nothing else
  (https://docs.slack.dev/reference/block-kit/composition-objects/text-object);
- an option's ``url`` is for overflow menus only, an option group holds 1 to 100 options
  (.../composition-objects/option-object, .../option-group-object);
- a multi-select's ``max_selected_items`` is at least 1 (.../multi-select-menus-element);
- a number input says ``is_decimal_allowed`` and its values are numbers in range
  (.../number-input-element); a datetime picker's ``initial_date_time`` is Unix seconds
  (.../datetime-picker-element); the flags of blocks and elements are booleans;
  ``dispatch_action_config`` lists ``on_enter_pressed`` / ``on_character_entered``;
- rich text: sections, lists, quotes and preformatted blocks, lists ``bullet`` or
  ``ordered`` with an ``indent`` of 0 to 8 and a ``border`` of 0 or 1, inline elements
  of the documented types with their required fields, text styles from the documented set
  and a broadcast of ``here``, ``channel`` or ``everyone``
  (.../blocks/rich-text-block, .../block-elements/rich-text-section-element);
- the markdown block: 12,000 characters for all of a payload's markdown blocks together
  (.../blocks/markdown-block);
- a message's blocks all together: Slack refuses a message whose blocks hold too much with
  ``msg_blocks_too_long``, a limit it doesn't publish. Its maintainers describe it as
  "12,000 text characters with a buffer for block containers"; reports measure each block
  costing about 125 characters beyond its text (a 13,297-character markdown message taken,
  125 less once a divider was added; 11,341 characters of text in many blocks refused:
  https://github.com/slackapi/bolt-js/issues/2509, .../issues/2867). So a message's text
  in blocks, counted in UTF-16, plus 125 per block stays within 12,000;
- a view is a ``modal`` or a ``home``, ``clear_on_close``/``notify_on_close`` are
  booleans and at most one element of a view has ``focus_on_load``
  (https://docs.slack.dev/reference/views);
- a response_url payload's ``response_type`` is ``ephemeral`` or ``in_channel`` and its
  ``replace_original``/``delete_original`` are booleans
  (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

TEXT_TYPES = ("plain_text", "mrkdwn")
SELECTS = {"static_select", "external_select", "users_select", "conversations_select",
           "channels_select"}
MULTI_SELECTS = {f"multi_{kind}" for kind in SELECTS}
# Which interactive elements each place takes, from each element's "works with" list.
ACTIONS_ELEMENTS = {"button", "checkboxes", "datepicker", "datetimepicker", "overflow",
                    "radio_buttons", "timepicker", "workflow_button", "rich_text_input",
                    *SELECTS, *MULTI_SELECTS}
ACCESSORY_ELEMENTS = {"button", "checkboxes", "datepicker", "image", "overflow",
                      "radio_buttons", "timepicker", "workflow_button", *SELECTS, *MULTI_SELECTS}
INPUT_ELEMENTS = {"checkboxes", "datepicker", "datetimepicker", "email_input", "file_input",
                  "number_input", "plain_text_input", "radio_buttons", "rich_text_input",
                  "timepicker", "url_input", *SELECTS, *MULTI_SELECTS}
CONTEXT_ELEMENTS = {"image", *TEXT_TYPES}
MAX_GROUP_OPTIONS = 100
MAX_MARKDOWN = 12_000  # all markdown blocks of one payload together
MAX_BLOCKS_CHARACTERS = 12_000  # a message's blocks: their text plus BLOCK_COST each
BLOCK_COST = 125
# Flags that are JSON booleans, by what holds them ("*": any block or element).
BOOLEAN_FLAGS = {("*", "focus_on_load"), ("input", "optional"), ("input", "dispatch_action"),
                 ("section", "expand"), ("plain_text_input", "multiline"),
                 ("number_input", "is_decimal_allowed")}
TRIGGERS = {"on_enter_pressed", "on_character_entered"}
# Rich text (https://docs.slack.dev/reference/block-kit/blocks/rich-text-block).
RICH_CONTAINERS = {"rich_text_section", "rich_text_list", "rich_text_preformatted",
                   "rich_text_quote"}
# Inline elements and the fields each requires.
RICH_INLINE: dict[str, tuple[str, ...]] = {
    "text": ("text",), "link": ("url",), "emoji": ("name",), "user": ("user_id",),
    "channel": ("channel_id",), "usergroup": ("usergroup_id",), "broadcast": ("range",),
    "date": ("timestamp", "format"), "color": ("value",), "team": ("team_id",),
}
RICH_STYLES = {"bold", "italic", "strike", "code", "highlight", "client_highlight",
               "underline", "unlink"}
BROADCAST_RANGES = {"here", "channel", "everyone"}
LIST_STYLES = {"bullet", "ordered"}
MAX_LIST_INDENT = 8
VIEW_TYPES = {"modal", "home"}
VIEW_FLAGS = ("clear_on_close", "notify_on_close")
RESPONSE_TYPES = {"ephemeral", "in_channel"}
RESPONSE_FLAGS = ("replace_original", "delete_original")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?\Z")


def structure_problems(block: dict[str, Any]) -> list[str]:
    """Every rule of what goes where that ``block`` breaks (empty when Slack would take it)."""
    kind = block.get("type")
    problems = _placement_problems(block)
    problems += _flag_problems(block, str(kind))
    if kind == "rich_text":
        problems += _rich_text_problems(block.get("elements"), "rich_text")
    for element in _elements_of(block):
        problems += element_structure_problems(element)
    return problems


def _elements_of(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The elements a block holds directly (not rich text's inner parts)."""
    if block.get("type") == "rich_text":
        return []
    found = [e for e in block.get("elements") or [] if isinstance(e, dict)]
    found += [block[key] for key in ("accessory", "element") if isinstance(block.get(key), dict)]
    return found


def _placement_problems(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    places: list[tuple[str, Any, set[str]]] = []
    if kind == "actions":
        places += [("actions.elements", e, ACTIONS_ELEMENTS) for e in block.get("elements") or []]
    elif kind == "context":
        places += [("context.elements", e, CONTEXT_ELEMENTS) for e in block.get("elements") or []]
    if kind == "section" and "accessory" in block:
        places.append(("section.accessory", block["accessory"], ACCESSORY_ELEMENTS))
    if kind == "input" and "element" in block:
        places.append(("input.element", block["element"], INPUT_ELEMENTS))
    problems = [f"{where} takes no {element.get('type')!r} element"
                for where, element, allowed in places
                if isinstance(element, dict) and element.get("type") not in allowed]
    problems += [f"{where} must be an object" for where, element, _ in places
                 if not isinstance(element, dict)]
    for key in ("text", "fields"):
        if kind == "section" and key in block:
            problems += _text_type_problems(f"section.{key}", block[key])
    if kind == "header" and "text" in block:
        problems += _text_type_problems("header.text", block["text"])
    if kind == "input":
        problems += [p for key in ("label", "hint") if key in block
                     for p in _text_type_problems(f"input.{key}", block[key])]
    return problems


def _text_type_problems(where: str, value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [f"{where} must be a plain_text or mrkdwn text object, not {_kind(v)}"
            for v in values if not (isinstance(v, dict) and v.get("type") in TEXT_TYPES)]


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return f"type {value.get('type')!r}"
    return type(value).__name__


def element_structure_problems(element: dict[str, Any]) -> list[str]:
    """What an interactive element's own reference page asks beyond lengths."""
    kind = str(element.get("type"))
    problems = _flag_problems(element, kind)
    for key in ("text", "placeholder"):
        if key in element and kind not in TEXT_TYPES and kind != "image":
            problems += _text_type_problems(f"{kind}.{key}", element[key])
    options = [o for o in element.get("options") or [] if isinstance(o, dict)]
    for group in element.get("option_groups") or []:
        if not isinstance(group, dict):
            problems.append(f"{kind}.option_groups holds a non-object")
            continue
        inner = group.get("options")
        if not isinstance(inner, list) or not 1 <= len(inner) <= MAX_GROUP_OPTIONS:
            problems.append(f"an option group holds 1 to {MAX_GROUP_OPTIONS} options")
        else:
            options += [o for o in inner if isinstance(o, dict)]
    for option in options:
        if "url" in option and kind != "overflow":
            problems.append(f"an option's url is for overflow menus only, not {kind}")
        problems += [p for key in ("text", "description") if key in option
                     for p in _text_type_problems(f"option.{key}", option[key])]
    if kind in MULTI_SELECTS and "max_selected_items" in element:
        most = element["max_selected_items"]
        if type(most) is not int or most < 1:
            problems.append(f"{kind}.max_selected_items must be an integer of at least 1")
    if kind == "number_input":
        problems += _number_input_problems(element)
    if kind == "datetimepicker" and "initial_date_time" in element:
        if type(element["initial_date_time"]) is not int or element["initial_date_time"] < 0:
            problems.append("datetimepicker.initial_date_time must be Unix seconds (an integer)")
    config = element.get("dispatch_action_config")
    if config is not None:
        triggers = config.get("trigger_actions_on") if isinstance(config, dict) else None
        if not isinstance(triggers, list) or not triggers or not set(triggers) <= TRIGGERS:
            problems.append(f"dispatch_action_config.trigger_actions_on lists {sorted(TRIGGERS)}")
    confirm = element.get("confirm")
    if isinstance(confirm, dict):
        problems += [p for key in ("title", "text", "confirm", "deny") if key in confirm
                     for p in _text_type_problems(f"confirm.{key}", confirm[key])]
    return problems


def _flag_problems(node: dict[str, Any], kind: str) -> list[str]:
    return [f"{kind}.{key} must be true or false" for key, value in node.items()
            if ((kind, key) in BOOLEAN_FLAGS or ("*", key) in BOOLEAN_FLAGS)
            and not isinstance(value, bool)]


def _number_input_problems(element: dict[str, Any]) -> list[str]:
    """is_decimal_allowed is required; initial/min/max are numbers, integers unless decimals
    are allowed, and min <= initial <= max."""
    decimals = element.get("is_decimal_allowed")
    if not isinstance(decimals, bool):
        return ["number_input.is_decimal_allowed is required (true or false)"]
    problems, numbers = [], {}
    for key in ("initial_value", "min_value", "max_value"):
        value = element.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not _NUMBER.match(value) or (not decimals and "." in value):
            problems.append(f"number_input.{key} must be {'a number' if decimals else 'an integer'}"
                            f" written as a string, not {value!r}")
            continue
        try:
            numbers[key] = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern already took it
            problems.append(f"number_input.{key} is not a number")
    low, high = numbers.get("min_value"), numbers.get("max_value")
    if low is not None and high is not None and low > high:
        problems.append("number_input.min_value is more than its max_value")
    initial = numbers.get("initial_value")
    if initial is not None and ((low is not None and initial < low) or (high is not None and initial > high)):
        problems.append("number_input.initial_value is outside min_value..max_value")
    return problems


def _rich_text_problems(elements: Any, where: str) -> list[str]:
    """Rich text's containers and their inline elements, to the documented shapes."""
    if not isinstance(elements, list) or not elements:
        return [f"{where}.elements must be a non-empty array"]
    problems = []
    for element in elements:
        kind = element.get("type") if isinstance(element, dict) else None
        if kind not in RICH_CONTAINERS:
            problems.append(f"{where} takes no {kind!r} element (only {sorted(RICH_CONTAINERS)})")
            continue
        if kind == "rich_text_list":
            problems += _rich_list_problems(element)
        else:
            problems += _rich_inline_problems(element.get("elements"), kind)
        if "border" in element and element["border"] not in (0, 1):
            problems.append(f"{kind}.border must be 0 or 1")
    return problems


def _rich_list_problems(element: dict[str, Any]) -> list[str]:
    problems = []
    if element.get("style") not in LIST_STYLES:
        problems.append(f"rich_text_list.style must be one of {sorted(LIST_STYLES)}")
    indent = element.get("indent", 0)
    if type(indent) is not int or not 0 <= indent <= MAX_LIST_INDENT:
        problems.append(f"rich_text_list.indent must be an integer from 0 to {MAX_LIST_INDENT}")
    if "offset" in element and (type(element["offset"]) is not int or element["offset"] < 0):
        problems.append("rich_text_list.offset must be a non-negative integer")
    items = element.get("elements")
    if not isinstance(items, list) or not items:
        return [*problems, "rich_text_list.elements must be a non-empty array"]
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "rich_text_section":
            problems.append("rich_text_list holds rich_text_section elements only")
        else:
            problems += _rich_inline_problems(item.get("elements"), "rich_text_section")
    return problems


def _rich_inline_problems(elements: Any, where: str) -> list[str]:
    if not isinstance(elements, list):
        return [f"{where}.elements must be an array"]
    problems = []
    for element in elements:
        kind = element.get("type") if isinstance(element, dict) else None
        if kind not in RICH_INLINE:
            problems.append(f"{where} takes no {kind!r} element")
            continue
        problems += [f"{kind} element needs a non-empty {field}" for field in RICH_INLINE[kind]
                     if element.get(field) in (None, "")]
        if kind == "broadcast" and element.get("range") not in BROADCAST_RANGES:
            problems.append(f"broadcast.range must be one of {sorted(BROADCAST_RANGES)}")
        style = element.get("style")
        if style is not None:
            if not isinstance(style, dict):
                problems.append(f"{kind}.style must be an object")
            else:
                problems += [f"{kind}.style has no {name!r} (only {sorted(RICH_STYLES)})"
                             for name in style if name not in RICH_STYLES]
                problems += [f"{kind}.style.{name} must be true or false" for name, on in style.items()
                             if name in RICH_STYLES and not isinstance(on, bool)]
    return problems


def markdown_total_problems(blocks: list[Any]) -> list[str]:
    """All markdown blocks of one payload share 12,000 characters."""
    total = sum(len(b["text"]) for b in blocks if isinstance(b, dict) and b.get("type") == "markdown"
                and isinstance(b.get("text"), str))
    if total <= MAX_MARKDOWN:
        return []
    return [f"markdown blocks hold {total} characters together (limit {MAX_MARKDOWN})"]


def blocks_weight(blocks: list[Any]) -> int:
    """What a message's blocks weigh against ``msg_blocks_too_long``: the UTF-16 length of
    every text they hold (text objects, rich text, markdown) plus BLOCK_COST per block."""
    total = BLOCK_COST * len(blocks)
    stack: list[Any] = list(blocks)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                total += len(node["text"].encode("utf-16-le", "surrogatepass")) // 2
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return total


def message_weight_problems(blocks: list[Any]) -> list[str]:
    """A message whose blocks weigh more than Slack takes (``msg_blocks_too_long``)."""
    weight = blocks_weight(blocks)
    if weight <= MAX_BLOCKS_CHARACTERS:
        return []
    return [f"the blocks weigh {weight} characters: their text plus {BLOCK_COST} for each of "
            f"{len(blocks)} blocks (limit {MAX_BLOCKS_CHARACTERS})"]


def view_structure_problems(view: dict[str, Any]) -> list[str]:
    """A view's type and flags, and one focus_on_load at most among its elements."""
    problems = []
    if view.get("type") not in VIEW_TYPES:
        problems.append(f"a view's type is 'modal' or 'home', not {view.get('type')!r}")
    problems += [f"{key} must be true or false" for key in VIEW_FLAGS
                 if key in view and not isinstance(view[key], bool)]
    focused = [e for b in view.get("blocks") or [] if isinstance(b, dict)
               for e in _elements_of(b) if e.get("focus_on_load") is True]
    if len(focused) > 1:
        problems.append(f"{len(focused)} elements have focus_on_load (at most one per view)")
    return problems


def response_problems(payload: dict[str, Any]) -> list[str]:
    """What a response_url (or slash command ack) payload says beyond its message."""
    problems = []
    if "response_type" in payload and payload["response_type"] not in RESPONSE_TYPES:
        problems.append(f"unknown response_type {payload['response_type']!r}")
    problems += [f"{key} must be true or false" for key in RESPONSE_FLAGS
                 if key in payload and not isinstance(payload[key], bool)]
    return problems
