"""Which workspace a record belongs to, as one string key.

Records are filed under a workspace key. Outside Enterprise Grid it is the team id
(``T123``), so single-workspace data never needs migrating. In a Grid org it carries
the enterprise id too: ``E1:T123`` for an app installed in one workspace of the org,
and ``E1:*`` for an org-wide install. Channel ids are unique across an org, and an
org-wide install sees a channel from every workspace it is shared with, so one
ledger per channel must not depend on which workspace the person typed in.
"""

from __future__ import annotations

from typing import NamedTuple

ORG_WIDE = "*"
_SEPARATOR = ":"


class Workspace(NamedTuple):
    """An installation's identity: Slack looks tokens up by exactly these three values."""

    team_id: str | None
    enterprise_id: str | None = None
    org_wide: bool = False

    @property
    def key(self) -> str:
        """The store key, which :meth:`from_key` reads back."""
        # An enterprise with no team can only be the org itself (an org-level payload).
        if self.enterprise_id and (self.org_wide or not self.team_id):
            return f"{self.enterprise_id}{_SEPARATOR}{ORG_WIDE}"
        if self.enterprise_id:
            return f"{self.enterprise_id}{_SEPARATOR}{self.team_id}"
        return self.team_id or ""

    @classmethod
    def from_key(cls, key: str) -> Workspace:
        """Read a key written by :attr:`key`."""
        enterprise, separator, team = key.partition(_SEPARATOR)
        if not separator:
            return cls(team_id=key or None)
        if team == ORG_WIDE:
            return cls(team_id=None, enterprise_id=enterprise, org_wide=True)
        return cls(team_id=team, enterprise_id=enterprise)


def workspace_key(team_id: str | None, enterprise_id: str | None = None, org_wide: bool = False) -> str:
    """The key for a request's team, enterprise and "installed org-wide" flag."""
    return Workspace(team_id or None, enterprise_id or None, bool(org_wide)).key
