"""Workspace keys: plain team ids outside Grid, enterprise-qualified inside, reversible."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.workspace import Workspace, workspace_key


def test_a_plain_workspace_is_its_team_id_so_old_records_stay_valid():
    assert workspace_key("T0001") == "T0001"
    assert workspace_key("T0001", None, False) == "T0001"
    assert workspace_key("T0001", "", False) == "T0001"


def test_grid_keys_carry_the_enterprise():
    assert workspace_key("T0001", "E0001") == "E0001:T0001"
    # Org-wide: one key for the whole org, whichever workspace the request came from.
    assert workspace_key("T0001", "E0001", org_wide=True) == "E0001:*"
    assert workspace_key("T0002", "E0001", org_wide=True) == "E0001:*"
    assert workspace_key(None, "E0001", org_wide=True) == "E0001:*"
    # An enterprise without a team (an org-level payload) is the org, not a team named E….
    assert workspace_key(None, "E0001") == "E0001:*"
    assert workspace_key(None) == ""


def test_keys_read_back_as_what_slack_looks_installations_up_by():
    assert Workspace.from_key("T0001") == Workspace("T0001", None, False)
    assert Workspace.from_key("E0001:T0001") == Workspace("T0001", "E0001", False)
    assert Workspace.from_key("E0001:*") == Workspace(None, "E0001", True)


ids = st.from_regex(r"[A-Z0-9]{2,12}", fullmatch=True)


@given(team=st.none() | ids, enterprise=st.none() | ids, org_wide=st.booleans())
def test_every_key_reads_back_as_the_same_key(team, enterprise, org_wide):
    key = workspace_key(team and "T" + team, enterprise and "E" + enterprise, org_wide)
    assert Workspace.from_key(key).key == key
    if enterprise:
        assert key.startswith("E" + enterprise + ":")
