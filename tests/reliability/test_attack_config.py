"""A configuration can't silently answer nothing: `serve` from the shipped `.env.sample`.

Loading `.env.sample` the way the docs say (`set -a; . ./.env; set +a`) leaves
SLACK_CLIENT_ID= and SLACK_CLIENT_SECRET= set but empty. Bolt used to take that for
an OAuth install, ignore the bot token and answer every command with an empty 200.
Empty means unset, and Bolt's app is built from the validated settings only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from bot.store import Scope, TinyDBStore
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text
from tests.e2e.serve_process import BOT_TOKEN, SIGNING_SECRET, ServeProcess, serve_env, unused_port

ROOT = Path(__file__).resolve().parents[2]


def env_sample() -> dict[str, str]:
    """What `set -a; . ./.env.sample; set +a` exports, read by the shell itself."""
    script = f"set -a; . '{ROOT / '.env.sample'}'; set +a; env -0"
    output = subprocess.run(["bash", "-c", script], env={}, capture_output=True, check=True).stdout
    exported = dict(item.split("=", 1) for item in output.decode().split("\0") if "=" in item)
    return {k: v for k, v in exported.items() if k not in ("PWD", "SHLVL", "_", "OLDPWD")}


def test_the_sample_leaves_oauth_variables_empty():
    sample = env_sample()
    assert sample["SLACK_CLIENT_ID"] == "" and sample["SLACK_CLIENT_SECRET"] == ""


def test_serve_from_the_sample_plus_a_token_and_secret_answers_and_stores(emulator, tmp_path):
    sample = env_sample()
    sample.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    # Only where the bot runs differs from the sample: the emulator, a scratch file, a free port.
    sample.update(SLACK_API_URL=emulator.api_url, PARTNER_COACH_DB=str(tmp_path / "db.json"))
    del sample["PORT"]  # ServeProcess lets serve pick a free one (PORT=0)
    proc = ServeProcess(emulator, tmp_path / "db.json", **sample)
    try:
        proc.wait_ready()
        response = proc.driver.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
        assert response.status_code == 200 and "Logged *#1*" in reply_text(response)
        assert proc.terminate() == 0
        output = proc.output()
    finally:
        proc.close()
    assert "OAuth" not in output and "installation" not in output.lower(), output
    store = TinyDBStore(tmp_path / "db.json")
    stored = [d["what"] for d in store.find(Scope("T0001", DEAL), "commitment")]
    store.close()
    assert stored == ["a pilot workspace"]


def test_serve_with_an_unreachable_slack_api_prints_exactly_one_line(emulator, tmp_path):
    env = serve_env(emulator, tmp_path / "db.json", unused_port())
    env["SLACK_API_URL"] = f"http://127.0.0.1:{unused_port()}/api/"  # nothing listens there
    result = subprocess.run([sys.executable, "-m", "bot", "serve"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("partner-coach: SLACK_API_URL") and "not reachable" in lines[0]


def test_every_variable_of_the_sample_left_empty_reads_as_unset():
    empty = {name: "" for name in env_sample()}
    required = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    assert Settings.from_env({**empty, **required}) == Settings.from_env(required)


def test_a_port_of_digits_int_cannot_read_is_one_line(emulator, tmp_path):
    env = serve_env(emulator, tmp_path / "db.json", 0, PORT="\u00b2")  # "²": isdigit(), not int()
    result = subprocess.run([sys.executable, "-m", "bot", "serve"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "PORT" in lines[0]
