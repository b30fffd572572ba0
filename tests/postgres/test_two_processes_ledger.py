"""Two `serve` processes on one PostgreSQL, gives alternating between them: each keeps the
channel's items cached, and each reply still counts every item, whichever process wrote it."""

from __future__ import annotations

import re

from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.serve_process import BOT_TOKEN, ServeProcess

OPEN = re.compile(r"\*We give:\* (\d+) open")


def test_each_reply_counts_the_other_process_s_gives(database, emulator, tmp_path):
    emulator.token = BOT_TOKEN
    env = {"DATABASE_URL": database.url}
    procs = [ServeProcess(emulator, tmp_path / f"unused{i}.json", **env) for i in range(2)]
    try:
        for proc in procs:
            proc.wait_ready()
        numbers, counts = [], []
        for i in range(8):
            # A, A, B, B, A, A, …: each process's cache is stale every other give.
            proc = procs[(i // 2) % 2]
            response = proc.driver.command(f"give pilot step {i}", user=(ALICE, BOB)[i % 2], channel=DEAL)
            assert response.status_code == 200, response.text
            numbers.append(int(response.text.split("Logged *#", 1)[1].split("*", 1)[0]))
            counts.append(int(OPEN.search(response.text).group(1)))  # type: ignore[union-attr]
        assert numbers == list(range(1, 9))  # allocated once, across processes
        assert counts == list(range(1, 9))  # each balance includes the other process's items
        listing = procs[0].driver.command("list", user=ALICE, channel=DEAL).text
        assert all(f"pilot step {i}" in listing for i in range(8))
    finally:
        for proc in procs:
            proc.close()
