"""The Block Kit rules of what goes where (bot/emulator/block_kit_structure.py), each both ways.

slack_sdk's models parsed these bad payloads without a word; Slack's servers refuse them.
Every rule is shown accepting the documented shape and refusing one that breaks it, through
the same judge the emulator applies to every post, view and response.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator.block_kit import (
    blocks_problems,
    command_ack_problems,
    message_problems,
    view_problems,
)
from bot.emulator.block_kit_structure import response_problems

EMOJI = "\U0001F600"


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def button(action_id: str = "go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain("Go"), **extra}


def option(text: str = "One", value: str = "1", **extra: Any) -> dict[str, Any]:
    return {"text": plain(text), "value": value, **extra}


def select(**extra: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "pick", "placeholder": plain("Pick"), **extra}


def section(**extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn("x"), **extra}


def field_input(element: dict[str, Any], block_id: str = "b", **extra: Any) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": plain("What"), "element": element, **extra}


def text_input(action_id: str = "value", **extra: Any) -> dict[str, Any]:
    return {"type": "plain_text_input", "action_id": action_id, **extra}


def rich(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text", "elements": list(elements)}


def rich_section(*inline: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text_section", "elements": list(inline)}


def modal(blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": plain("Record"), "submit": plain("Save"), "blocks": blocks, **extra}


def refused(*blocks: Any) -> bool:
    return bool(blocks_problems(list(blocks), 50))


# ------------------------------------------------------------------- what each block takes


@pytest.mark.parametrize("element", [button(), select(options=[option()]),
                                     {"type": "datepicker", "action_id": "d"},
                                     {"type": "overflow", "action_id": "o",
                                      "options": [option(), option("Two", "2")]}])
def test_an_actions_block_takes_buttons_menus_and_pickers(element):
    assert not refused({"type": "actions", "elements": [element]})


@pytest.mark.parametrize("element", [text_input(), {"type": "number_input", "action_id": "n",
                                                    "is_decimal_allowed": False},
                                     {"type": "image", "image_url": "https://example.com/a.png",
                                      "alt_text": "a"}])
def test_an_actions_block_takes_no_text_inputs_or_images(element):
    problems = blocks_problems([{"type": "actions", "elements": [element]}], 50)
    assert any(f"actions.elements takes no {element['type']!r}" in p for p in problems), problems


def test_a_context_block_takes_text_and_images_only():
    image = {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "logo"}
    assert not refused({"type": "context", "elements": [image, mrkdwn("x"), plain("y")]})
    assert refused({"type": "context", "elements": [mrkdwn("x"), button()]})
    assert refused({"type": "context", "elements": [select(options=[option()])]})


def test_a_section_accessory_is_never_a_text_input():
    assert not refused(section(accessory=button()))
    assert not refused(section(accessory={"type": "image", "image_url": "https://example.com/a.png",
                                          "alt_text": "a"}))
    assert refused(section(accessory=text_input()))
    assert refused(section(accessory={"type": "datetimepicker", "action_id": "when"}))


def test_an_input_block_takes_inputs_and_menus_but_no_button_or_overflow():
    assert not refused(field_input(text_input()))
    assert not refused(field_input({"type": "users_select", "action_id": "owner"}))
    assert refused(field_input({"type": "overflow", "action_id": "o",
                                "options": [option(), option("Two", "2")]}))


@pytest.mark.parametrize("where", ["text", "fields"])
def test_a_section_text_is_plain_text_or_mrkdwn_and_nothing_else(where):
    bad = {"type": "markdown", "text": "x"}
    good = {"type": "section", where: mrkdwn("x") if where == "text" else [mrkdwn("x")]}
    assert not refused(good)
    assert refused({"type": "section", where: bad if where == "text" else [mrkdwn("x"), bad]})


def test_a_button_text_is_a_text_object_not_a_string():
    assert refused({"type": "actions", "elements": [{**button(), "text": "Go"}]})


# --------------------------------------------------------------------- options and menus


def test_an_options_url_belongs_to_overflow_menus_only():
    link = {"url": "https://example.com/plan"}
    assert not refused(section(accessory={"type": "overflow", "action_id": "o",
                                          "options": [option(**link), option("Two", "2")]}))
    assert refused(section(accessory=select(options=[option(**link)])))


def test_an_option_group_holds_1_to_100_options():
    def grouped(count: int) -> dict[str, Any]:
        options = [option(str(n), str(n)) for n in range(count)]
        return section(accessory=select(option_groups=[{"label": plain("Group"), "options": options}]))

    assert not refused(grouped(100))
    assert refused(grouped(101))
    assert refused(grouped(0))


def test_a_menu_option_description_is_plain_text_but_a_radio_one_may_be_mrkdwn():
    described = option(description=mrkdwn("*more*"))
    assert refused(section(accessory=select(options=[described])))
    assert not refused({"type": "actions", "elements": [
        {"type": "radio_buttons", "action_id": "r", "options": [described]}]})


@pytest.mark.parametrize(("most", "ok"), [(1, True), (5, True), (0, False), ("2", False)])
def test_a_multi_select_lets_at_least_one_item_be_chosen(most, ok):
    menu = {"type": "multi_static_select", "action_id": "m", "placeholder": plain("Pick"),
            "options": [option()], "max_selected_items": most}
    assert refused(section(accessory=menu)) is not ok


def test_a_confirm_dialog_text_is_plain_text():
    def confirm(text: dict[str, Any]) -> dict[str, Any]:
        return {"type": "actions", "elements": [button(confirm={
            "title": plain("Sure?"), "text": text, "confirm": plain("Yes"), "deny": plain("No")})]}

    assert not refused(confirm(plain("It stays in the history.")))
    assert refused(confirm(mrkdwn("It stays in the history.")))


# ------------------------------------------------------------------------ inputs and flags


@pytest.mark.parametrize(
    ("extra", "ok"),
    [({"is_decimal_allowed": False}, True), ({}, False),
     ({"is_decimal_allowed": False, "initial_value": "7", "min_value": "1", "max_value": "9"}, True),
     ({"is_decimal_allowed": False, "initial_value": "7.5"}, False),
     ({"is_decimal_allowed": True, "initial_value": "7.5"}, True),
     ({"is_decimal_allowed": True, "initial_value": "seven"}, False),
     ({"is_decimal_allowed": False, "initial_value": 7}, False),
     ({"is_decimal_allowed": False, "min_value": "9", "max_value": "1"}, False),
     ({"is_decimal_allowed": False, "initial_value": "10", "max_value": "9"}, False)],
    ids=["integers", "no-decimal-flag", "in-range", "decimal-not-allowed", "decimal-allowed",
         "not-a-number", "not-a-string", "min-over-max", "initial-over-max"],
)
def test_a_number_input_says_whether_decimals_are_allowed_and_its_values_are_numbers(extra, ok):
    assert refused(field_input({"type": "number_input", "action_id": "n", **extra})) is not ok


@pytest.mark.parametrize(
    ("block", "ok"),
    [(field_input(text_input(multiline=True), optional=True, dispatch_action=False), True),
     (field_input(text_input(multiline="yes")), False),
     (field_input(text_input(), optional="true"), False),
     (field_input(text_input(), dispatch_action=1), False),
     (field_input(text_input(focus_on_load="on")), False),
     (section(expand="yes"), False)],
    ids=["booleans", "multiline-string", "optional-string", "dispatch-number", "focus-string",
         "expand-string"],
)
def test_flags_are_json_booleans(block, ok):
    assert refused(block) is not ok


@pytest.mark.parametrize(("triggers", "ok"), [(["on_enter_pressed"], True),
                                               (["on_enter_pressed", "on_character_entered"], True),
                                               (["on_blur"], False), ([], False),
                                               ("on_enter_pressed", False)])
def test_dispatch_action_config_lists_the_documented_triggers(triggers, ok):
    element = text_input(dispatch_action_config={"trigger_actions_on": triggers})
    assert refused(field_input(element, dispatch_action=True)) is not ok


@pytest.mark.parametrize(("value", "ok"), [(1_700_000_000, True), ("1700000000", False), (-5, False)])
def test_a_datetime_pickers_initial_value_is_unix_seconds(value, ok):
    picker = {"type": "datetimepicker", "action_id": "when", "initial_date_time": value}
    assert refused({"type": "actions", "elements": [picker]}) is not ok


# ---------------------------------------------------------------------------- rich text


def test_a_rich_text_block_of_the_documented_shape_is_taken():
    block = rich(
        rich_section({"type": "text", "text": "Kept ", "style": {"bold": True, "code": False}},
                     {"type": "link", "url": "https://example.com", "text": "plan"},
                     {"type": "user", "user_id": "U0ALICE"}, {"type": "emoji", "name": "handshake"},
                     {"type": "broadcast", "range": "here"},
                     {"type": "date", "timestamp": 1_700_000_000, "format": "{date_short}"}),
        {"type": "rich_text_list", "style": "ordered", "indent": 8, "border": 1,
         "elements": [rich_section({"type": "text", "text": "one"})]},
        {"type": "rich_text_quote", "elements": [{"type": "text", "text": "said"}]},
        {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "code"}]},
    )
    assert blocks_problems([block], 50) == []


@pytest.mark.parametrize(
    "block",
    [rich({"type": "rich_text_table"}),
     rich(rich_section({"type": "marquee", "text": "x"})),
     rich(rich_section({"type": "text", "text": "x", "style": {"blink": True}})),
     rich(rich_section({"type": "text", "text": "x", "style": {"bold": "yes"}})),
     rich(rich_section({"type": "broadcast", "range": "world"})),
     rich(rich_section({"type": "user"})),
     rich({"type": "rich_text_list", "style": "roman",
           "elements": [rich_section({"type": "text", "text": "x"})]}),
     rich({"type": "rich_text_list", "style": "bullet", "indent": 9,
           "elements": [rich_section({"type": "text", "text": "x"})]}),
     rich({"type": "rich_text_list", "style": "bullet", "elements": [{"type": "text", "text": "x"}]}),
     rich({"type": "rich_text_quote", "border": 2, "elements": [{"type": "text", "text": "x"}]})],
    ids=["unknown-container", "unknown-inline", "unknown-style", "style-not-boolean",
         "broadcast-range", "user-without-id", "list-style", "indent-9", "list-of-text",
         "border-2"],
)
def test_a_rich_text_block_breaking_its_shape_is_refused(block):
    assert refused(block)


# --------------------------------------------------------------------- payload-wide rules


def test_markdown_blocks_share_12000_characters_in_one_payload():
    def markdown(size: int) -> dict[str, Any]:
        return {"type": "markdown", "text": "m" * size}

    assert not refused(markdown(6000), markdown(6000))
    assert refused(markdown(6000), markdown(6001))


def test_a_message_text_of_40000_counts_emoji_twice():
    assert message_problems({"text": "x" * 40_000}) is None
    problem = message_problems({"text": EMOJI * 20_001})
    assert problem is not None and problem[0] == "msg_too_long"


@pytest.mark.parametrize(("extra", "ok"), [({"type": "modal"}, True), ({"type": "home"}, True),
                                            ({"type": "workflow_step"}, False),
                                            ({"notify_on_close": True, "clear_on_close": False}, True),
                                            ({"notify_on_close": "yes"}, False),
                                            ({"clear_on_close": 1}, False)])
def test_a_view_is_a_modal_or_a_home_with_boolean_flags(extra, ok):
    view = modal([section()], **extra)
    if view["type"] == "home":
        view = {k: v for k, v in view.items() if k not in ("title", "submit")}
    assert (not view_problems(view)) is ok


def test_at_most_one_element_of_a_view_has_focus_on_load():
    one = modal([field_input(text_input("a", focus_on_load=True), "a"), field_input(text_input("b"), "b")])
    two = modal([field_input(text_input("a", focus_on_load=True), "a"),
                 field_input(text_input("b", focus_on_load=True), "b")])
    assert view_problems(one) == []
    assert any("focus_on_load" in p for p in view_problems(two))


@pytest.mark.parametrize(("extra", "ok"), [({"response_type": "in_channel"}, True),
                                            ({"response_type": "public"}, False),
                                            ({"replace_original": True, "delete_original": False}, True),
                                            ({"replace_original": "true"}, False),
                                            ({"delete_original": 1}, False)])
def test_a_response_names_a_known_type_and_boolean_flags(extra, ok):
    payload = {"text": "Logged", **extra}
    assert (not response_problems(payload)) is ok
    assert (not command_ack_problems(payload)) is ok


def test_the_emulator_refuses_a_bad_response_url_payload(emulator):
    import requests

    url = emulator.new_response_url()
    bad = requests.post(url, json={"text": "Logged", "replace_original": "yes"}, timeout=5)
    good = requests.post(url, json={"text": "Logged", "replace_original": False}, timeout=5)
    assert (bad.status_code, bad.text) == (400, "invalid_payload")
    assert (good.status_code, good.text) == (200, "ok")


def test_a_messages_blocks_weigh_their_text_plus_125_each_within_12000():
    """msg_blocks_too_long: 40 sections of 300 characters are each fine, too much together."""
    def sections(count: int, size: int) -> list[dict[str, Any]]:
        return [{"type": "section", "text": mrkdwn(f"{n:03d}" + "x" * (size - 3))} for n in range(count)]

    assert message_problems({"text": "ok", "blocks": sections(20, 475)}) is None  # 20 x 600 = 12,000
    problem = message_problems({"text": "heavy", "blocks": sections(20, 476)})
    assert problem is not None and problem[0] == "msg_blocks_too_long"
    assert message_problems({"text": "x", "blocks": sections(40, 300)})[0] == "msg_blocks_too_long"
    # Emoji count two here too; a view is not weighed this way.
    assert message_problems({"text": "x", "blocks": sections(19, 475) + [
        {"type": "section", "text": mrkdwn(EMOJI * 238)}]}) is not None
    assert view_problems(modal(sections(40, 300))) == []


# ------------------------------------------- limits slack_sdk's models enforce, pinned here


def test_an_actions_block_holds_at_most_25_elements():
    assert not refused({"type": "actions", "elements": [button(f"b{n}") for n in range(25)]})
    assert refused({"type": "actions", "elements": [button(f"b{n}") for n in range(26)]})


def test_a_select_menu_holds_at_most_100_options_or_100_groups():
    options = [option(str(n), str(n)) for n in range(101)]
    assert not refused(section(accessory=select(options=options[:100])))
    assert refused(section(accessory=select(options=options)))
    groups = [{"label": plain(f"G{n}"), "options": [option(str(n), str(n))]} for n in range(101)]
    assert not refused(section(accessory=select(option_groups=groups[:100])))
    assert refused(section(accessory=select(option_groups=groups)))


def test_an_image_alt_text_is_at_most_2000_and_never_empty():
    def image(alt: str) -> dict[str, Any]:
        return {"type": "image", "image_url": "https://example.com/a.png", "alt_text": alt}

    assert not refused(image("a" * 2000))
    assert refused(image("a" * 2001))
    assert refused(image(""))
