"""Multi-workspace install (SLACK_CLIENT_ID/SECRET): OAuth pages, per-workspace tokens, isolation."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa
from slack_sdk.oauth.installation_store import Installation

from bot.config import ConfigError, Settings
from bot.emulator.driver import SlackDriver
from bot.emulator.local_bot import LocalBot
from bot.manifest import BOT_SCOPES
from bot.services.outcome import Message
from bot.slack import oauth
from bot.store import Scope
from bot.store.postgres_store import make_engine
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text
from tests.postgres.support import postgres_for_tests

CLIENT_ID = "1111.2222"
T1, T2 = "T0000ONE", "T0000TWO"
TOKENS = {T1: "xoxb-workspace-one", T2: "xoxb-workspace-two"}


@pytest.fixture
def database():
    database = postgres_for_tests()
    database.reset()
    engine = make_engine(database.url, poolclass=sa.NullPool)
    oauth.create_tables(engine)
    with engine.begin() as conn:
        for table in ("slack_bots", "slack_installations", "slack_oauth_states"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    yield database, engine
    engine.dispose()


def install(engine, team_id: str) -> None:
    """A workspace's installation, saved as the OAuth callback would."""
    store = oauth.installation_store(engine, CLIENT_ID)
    store.save(Installation(
        app_id="A0001", enterprise_id=None, team_id=team_id, user_id=ALICE,
        bot_token=TOKENS[team_id], bot_id="B" + team_id, bot_user_id="UBOT",
        bot_scopes=sorted(BOT_SCOPES),
    ))


@pytest.fixture
def oauth_bot(database, emulator, clock, tmp_path):
    db, _ = database
    emulator.token = None  # any workspace's token is accepted; each call records its token
    local = LocalBot(emulator, tmp_path / "unused.json", clock)
    local.settings = dataclasses.replace(
        local.settings, bot_token=None, client_id=CLIENT_ID, client_secret="s3cret",
        database_url=db.url,
    )
    local.start()
    yield local
    local.stop()


def test_oauth_settings_require_database_url():
    env = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": "s3cret",
           "SLACK_SIGNING_SECRET": "0123456789abcdef"}
    with pytest.raises(ConfigError, match="^DATABASE_URL is not set"):
        Settings.from_env(env)
    with pytest.raises(ConfigError, match="^SLACK_CLIENT_SECRET is not set"):
        Settings.from_env({**env, "SLACK_CLIENT_SECRET": ""})
    settings = Settings.from_env({**env, "DATABASE_URL": "postgresql://u:p@h/db"})
    assert settings.oauth and settings.bot_token is None
    assert "s3cret" in settings.secrets()


def test_install_page_links_to_slack_with_client_id_and_scopes(oauth_bot):
    response = requests.get(oauth_bot.base_url + oauth.INSTALL_PATH, allow_redirects=False, timeout=5)
    assert response.status_code in (200, 302)
    text = response.headers.get("Location") or response.text
    start = text.index("https://slack.com/oauth/v2/authorize")
    link = text[start:].split('"')[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)
    assert query["state"]


def test_oauth_callback_saves_the_workspace_installation(oauth_bot, emulator, database):
    _, engine = database
    session = requests.Session()
    page = session.get(oauth_bot.base_url + oauth.INSTALL_PATH, allow_redirects=False, timeout=5)
    link = (page.headers.get("Location") or page.text)
    state = parse_qs(urlsplit(link[link.index("https://slack.com/"):].split('"')[0]
                              .replace("&amp;", "&")).query)["state"][0]
    emulator.oauth_codes["code-1"] = (T2, TOKENS[T2])
    assert f"slack-app-oauth-state={state}" in page.headers["Set-Cookie"]
    # The cookie is Secure (https only); hand it back as the browser would over https.
    done = session.get(oauth_bot.base_url + oauth.REDIRECT_PATH,
                       params={"code": "code-1", "state": state},
                       headers={"Cookie": f"slack-app-oauth-state={state}"}, timeout=5)
    assert done.status_code == 200, done.text
    bot = oauth.installation_store(engine, CLIENT_ID).find_bot(enterprise_id=None, team_id=T2)
    assert bot is not None and bot.bot_token == TOKENS[T2]


def test_workspaces_are_isolated_and_each_is_served_with_its_own_token(oauth_bot, emulator, database):
    _, engine = database
    install(engine, T1)
    install(engine, T2)
    one = SlackDriver(oauth_bot.events_url, oauth_bot.signing_secret, emulator, team_id=T1)
    two = SlackDriver(oauth_bot.events_url, oauth_bot.signing_secret, emulator, team_id=T2)
    try:
        given = reply_text(one.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL))
        assert "pilot workspace" in given
        listed = reply_text(two.command("list", user=ALICE, channel=DEAL))
        assert "pilot workspace" not in listed
        assert "pilot workspace" in reply_text(one.command("list", user=ALICE, channel=DEAL))
    finally:
        one.close()
        two.close()
    ledger = oauth_bot.runtime.services.ledger
    assert [i.what for i in ledger.items(Scope(T1, DEAL))] == ["a pilot workspace"]
    assert ledger.items(Scope(T2, DEAL)) == []
    # Bolt authorized each request with that workspace's installation.
    auth_tokens = {c.token for c in emulator.calls_to("auth.test")}
    assert auth_tokens == {TOKENS[T1], TOKENS[T2]}

    # The scheduler posts for each workspace with that workspace's token.
    schedule = oauth_bot.runtime.services.schedule
    now = oauth_bot.runtime.clock.now()
    for team in (T1, T2):
        assert schedule.schedule_post(Scope(team, DEAL), f"test:{team}", now - timedelta(seconds=1),
                                      Message("error", {"message": "scheduled", "usage": None}))
    before = len(emulator.calls_to("chat.postMessage"))
    schedule.run_due()
    posts = emulator.calls_to("chat.postMessage")[before:]
    assert sorted(c.token for c in posts if c.response.get("ok")) == sorted(TOKENS.values())
