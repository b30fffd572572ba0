"""The time-shift hook (tests/timeshift) really moves the wall clock of every process it reaches."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.timeshift.sitecustomize import SHIFT_VARIABLE

HOOK = str(Path(__file__).parent / "timeshift")
PRINT_NOW = "import time; print(time.time())"


def wall_clock_of_a_subprocess(**env: str) -> float:
    base = {k: v for k, v in os.environ.items() if k not in (SHIFT_VARIABLE, "PYTHONPATH")}
    out = subprocess.run([sys.executable, "-c", PRINT_NOW], env={**base, **env},
                         capture_output=True, text=True, check=True, timeout=60)
    return float(out.stdout)


def test_a_process_started_with_the_hook_lives_days_ahead():
    plain = wall_clock_of_a_subprocess()
    shifted = wall_clock_of_a_subprocess(PYTHONPATH=HOOK, **{SHIFT_VARIABLE: "400"})
    assert 399.9 < (shifted - plain) / 86400 < 400.1


def test_without_the_variable_the_hook_changes_nothing():
    plain = wall_clock_of_a_subprocess()
    hooked = wall_clock_of_a_subprocess(PYTHONPATH=HOOK)
    assert abs(hooked - plain) < 3600


def test_a_fraction_of_a_day_lands_the_run_at_a_chosen_moment():
    plain = wall_clock_of_a_subprocess()
    shifted = wall_clock_of_a_subprocess(PYTHONPATH=HOOK, **{SHIFT_VARIABLE: "0.25"})
    assert 5.9 < (shifted - plain) / 3600 < 6.1
