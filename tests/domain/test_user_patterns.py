"""Users' CRM patterns on RE2: what is accepted, what is refused and with which advice."""

from __future__ import annotations

import pytest

from bot.domain.user_patterns import MAX_TEXT, PatternMatch, compile_pattern, matches, validate_pattern
from tests.refusals import shown

MOVED = r"(?P<deal>.+) moved to (?P<stage>\w+)"


def test_named_groups_are_read_case_insensitively() -> None:
    pattern = compile_pattern(r"^(?P<deal>[^:]+) :: (?P<from>\w+) >> (?P<stage>\w+)$")
    assert pattern is not None
    assert pattern.search("ACME :: LEAD >> WON") == PatternMatch("ACME", "WON", "LEAD")


def test_a_match_with_an_empty_group_counts_as_no_match() -> None:
    pattern = compile_pattern(r"(?P<deal>x)?(?P<stage>y)?z")
    assert pattern is not None and pattern.search("z") is None


@pytest.mark.parametrize(
    "pattern",
    [MOVED, r"(?<deal>\S+) is now (?<stage>.+)", r"(?P<deal>(a+)+) (?P<stage>\w+)",
     r"(?P<deal>(\w{1,10}){1,10}) -> (?P<stage>\w+)", r"(?P<deal>.*)x(?P<stage>.*)y.*z"],
)
def test_shapes_that_backtrack_in_python_are_fine_on_re2(pattern: str) -> None:
    assert validate_pattern(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "advice"),
    [
        (r"(?P<deal>\w+)(?=!) (?P<stage>\w+)", "Match the text itself"),
        (r"(?P<deal>\w+)(?!x) (?P<stage>\w+)", "character class"),
        (r"(?<=Deal )(?P<deal>\w+) (?P<stage>\w+)", "Put the text before the group"),
        (r"(?<!x)(?P<deal>\w+) (?P<stage>\w+)", "character class"),
        (r"(?P<deal>(\w)\1) (?P<stage>\w+)", "Write the repeated text out"),
        (r"(?P<deal>\w+) (?P=deal) (?P<stage>\w+)", "Write the repeated text out"),
        (r"(?P<deal>(?>\w+)) (?P<stage>\w+)", "plain group"),
        (r"(?P<deal>\w++) (?P<stage>\w+)", "write `a+`"),
        (r"(?P<deal>\w{1,2000}) (?P<stage>\w+)", "{1,80}"),
        (r"(?x) (?P<deal>\w+) (?P<stage>\w+)", "Only the flags"),
        (r"(?P<deal>\w+)\Z(?P<stage>\w+)", "not a valid regular expression"),
        ("[z-a](?P<deal>x)(?P<stage>y)", "not a valid regular expression"),
        (r"(.+) moved to (.+)", "(?P<deal>...)` and `(?P<stage>...)"),
        ("", "empty"),
        ("(?P<deal>" + "a" * 300 + ")(?P<stage>b)", "300"),
    ],
)
def test_patterns_re2_cannot_run_are_refused_with_what_to_write(pattern: str, advice: str) -> None:
    refusal = validate_pattern(pattern)
    assert refusal is not None and advice in shown(refusal)
    assert compile_pattern(pattern) is None


def test_refusing_a_pattern_prints_nothing(capfd) -> None:
    validate_pattern(r"(?P<deal>(a)\1)(?P<stage>b)")
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_matches_skip_refused_patterns_and_go_pattern_by_pattern() -> None:
    lines = ["Umbrella moved to won", "Acme moved to lost"]
    patterns = ["(a)\\1", MOVED, r"(?P<deal>Acme) moved to (?P<stage>\w+)"]
    found = list(matches("\n".join(lines), patterns, lines))
    assert [(m.deal, m.stage) for m in found] == [("Umbrella", "won"), ("Acme", "lost"), ("Acme", "lost")]


def test_no_pattern_runs_on_text_longer_than_a_slack_message() -> None:
    text = "Acme moved to won " + "x" * MAX_TEXT
    assert list(matches(text, [MOVED], [text])) == []
