"""Use cases: domain logic applied to stored data. No Slack imports here."""
