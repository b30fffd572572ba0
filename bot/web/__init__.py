"""Pages served outside Slack: the partner's mutual plan (``/plans/<token>``)."""
