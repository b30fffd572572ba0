"""The bot scopes the app asks for, and why: read by the manifest and by the OAuth install."""

from __future__ import annotations

# Each scope, and why the bot can't do without it.
BOT_SCOPES: dict[str, str] = {
    "commands": "the /partner slash command",
    "chat:write": "coaching prompts, confirmations, check-ins and digests",
    "users:read": "users.info, for each person's time zone",
    "users:read.email": "users.lookupByEmail and profile e-mails: calendar attendees who are on the team",
    "channels:read": "users.conversations / conversations.info: who may see which channel's ledger",
    "groups:read": "the same for private deal channels",
    "channels:history": "message events and conversations.history in public deal channels",
    "groups:history": "message events and conversations.history in private deal channels",
    "im:history": "conversations.history in the app's DMs: a reminder cut off by a crash isn't sent twice",
    "im:write": "conversations.open: a person's DM id before their first reminder, for the same reason",
    "files:write": "files.uploadV2: /partner export shares the mutual plan as Markdown and CSV",
}
