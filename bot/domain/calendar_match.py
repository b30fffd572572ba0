"""Which deal a calendar meeting is about, and the checks on what people type to set that up.

Pure: plain data in, plain data out. A meeting matches a deal when an attendee's e-mail
domain is one of the deal's domains, or when the deal's name stands in the title. A
meeting with nobody from outside the team (internal-only) never matches: the debrief is
for what was promised to and by a customer.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.domain.refusal import Refused

MAX_DOMAINS = 5
MAX_URL = 2000
# Shared mail providers: an attendee from gmail.com says nothing about their company.
PUBLIC_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "fastmail.com",
    "gmx.com", "gmx.de", "web.de", "yandex.ru", "mail.ru", "qq.com", "163.com", "zoho.com",
})
# Words companies carry in their names but not always in meeting titles.
_COMPANY_SUFFIXES = {
    "inc", "corp", "corporation", "co", "ltd", "llc", "gmbh", "ag", "sa", "plc", "bv", "limited",
}
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_LOCAL_PART = re.compile(r"^[a-z0-9!#$%&'*+=?^_`{|}~.-]{1,64}$")
# Calendars list rooms and shared calendars as attendees; a room is no guest: "Acme prep" in a
# booked room with only our people is still internal.
RESOURCE_DOMAINS = frozenset({"resource.calendar.google.com", "group.calendar.google.com"})
# Guests from more companies than this make a broadcast (a webinar, a conference session), not a
# conversation with one of them: its attendees say nothing about a deal, only its title can.
MAX_COMPANIES_IN_A_CONVERSATION = 5


class DomainError(Refused):
    """A domain list that can't be used; its refusal says why."""


class FeedUrlError(Refused):
    """A calendar address that can't be used; its refusal says why (never repeating it)."""


@dataclass(frozen=True)
class DealTarget:
    """A deal some channel works, as calendar matching sees it."""

    channel: str
    deal: str
    domains: tuple[str, ...]
    in_play: bool = True  # False for a lost deal: a live deal of the same company comes first


def email_domain(address: str) -> str:
    """The part after the last @, lower-case."""
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def _words(text: str) -> list[str]:
    return re.sub(r"[\W_]+", " ", text.casefold()).split()


def _name_in_title(deal: str, title_words: list[str]) -> bool:
    name = _words(deal)
    while len(name) > 1 and name[-1] in _COMPANY_SUFFIXES:
        name = name[:-1]  # "Acme Corp" is named by "Acme" in "Acme weekly sync"
    if not name or (len(name) == 1 and len(name[0]) < 3):
        return False  # "AB" would match too much
    size = len(name)
    return any(title_words[i:i + size] == name for i in range(len(title_words) - size + 1))


def deal_named(deal: str, title: str) -> bool:
    """The deal's name stands in the title as whole words (company suffixes optional)."""
    return _name_in_title(deal, _words(title))


def domain_of_company(domain: str, company_domains: Iterable[str]) -> bool:
    """``domain`` is one of the company's or a subdomain of one (``eu.acme.com`` is Acme's
    ``acme.com``; ``notacme.com`` and ``acme.com.evil.io`` are not)."""
    return any(domain == own or domain.endswith("." + own) for own in company_domains)


def external_attendees(attendees: Iterable[str], internal_domains: Iterable[str]) -> list[str]:
    """Attendees whose domain isn't the team's (nor a subdomain of it: ``eu.ourco.com``)."""
    internal = {d.lower() for d in internal_domains}
    return [a for a in attendees if not domain_of_company(email_domain(a), internal)]


def match_deals(
    title: str, attendees: Iterable[str], deals: Iterable[DealTarget], internal_domains: Iterable[str]
) -> list[DealTarget]:
    """The deals a meeting is about; empty for an internal-only meeting.

    An attendee domain match is stronger than a name in the title: when any deal matches by
    domain, only those count ("Acme prep" with someone from globex.com is about Globex).
    A meeting listing nobody at all (Outlook's published feeds leave attendees and organiser
    out) says nothing about who was there, so its title decides; one listing only our people
    (a colleague's prep, a personal block with its owner as organiser, rooms) is internal. One
    with guests from more than :data:`MAX_COMPANIES_IN_A_CONVERSATION` companies is a broadcast
    (a webinar): only its title can name a deal.
    """
    attendees = [a for a in attendees if email_domain(a) not in RESOURCE_DOMAINS]
    outside = external_attendees(attendees, internal_domains)
    if attendees and not outside:
        return []
    domains = {email_domain(a) for a in outside}
    addresses = {a.lower() for a in outside}
    if len(domains - PUBLIC_MAIL_DOMAINS) > MAX_COMPANIES_IN_A_CONVERSATION:
        domains, addresses = set(), set()  # a broadcast: the title decides
    deals = list(deals)
    title_words = _words(title)

    def rank(deal: DealTarget) -> tuple[bool, bool]:
        # Within a channel the first match names the prompt: the deal the title names, then
        # one still in play ("Acme Expansion" over last year's lost "Acme Corp").
        return (not _name_in_title(deal.deal, title_words), not deal.in_play)

    by_domain = [d for d in deals if any(domain_of_company(found, d.domains) for found in domains)
                 or addresses.intersection(d.domains)]
    if by_domain:
        return sorted(by_domain, key=rank)
    return sorted((d for d in deals if _name_in_title(d.deal, title_words)), key=rank)


def parse_domains(text: str) -> list[str]:
    """``acme.com, acme.co.uk`` → ``["acme.com", "acme.co.uk"]``; ``none``/``off`` → ``[]``.

    The personal address of someone at the partner on a public provider (``jane.doe@gmail.com``)
    is kept whole: it matches that person, never the provider's other users."""
    raw = [part for part in re.split(r"[\s,;]+", (text or "").strip()) if part]
    if not raw:
        raise DomainError("domains_missing")
    if len(raw) == 1 and raw[0].lower() in ("none", "off", "clear", "-"):
        return []
    if len(raw) > MAX_DOMAINS:
        raise DomainError("domains_too_many", limit=MAX_DOMAINS)
    domains: list[str] = []
    for part in raw:
        domain = _domain(part)
        if domain not in domains:
            domains.append(domain)
    return domains


def _domain(part: str) -> str:
    shown = part[:40]
    # Slack turns a typed "acme.com" into a link: <http://acme.com|acme.com>, and an address
    # into <mailto:jane@gmail.com|jane@gmail.com>.
    linked = re.fullmatch(r"<(?:https?://|mailto:)?([^|>]+)(?:\|[^>]*)?>", part)
    text = (linked.group(1) if linked else part).strip().lower().rstrip(".")
    if text.startswith("@"):
        text = text[1:]
    if "@" in text and "/" not in text:
        return _personal_address(text, shown)
    if "://" in text or "/" in text:
        raise DomainError("domain_not_bare", shown=shown)
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise DomainError("domain_unreadable", shown=shown) from exc
    labels = text.split(".")
    if len(text) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels) \
            or labels[-1].isdigit():
        raise DomainError("domain_invalid", shown=shown)
    if text in PUBLIC_MAIL_DOMAINS:
        raise DomainError("domain_public", domain=text)
    return text


def _personal_address(text: str, shown: str) -> str:
    """Someone at the partner who mails from a public provider (``jane.doe@gmail.com``): their
    own address stands for the company. A company address is refused: its domain says more."""
    local, _, domain = text.rpartition("@")
    if domain not in PUBLIC_MAIL_DOMAINS:
        raise DomainError("domain_not_bare", shown=shown)
    if not _LOCAL_PART.match(local):
        raise DomainError("domain_invalid", shown=shown)
    return f"{local}@{domain}"


def check_feed_url(text: str, *, allow_private: bool) -> str:
    """The calendar address to store (``webcal://`` read as ``https://``), or FeedUrlError.

    Only the form is checked here; where the host resolves is checked at every fetch.
    """
    url = (text or "").strip()
    linked = re.fullmatch(r"<([^|>]+)(?:\|[^>]*)?>", url)  # Slack's auto-link
    if linked:
        url = linked.group(1).strip()
    if not url:
        raise FeedUrlError("feed_url_missing")
    if "…" in url or "/.../" in url:  # the help's example pasted as it is, its "…" unfilled
        raise FeedUrlError("feed_url_example")
    if len(url) > MAX_URL:
        raise FeedUrlError("feed_url_too_long", limit=MAX_URL)
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise FeedUrlError("feed_url_spaces")
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://"):]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FeedUrlError("feed_url_unreadable") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise FeedUrlError("feed_url_not_web")
    if scheme == "http" and not allow_private:
        raise FeedUrlError("feed_url_not_https")
    if parts.username or parts.password:
        raise FeedUrlError("feed_url_credentials")
    if port is not None and not 0 < port < 65536:
        raise FeedUrlError("feed_url_port")
    host = parts.hostname
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and not allow_private and not address.is_global:
        raise FeedUrlError("feed_url_private")
    local_names = (".localhost", ".local", ".internal")
    if address is None and not allow_private and (host == "localhost" or host.endswith(local_names)):
        raise FeedUrlError("feed_url_private")
    return url


def mask_url(url: str) -> str:
    """What may be shown of a secret address: its scheme and host, nothing of the path."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
    except ValueError:
        return "(hidden)"
    return f"{parts.scheme}://{host}/…"
