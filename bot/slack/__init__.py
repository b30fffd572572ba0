"""Talking to Slack's Web API: the client, and cached look-ups of users and channels."""
