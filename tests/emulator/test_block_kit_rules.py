"""The documented Block Kit limits the emulator adds to slack_sdk's models, one test per rule.

Each rule is shown both ways: at its limit the payload is accepted, one past it refused.
Lengths are counted in UTF-16 code units, so an emoji outside the BMP counts 2.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator.block_kit import (
    blocks_problems,
    message_problems,
    slack_length,
    view_problems,
)

EMOJI = "\U0001F600"  # one code point, two UTF-16 code units


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str = "x", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **extra}


def button(**extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": "go", "text": plain("Go"), **extra}


def option(text: str = "One", value: str = "1", **extra: Any) -> dict[str, Any]:
    return {"text": plain(text), "value": value, **extra}


def text_input(**extra: Any) -> dict[str, Any]:
    return {"type": "input", "block_id": "b", "label": plain("What"),
            "element": {"type": "plain_text_input", "action_id": "value", **extra}}


def modal(blocks: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": plain("Record"), "submit": plain("Save"),
            "blocks": blocks or [section()], **extra}


def refused(*blocks: dict[str, Any]) -> bool:
    return bool(blocks_problems(list(blocks), 50))


def test_lengths_are_counted_in_utf16_code_units():
    assert slack_length("abc") == 3
    assert slack_length(EMOJI) == 2
    assert slack_length("e\u0301") == 2  # a combining accent is a character of its own
    assert slack_length("\u200b\u05d0") == 2  # zero-width space, Hebrew alef


def test_a_section_text_of_3000_is_fine_and_an_emoji_past_it_is_not():
    assert not refused(section("x" * 3000))
    # 3000 code points pass slack_sdk's own check; in UTF-16 it is 3001.
    assert refused(section("x" * 2999 + EMOJI))


def test_a_context_text_element_is_at_most_3000():
    assert not refused({"type": "context", "elements": [mrkdwn("x" * 3000)]})
    assert refused({"type": "context", "elements": [mrkdwn("x" * 3001)]})


def test_a_text_object_is_never_empty_even_in_context():
    assert refused({"type": "context", "elements": [mrkdwn("")]})


def test_each_section_field_is_at_most_2000():
    assert not refused({"type": "section", "fields": [mrkdwn("x" * 2000)] * 10})
    assert refused({"type": "section", "fields": [mrkdwn("x" * 2001)]})


def test_a_header_is_at_most_150_counting_emoji_twice():
    assert not refused({"type": "header", "text": plain("x" * 150)})
    assert refused({"type": "header", "text": plain("x" * 149 + EMOJI)})


def test_button_text_75_and_value_2000_in_utf16():
    assert not refused({"type": "actions", "elements": [button(text=plain("x" * 75), value="v" * 2000)]})
    assert refused({"type": "actions", "elements": [button(text=plain("x" * 74 + EMOJI))]})
    assert refused({"type": "actions", "elements": [button(value="v" * 1999 + EMOJI)]})


def test_an_option_description_is_at_most_75():
    menu = {"type": "overflow", "action_id": "more"}
    other = option("Two", "2")
    assert not refused(section(accessory={**menu, "options": [option(description=plain("d" * 75)), other]}))
    assert refused(section(accessory={**menu, "options": [option(description=plain("d" * 76)), other]}))


def test_an_option_text_and_value_in_utf16():
    menu = {"type": "static_select", "action_id": "pick", "placeholder": plain("Pick")}
    assert not refused(section(accessory={**menu, "options": [option("x" * 75, "v" * 150)]}))
    assert refused(section(accessory={**menu, "options": [option("x" * 74 + EMOJI)]}))
    assert refused(section(accessory={**menu, "options": [option(value="v" * 149 + EMOJI)]}))


@pytest.mark.parametrize(("kind", "most"), [("radio_buttons", 10), ("checkboxes", 10)])
def test_radio_buttons_and_checkboxes_hold_at_most_10_options(kind, most):
    def block(count: int) -> dict[str, Any]:
        options = [option(str(n), str(n)) for n in range(count)]
        return {"type": "actions", "elements": [{"type": kind, "action_id": "a", "options": options}]}

    assert not refused(block(most))
    assert refused(block(most + 1))


def test_a_confirm_dialog_title_100_text_300_in_utf16():
    def confirm(title: str, text: str) -> dict[str, Any]:
        return {"type": "actions", "elements": [button(confirm={
            "title": plain(title), "text": plain(text), "confirm": plain("Yes"), "deny": plain("No")})]}

    assert not refused(confirm("t" * 100, "x" * 300))
    assert refused(confirm("t" * 99 + EMOJI, "x"))
    assert refused(confirm("t", "x" * 299 + EMOJI))


def test_a_placeholder_is_at_most_150():
    assert not refused(text_input(placeholder=plain("p" * 150)))
    assert refused(text_input(placeholder=plain("p" * 149 + EMOJI)))


def test_an_input_label_and_hint_are_at_most_2000():
    assert not refused({**text_input(), "label": plain("l" * 2000), "hint": plain("h" * 2000)})
    assert refused({**text_input(), "label": plain("l" * 2001)})
    assert refused({**text_input(), "hint": plain("h" * 1999 + EMOJI)})


@pytest.mark.parametrize(
    ("extra", "ok"),
    [({"max_length": 3000}, True), ({"max_length": 3001}, False), ({"max_length": 0}, False),
     ({"min_length": 0}, True), ({"min_length": 3001}, False), ({"max_length": "300"}, False),
     ({"min_length": 10, "max_length": 5}, False), ({"min_length": 5, "max_length": 5}, True)],
    ids=["max-3000", "max-3001", "max-0", "min-0", "min-3001", "max-a-string", "min-over-max",
         "min-equals-max"],
)
def test_plain_text_input_min_and_max_length_are_0_to_3000(extra, ok):
    assert refused(text_input(**extra)) is not ok


def test_an_initial_value_fits_the_input_max_length_and_3000():
    assert not refused(text_input(max_length=300, initial_value="x" * 300))
    assert refused(text_input(max_length=300, initial_value="x" * 299 + EMOJI))
    assert not refused(text_input(initial_value="x" * 3000))
    assert refused(text_input(initial_value="x" * 3001))


def test_action_id_and_block_id_are_at_most_255_in_utf16():
    assert not refused(section(block_id="b" * 255))
    assert refused(section(block_id="b" * 254 + EMOJI))
    assert refused({"type": "actions", "elements": [button(action_id="a" * 254 + EMOJI)]})


def test_a_message_refused_for_a_length_says_where():
    problem = message_problems({"text": "x", "blocks": [section(), section("x" * 3001)]})
    assert problem is not None and problem[0] == "invalid_blocks"
    assert any("[json-pointer:/blocks/1]" in line for line in problem[1])


@pytest.mark.parametrize(
    ("extra", "ok"),
    [({"title": plain("x" * 24)}, True), ({"title": plain("x" * 23 + EMOJI)}, False),
     ({"submit": plain("s" * 23 + EMOJI)}, False), ({"close": plain("c" * 23 + EMOJI)}, False),
     ({"title": mrkdwn("Record")}, False),
     ({"private_metadata": "m" * 3000}, True), ({"private_metadata": "m" * 2999 + EMOJI}, False),
     ({"private_metadata": 12}, False),
     ({"callback_id": "c" * 255}, True), ({"callback_id": "c" * 256}, False),
     ({"external_id": "e" * 256}, False)],
    ids=["title-24", "title-emoji-25", "submit-25", "close-25", "title-mrkdwn", "metadata-3000",
         "metadata-3001", "metadata-not-a-string", "callback-255", "callback-256", "external-id-256"],
)
def test_view_title_buttons_metadata_and_ids(extra, ok):
    assert (not view_problems(modal(**extra))) is ok


def test_view_blocks_get_the_same_rules():
    assert view_problems(modal([text_input(max_length=3001)]))
    assert not view_problems(modal([text_input(max_length=3000)]))


# ------------------------------------------------------- rules beyond lengths, each both ways


def overflow(count: int) -> dict[str, Any]:
    return section(accessory={"type": "overflow", "action_id": "more",
                              "options": [option(str(n), str(n)) for n in range(count)]})


@pytest.mark.parametrize(("count", "ok"), [(1, False), (2, True), (5, True), (6, False)])
def test_an_overflow_menu_lists_2_to_5_options(count, ok):
    assert refused(overflow(count)) is not ok


def test_a_context_block_holds_at_most_10_elements():
    assert not refused({"type": "context", "elements": [mrkdwn("x")] * 10})
    assert refused({"type": "context", "elements": [mrkdwn("x")] * 11})


def test_a_section_holds_at_most_10_fields():
    assert not refused({"type": "section", "fields": [mrkdwn("x")] * 10})
    assert refused({"type": "section", "fields": [mrkdwn("x")] * 11})


def test_an_action_id_is_unique_across_blocks_of_a_message_and_a_view():
    first = {"type": "actions", "elements": [button(action_id="done")]}
    again = {"type": "actions", "elements": [button(action_id="done")]}
    other = {"type": "actions", "elements": [button(action_id="done:2")]}
    assert not refused(first, other)
    assert refused(first, again)
    assert any("duplicate action_id 'done'" in p for p in view_problems(modal([first, again])))
    assert not view_problems(modal([first, other]))


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://example.com/plans/abc?x=1", True), ("http://127.0.0.1:3000/p", True),
     ("example.com/plans", False), ("javascript:alert(1)", False), ("https://", False),
     ("https://exa mple.com", False), ("ftp://example.com/x", False)],
)
def test_a_button_url_is_an_absolute_http_url(url, ok):
    assert refused({"type": "actions", "elements": [button(url=url)]}) is not ok


def test_a_button_url_is_at_most_3000():
    base = "https://example.com/"
    assert not refused({"type": "actions", "elements": [button(url=base + "a" * (3000 - len(base)))]})
    assert refused({"type": "actions", "elements": [button(url=base + "a" * (3001 - len(base)))]})


def test_an_image_url_is_an_absolute_http_url():
    assert not refused({"type": "image", "image_url": "https://example.com/a.png", "alt_text": "a"})
    assert refused({"type": "image", "image_url": "/a.png", "alt_text": "a"})


def test_emoji_belongs_to_plain_text_and_verbatim_to_mrkdwn():
    assert not refused({"type": "section", "text": {"type": "mrkdwn", "text": "x", "verbatim": True}})
    assert not refused({"type": "header", "text": {"type": "plain_text", "text": "x", "emoji": True}})
    assert refused({"type": "section", "text": {"type": "mrkdwn", "text": "x", "emoji": True}})
    assert refused({"type": "header", "text": {"type": "plain_text", "text": "x", "verbatim": True}})
    assert refused({"type": "header", "text": {"type": "plain_text", "text": "x", "emoji": "yes"}})


@pytest.mark.parametrize("blank", ["", " ", "\n\t "])
def test_no_text_is_empty_or_blank_anywhere(blank):
    assert not refused(section("x"), {"type": "context", "elements": [mrkdwn("x")]})
    assert refused(section(blank))
    assert refused({"type": "context", "elements": [mrkdwn(blank)]})
    assert refused({"type": "header", "text": plain(blank)})
    assert refused({"type": "actions", "elements": [button(text=plain(blank))]})
    assert refused({"type": "section", "fields": [mrkdwn("x"), mrkdwn(blank)]})


def test_an_option_value_is_never_empty():
    menu = {"type": "static_select", "action_id": "pick", "placeholder": plain("Pick")}
    assert not refused(section(accessory={**menu, "options": [option(value="v")]}))
    assert refused(section(accessory={**menu, "options": [option(value="")]}))


def test_an_initial_option_is_one_of_the_options():
    menu = {"type": "static_select", "action_id": "pick", "placeholder": plain("Pick"),
            "options": [option("One", "1"), option("Two", "2")]}
    assert not refused(section(accessory={**menu, "initial_option": option("Two", "2")}))
    assert refused(section(accessory={**menu, "initial_option": option("Three", "3")}))
    assert refused(section(accessory={**menu, "initial_option": option("Renamed", "2")}))


@pytest.mark.parametrize(("date", "ok"), [("2026-02-28", True), ("2026-02-30", False),
                                          ("28/02/2026", False), ("2026-2-8", False)])
def test_a_datepicker_initial_date_is_a_real_iso_date(date, ok):
    picker = {"type": "datepicker", "action_id": "due", "initial_date": date}
    assert refused({"type": "actions", "elements": [picker]}) is not ok


def test_a_message_with_blocks_carries_a_text_fallback():
    assert message_problems({"text": "Summary", "blocks": [section()]}) is None
    for args in ({"blocks": [section()]}, {"text": "", "blocks": [section()]},
                 {"text": "  ", "blocks": [section()]}):
        problem = message_problems(args)
        assert problem is not None and problem[0] == "no_text", args
    assert message_problems({"text": " \n "}) is not None


def test_a_modal_with_inputs_has_a_submit_button():
    assert not view_problems(modal([text_input()]))
    no_submit = {k: v for k, v in modal([text_input()]).items() if k != "submit"}
    assert view_problems(no_submit) == ["view: a modal with input blocks needs a submit button"]
    assert not view_problems({k: v for k, v in modal().items() if k != "submit"})


def test_a_home_view_has_no_title_or_buttons_and_holds_100_blocks():
    home = {"type": "home", "blocks": [section(block_id=f"b{n}") for n in range(100)]}
    assert not view_problems(home)
    assert view_problems({**home, "blocks": [*home["blocks"], section()]})
    assert any("home view takes no submit" in p for p in view_problems({**home, "submit": plain("Go")}))


def test_a_message_holds_50_blocks_and_a_modal_100():
    assert message_problems({"text": "x", "blocks": [section()] * 50}) is None
    assert message_problems({"text": "x", "blocks": [section()] * 51}) is not None
    assert not view_problems(modal([section()] * 100))
    assert view_problems(modal([section()] * 101))


@pytest.mark.parametrize("key", ["title", "submit", "close"])
@pytest.mark.parametrize("blank", ["", "   "])
def test_a_modal_title_submit_and_close_are_never_blank(key, blank):
    assert not view_problems(modal(**{key: plain("Fine")}))
    assert view_problems(modal(**{key: plain(blank)}))


def test_a_modal_has_a_title():
    untitled = {k: v for k, v in modal().items() if k != "title"}
    assert view_problems(untitled) == ["view: a modal needs a title"]


@pytest.mark.parametrize(
    "text",
    ["<@U0ALICE> owns it", "in <#C0DEAL>", "<#C0DEAL|deal-acme>", "<!here>", "<!subteam^S0TEAM>",
     "<!date^1700000000^{date_short}|Nov 14>", "<https://example.com/a?b=c|the plan>",
     "<mailto:a@example.com|mail>", "&lt;id&gt; &amp; more", "> a quote\nand a line"],
)
def test_mrkdwn_takes_mentions_links_dates_and_escapes(text):
    assert not refused(section(text))
    assert message_problems({"text": text}) is None


@pytest.mark.parametrize("text", ["`/partner deal <name> signed`", "a > b", "a < b", "Q&A",
                                  "<javascript:x|y>", "<https://exa mple.com|y>"])
def test_mrkdwn_refuses_control_characters_left_unescaped(text):
    assert refused(section(text))
    assert refused({"type": "context", "elements": [mrkdwn(text)]})
    problem = message_problems({"text": text})
    assert problem is not None and problem[0] == "invalid_arguments"
    assert message_problems({"text": text, "mrkdwn": False}) is None  # plain text shows it as typed
    assert not refused({"type": "header", "text": plain(text)})  # plain_text is never parsed
