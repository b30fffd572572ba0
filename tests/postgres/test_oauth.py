"""Multi-workspace install (SLACK_CLIENT_ID/SECRET): OAuth pages, per-workspace tokens, isolation."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa
from slack_sdk.oauth.installation_store import Installation

from bot.config import ConfigError, Settings
from bot.emulator.driver import SlackDriver, state_value
from bot.emulator.local_bot import LocalBot
from bot.manifest import BOT_SCOPES
from bot.services.outcome import Message
from bot.slack import oauth
from bot.store import Scope
from bot.store.postgres_store import make_engine
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text
from tests.e2e.test_listening import send_webhook
from tests.e2e.test_schedule import wait_until as wait_for
from tests.postgres.support import postgres_for_tests

CLIENT_ID = "1111.2222"
T1, T2 = "T0000ONE", "T0000TWO"
TOKENS = {T1: "xoxb-workspace-one", T2: "xoxb-workspace-two"}
# An Enterprise Grid org with two workspaces, the app installed org-wide.
GRID, GRID_A, GRID_B = "E0000GRID", "T0000GRIDA", "T0000GRIDB"
ORG_TOKEN = "xoxb-org-wide"
ORG_KEY = f"{GRID}:*"


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


def install(engine, team_id: str | None, *, enterprise_id: str | None = None,
            token: str | None = None) -> None:
    """An installation saved as the OAuth callback would; ``team_id=None`` is org-wide."""
    store = oauth.installation_store(engine, CLIENT_ID)
    store.save(Installation(
        app_id="A0001", enterprise_id=enterprise_id, team_id=team_id, user_id=ALICE,
        bot_token=token or TOKENS[team_id], bot_id="B" + (team_id or enterprise_id), bot_user_id="UBOT",
        bot_scopes=sorted(BOT_SCOPES), is_enterprise_install=team_id is None,
    ))


def find_bot(engine, team_id: str | None, enterprise_id: str | None = None):
    return oauth.installation_store(engine, CLIENT_ID).find_bot(
        enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=team_id is None)


@pytest.fixture
def oauth_bot(database, emulator, clock, tmp_path):
    db, _ = database
    emulator.token = None  # any workspace's token is accepted; each call records its token
    local = LocalBot(emulator, tmp_path / "unused.json", clock, webhook_secret="whsec-test")
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
    with pytest.raises(ConfigError, match="^SLACK_APP_TOKEN is set, but the OAuth install"):
        Settings.from_env({**env, "DATABASE_URL": "postgresql://u:p@h/db",
                           "SLACK_APP_TOKEN": "xapp-1-A-1-ab"})
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


def complete_install(oauth_bot, code: str) -> requests.Response:
    """Walk the browser through /slack/install and back to /slack/oauth_redirect with ``code``."""
    session = requests.Session()
    page = session.get(oauth_bot.base_url + oauth.INSTALL_PATH, allow_redirects=False, timeout=5)
    link = (page.headers.get("Location") or page.text)
    state = parse_qs(urlsplit(link[link.index("https://slack.com/"):].split('"')[0]
                              .replace("&amp;", "&")).query)["state"][0]
    assert f"slack-app-oauth-state={state}" in page.headers["Set-Cookie"]
    # The cookie is Secure (https only); hand it back as the browser would over https.
    return session.get(oauth_bot.base_url + oauth.REDIRECT_PATH,
                       params={"code": code, "state": state},
                       headers={"Cookie": f"slack-app-oauth-state={state}"}, timeout=5)


def test_oauth_callback_saves_the_workspace_installation(oauth_bot, emulator, database):
    _, engine = database
    emulator.oauth_codes["code-1"] = (T2, TOKENS[T2])
    done = complete_install(oauth_bot, "code-1")
    assert done.status_code == 200, done.text
    bot = find_bot(engine, T2)
    assert bot is not None and bot.bot_token == TOKENS[T2]


def test_an_unknown_code_installs_nothing(oauth_bot, emulator, database):
    _, engine = database
    done = complete_install(oauth_bot, "code-nobody-issued")
    assert done.status_code >= 400
    assert find_bot(engine, T2) is None


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
                                      Message("calendar_chosen", {"channel": DEAL, "title": "scheduled"}))
    before = len(emulator.calls_to("chat.postMessage"))
    schedule.run_due()
    posts = emulator.calls_to("chat.postMessage")[before:]
    assert sorted(c.token for c in posts if c.response.get("ok")) == sorted(TOKENS.values())


# --------------------------------------------------------------------------- Enterprise Grid


def test_org_wide_install_through_the_callback(oauth_bot, emulator, database):
    _, engine = database
    emulator.oauth_codes["code-org"] = (None, ORG_TOKEN, GRID)
    done = complete_install(oauth_bot, "code-org")
    assert done.status_code == 200, done.text
    bot = find_bot(engine, None, GRID)
    assert bot is not None and bot.bot_token == ORG_TOKEN and bot.is_enterprise_install
    assert find_bot(engine, GRID_A, GRID) is None  # not filed as one workspace's install


def test_org_wide_install_keeps_one_ledger_per_channel_for_the_whole_org(oauth_bot, emulator, database):
    _, engine = database
    install(engine, None, enterprise_id=GRID, token=ORG_TOKEN)
    install(engine, T1)
    url, secret = oauth_bot.events_url, oauth_bot.signing_secret
    in_a = SlackDriver(url, secret, emulator, team_id=GRID_A, enterprise_id=GRID, org_wide=True)
    in_b = SlackDriver(url, secret, emulator, team_id=GRID_B, enterprise_id=GRID, org_wide=True)
    outside = SlackDriver(url, secret, emulator, team_id=T1)
    try:
        given = in_a.command("give a pilot workspace", user=ALICE, channel=DEAL)
        assert "pilot workspace" in reply_text(given)
        # The channel is shared with the org's other workspace: same channel, same ledger.
        assert "pilot workspace" in reply_text(in_b.command("list", user=ALICE, channel=DEAL))
        # A workspace outside the org with the same channel id sees nothing of it.
        assert "pilot workspace" not in reply_text(outside.command("list", user=ALICE, channel=DEAL))
        # The Home tab: with an org-level token, membership is asked in the person's workspace.
        assert in_a.app_home_opened(ALICE).status_code == 200
        [home] = emulator.wait_for_count("views.publish", 1)
        assert "pilot workspace" in json.dumps(home.args["view"])
        [lookup] = emulator.calls_to("users.conversations")
        assert lookup.args["team_id"] == emulator.get_user(ALICE)["team_id"] and lookup.token == ORG_TOKEN
    finally:
        for driver in (in_a, in_b, outside):
            driver.close()
    ledger = oauth_bot.runtime.services.ledger
    assert [i.what for i in ledger.items(Scope(ORG_KEY, DEAL))] == ["a pilot workspace"]
    assert ledger.items(Scope(T1, DEAL)) == [] and ledger.items(Scope(GRID_A, DEAL)) == []
    # The scheduler posts for the org with the org-wide token.
    schedule = oauth_bot.runtime.services.schedule
    due = oauth_bot.runtime.clock.now() - timedelta(seconds=1)
    assert schedule.schedule_post(Scope(ORG_KEY, DEAL), "test:org", due,
                                  Message("calendar_chosen", {"channel": DEAL, "title": "scheduled"}))
    before = len(emulator.calls_to("chat.postMessage"))
    assert schedule.run_due().posted == ["test:org"]
    [post] = emulator.calls_to("chat.postMessage")[before:]
    assert post.token == ORG_TOKEN


def test_a_grid_workspace_install_is_keyed_by_enterprise_and_team(oauth_bot, emulator, database):
    _, engine = database
    TOKENS[GRID_A] = "xoxb-grid-workspace-a"
    try:
        install(engine, GRID_A, enterprise_id=GRID)
        with SlackDriver(oauth_bot.events_url, oauth_bot.signing_secret, emulator,
                         team_id=GRID_A, enterprise_id=GRID) as driver:
            assert "case study" in reply_text(driver.command("get a case study", user=ALICE, channel=DEAL))
            # The record button's modal, submitted from the same workspace, lands in the same ledger.
            response = driver.view_submission("record_item", {
                "what": {"value": state_value("plain_text_input", "a reference call")},
                "owner": {"value": state_value("users_select", ALICE)},
            }, user=ALICE, private_metadata=oauth_bot.runtime.services.seal.sign(  # as the bot opened it
                json.dumps({"channel": DEAL, "side": "get", "deal": None})))
            assert response.status_code == 200 and "errors" not in response.text
    finally:
        del TOKENS[GRID_A]
    ledger = oauth_bot.runtime.services.ledger
    wait_for(lambda: len(ledger.items(Scope(f"{GRID}:{GRID_A}", DEAL))) == 2)
    assert ledger.items(Scope(GRID_A, DEAL)) == [] and ledger.items(Scope(ORG_KEY, DEAL)) == []


# --------------------------------------------------------------------------- uninstall


def test_uninstall_drops_that_workspaces_token_and_jobs_only(oauth_bot, emulator, database):
    _, engine = database
    install(engine, T1)
    install(engine, T2)
    schedule = oauth_bot.runtime.services.schedule
    later = oauth_bot.runtime.clock.now() + timedelta(hours=1)
    for team in (T1, T2):
        schedule.schedule_post(Scope(team, DEAL), "test:later", later,
                               Message("calendar_chosen", {"channel": DEAL, "title": "later"}))
    next_week = later + timedelta(days=7)
    schedule.schedule_post(Scope(T1, DEAL), "test:next-week", next_week,
                           Message("calendar_chosen", {"channel": DEAL, "title": "next week"}))
    with SlackDriver(oauth_bot.events_url, oauth_bot.signing_secret, emulator, team_id=T1) as one:
        assert one.event({"type": "app_uninstalled"}).status_code == 200
        wait_for(lambda: find_bot(engine, T1) is None)
        workspaces = oauth_bot.runtime.services.workspaces
        wait_for(lambda: schedule.jobs.get(Scope(T1, DEAL), "test:later")["status"] == "cancelled")
        assert workspaces.is_uninstalled(T1) and not workspaces.is_uninstalled(T2)
        assert find_bot(engine, T2).bot_token == TOKENS[T2]
        assert schedule.jobs.get(Scope(T2, DEAL), "test:later")["status"] == "pending"
        # Requests from the uninstalled workspace are no longer authorized: nothing is stored.
        one.command("give a pilot workspace", user=ALICE, channel=DEAL)
        assert oauth_bot.runtime.services.ledger.items(Scope(T1, DEAL)) == []
    oauth_bot.runtime.clock.advance(timedelta(hours=2))
    before = len(emulator.calls_to("chat.postMessage"))
    assert schedule.run_due().posted == ["test:later"]
    assert [c.token for c in emulator.calls_to("chat.postMessage")[before:]] == [TOKENS[T2]]

    # Installing again through the OAuth page clears the mark.
    emulator.oauth_codes["code-again"] = (T1, TOKENS[T1])
    assert complete_install(oauth_bot, "code-again").status_code == 200
    assert not oauth_bot.runtime.services.workspaces.is_uninstalled(T1)
    assert find_bot(engine, T1).bot_token == TOKENS[T1]
    # What is still ahead comes back; what came due while uninstalled stays cancelled.
    assert schedule.jobs.get(Scope(T1, DEAL), "test:next-week")["status"] == "pending"
    assert schedule.jobs.get(Scope(T1, DEAL), "test:later")["status"] == "cancelled"


def test_org_wide_uninstall_drops_the_org_installation(oauth_bot, emulator, database):
    _, engine = database
    install(engine, None, enterprise_id=GRID, token=ORG_TOKEN)
    install(engine, T1)
    with SlackDriver(oauth_bot.events_url, oauth_bot.signing_secret, emulator,
                     team_id=GRID_A, enterprise_id=GRID, org_wide=True) as driver:
        assert driver.event({"type": "app_uninstalled"}).status_code == 200
    wait_for(lambda: find_bot(engine, None, GRID) is None)
    assert oauth_bot.runtime.services.workspaces.is_uninstalled(ORG_KEY)
    assert find_bot(engine, T1) is not None


# --------------------------------------------------------------------------- CRM webhook


def test_crm_webhook_names_its_workspace_in_oauth_mode(oauth_bot, emulator, database):
    _, engine = database
    install(engine, T1)
    install(engine, T2)
    install(engine, None, enterprise_id=GRID, token=ORG_TOKEN)
    deal = {"deal": "Globex", "stage": "proposal", "channel": DEAL}
    missing = send_webhook(oauth_bot, deal)
    assert missing.status_code == 400 and missing.json()["fields"] == ["team_id"]
    unknown = send_webhook(oauth_bot, {**deal, "team_id": "T0NOBODY"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "workspace_not_installed"
    injected = send_webhook(oauth_bot, {**deal, "team_id": "<!channel>"})
    assert injected.status_code == 400 and injected.json()["error"] == "invalid_workspace"
    deals = oauth_bot.runtime.services.deals
    assert all(deals.all(Scope(w, DEAL)) == [] for w in (T1, T2, ORG_KEY))

    before = len(emulator.calls_to("chat.postMessage"))
    assert send_webhook(oauth_bot, {**deal, "team_id": T2}).status_code == 200
    assert [d.name for d in deals.all(Scope(T2, DEAL))] == ["Globex"] and deals.all(Scope(T1, DEAL)) == []
    assert {c.token for c in emulator.calls_to("chat.postMessage")[before:]} == {TOKENS[T2]}
    # In a Grid org installed org-wide, the org's ledger for the channel gets it.
    org = send_webhook(oauth_bot, {**deal, "deal": "Initech", "team_id": GRID_A, "enterprise_id": GRID})
    assert org.status_code == 200
    by_org = send_webhook(oauth_bot, {**deal, "deal": "Hooli", "enterprise_id": GRID})  # the org alone
    assert by_org.status_code == 200
    assert [d.name for d in deals.all(Scope(ORG_KEY, DEAL))] == ["Initech", "Hooli"]
