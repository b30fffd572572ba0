"""The partner's page keeps WCAG AA contrast (4.5:1 for text) for every colour pair it uses."""

from __future__ import annotations

import re

import pytest

from bot.documents import stylesheet

CSS = str(stylesheet("plan_page")[0])
VARIABLES = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))
PAGE, CARD, NEUTRAL_BADGE = "#f6f6f8", "#ffffff", "#e5e7eb"


def colour(name: str) -> str:
    return VARIABLES[name[2:]] if name.startswith("--") else name


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(colour(a)), luminance(colour(b))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(("text", "background"), [
    ("--ink", PAGE), ("--ink", CARD), ("--muted", PAGE), ("--muted", CARD), ("--ink", NEUTRAL_BADGE),
    ("--ok", "--ok-bg"), ("--late", "--late-bg"), ("--wait", "--wait-bg"), ("--ok", CARD),
    (CARD, "--accent"), ("--accent", CARD), ("--accent", PAGE),  # links: pages, the skip to their side
])
def test_text_colours_meet_wcag_aa(text, background):
    assert contrast(text, background) >= 4.5


def test_the_checker_tells_good_from_bad_contrast():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") < 4.5
