"""Which subcommand someone meant when they typed a word `/partner` doesn't know. Pure.

A wrong guess is worse than none: "Did you mean `deal`?" under `/partner delete 3` sends a
newcomer off to change a deal's stage. So a guess is either a word people use for that
action ("delete" → `drop`) or a real slip of the keyboard (one or two letters off, or the
start of the word); anything else gets no guess, only the pointer to `/partner help`.
"""

from __future__ import annotations

# Words people reach for, and the subcommand that does it. Only unambiguous ones: "add"
# could be a give or a get, so it names both.
INTENT_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("add", "new", "log", "create", "track", "record", "step", "task"),
                     ("give", "get")),
    **dict.fromkeys(("promise", "offer", "commit", "provide", "send"), ("give",)),
    **dict.fromkeys(("ask", "expect", "request", "want", "need", "receive", "chase"), ("get",)),
    **dict.fromkeys(("show", "status", "view", "items", "todo", "todos", "tasks", "open",
                     "overdue", "mine", "commitments", "balance", "steps", "stats"),
                    ("list",)),
    **dict.fromkeys(("complete", "completed", "finish", "finished", "close", "kept", "keep",
                     "tick", "check", "resolve", "resolved", "delivered"), ("done",)),
    **dict.fromkeys(("delete", "remove", "rm", "del", "cancel", "discard", "abandon"), ("drop",)),
    **dict.fromkeys(("change", "update", "modify", "rename", "move", "due", "date"), ("edit",)),
    **dict.fromkeys(("deals", "pipeline", "opportunity", "opp", "signed", "won"), ("deal",)),
    **dict.fromkeys(("call", "debrief", "mtg", "meet", "meetings"), ("meeting",)),
    **dict.fromkeys(("summary", "report", "recap", "weekly", "week"), ("digest",)),
    **dict.fromkeys(("followup", "follow-up", "renewal"), ("checkins",)),
    **dict.fromkeys(("link", "invite", "partner", "publish"), ("share",)),
    **dict.fromkeys(("download", "csv", "markdown", "md", "pdf"), ("export",)),
    **dict.fromkeys(("hide", "secret", "internal", "public", "unhide"), ("private",)),
    **dict.fromkeys(("ics", "ical", "calender", "cal", "gcal", "outlook"), ("calendar",)),
    **dict.fromkeys(("hi", "hello", "hey", "commands", "usage", "about", "info", "start",
                     "setup", "how", "what", "man", "what's", "whats", "who", "where", "why",
                     "when", "which"), ("help",)),
    # The order of the plan's steps: `plan move <id> <place>`.
    **dict.fromkeys(("reorder", "order", "sort", "rank", "prioritise", "prioritize", "sequence"),
                    ("plan",)),
}

# Words for the mutual plan itself or the partner's side of it: all of them are `plan`
# (bot.domain.commands), which shows the plan as the partner sees it; "confirm 3" co-signs
# an item when the partner types it, and tells our team that only the partner can.
PLAN_WORDS = frozenset({"plan", "mutual", "mutual-plan", "mutualplan", "confirm", "confirmed",
                        "cosign", "co-sign", "countersign", "signoff", "sign-off", "agree"})

# Shorter words than this are too easy to match by accident ("go" is one letter from "get").
_MIN_TYPO_LENGTH = 3


def suggest_subcommands(word: str, subcommands: tuple[str, ...]) -> tuple[str, ...]:
    """The subcommand(s) ``word`` most likely meant, best first; empty when nothing is close.

    ``suggest_subcommands("delete", …)`` → ``("drop",)``; ``("gvie", …)`` → ``("give",)``;
    ``("frobnicate", …)`` → ``()``.
    """
    word = word.casefold().strip()
    if not word:
        return ()
    if word in INTENT_WORDS:
        return INTENT_WORDS[word]
    if len(word) < _MIN_TYPO_LENGTH:
        return ()
    starts = [name for name in subcommands if name.startswith(word)]
    if len(starts) == 1:  # "cal", "exp", "check": the start of exactly one subcommand
        return (starts[0],)
    allowed = 1 if len(word) <= 4 else 2  # "dne" → done; "calnedar" → calendar
    scored = sorted(
        (distance, index, name)
        for index, name in enumerate(subcommands)
        if (distance := _slips(word, name)) <= allowed
    )
    return (scored[0][2],) if scored else ()


def _slips(a: str, b: str) -> int:
    """Keyboard slips between two words: letters added, dropped, changed or swapped with the
    next one (optimal string alignment distance)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
