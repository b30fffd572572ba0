"""Moving one step of the mutual plan to another place on its side. Pure, and a leaf.

The words people type for a place (`/partner plan move 4 top`) live here once: the command
parser builds its pattern from :data:`MOVE_WORDS`, and :func:`move_step` reads the same table.
This module imports nothing of the parser, so both can use it without a circular import.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.refusal import Refused

# Where each word puts a step: a function of (its index now, the last index of its side).
_PLACES: dict[str, Callable[[int, int], int]] = {
    "top": lambda at, last: 0,
    "first": lambda at, last: 0,
    "bottom": lambda at, last: last,
    "last": lambda at, last: last,
    "up": lambda at, last: max(0, at - 1),
    "down": lambda at, last: min(last, at + 1),
}
# What people type for a position, besides a number.
MOVE_WORDS: tuple[str, ...] = tuple(_PLACES)


class MoveError(Refused):
    """A step can't be moved there; the refusal says why."""


def move_step(side: list[int], number: int, target: int | str) -> list[int]:
    """The numbers of one side of the plan after moving step ``number`` to ``target``.

    ``side`` is the side as the plan shows it now. ``target``: a position counted from 1
    (past the end means last), or one of :data:`MOVE_WORDS`.
    """
    if number not in side:
        raise MoveError("plan_step_missing", number=number)
    at = side.index(number)
    if isinstance(target, int):
        if target < 1:
            raise MoveError("plan_move_position", number=number, steps=len(side))
        to = min(target, len(side)) - 1
    else:
        to = _PLACES[target](at, len(side) - 1)
    rest = [n for n in side if n != number]
    return rest[:to] + [number] + rest[to:]
