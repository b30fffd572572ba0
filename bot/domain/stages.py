"""Deal stages and the many names CRMs and people use for them.

:data:`STAGE_NAMES` is the one table that maps a stage name, as a CRM or a person writes it,
to a Partner Coach :class:`Stage`. Keys are normalised by :func:`stage_key`: lowercase,
accents dropped, anything but letters and digits collapsed to one space, so "Négociation /
Révision", "negociation-revision" and "NEGOCIACAO REVISAO" all look the same. To teach the bot
a vendor's custom stage, add one line here (the key written as ``stage_key`` would turn it).
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum


class Stage(str, Enum):
    """The stages Partner Coach coaches on, in pipeline order."""

    PROSPECTING = "prospecting"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    SIGNED = "signed"
    # A signed partnership whose renewal is being discussed: still a customer, the
    # promises since the signature still count, and a renewal is earned by them.
    RENEWAL = "renewal"
    LOST = "lost"
    # Paused by the partner (a budget freeze, a reorg): not slipping, and not over. Nothing of
    # theirs is chased while it lasts; what we promised still stands. `resume` brings back the
    # stage it left.
    ON_HOLD = "on_hold"

    @property
    def label(self) -> str:
        """Human label, e.g. ``Negotiation``, ``On hold``."""
        return self.value.replace("_", " ").capitalize()

    @property
    def is_pipeline(self) -> bool:
        """A stage on the way to a signature (prospecting to negotiation)."""
        return self.is_early or self.is_closing

    def is_behind(self, other: Stage) -> bool:
        """Both are pipeline stages and this one comes before ``other``: a step back from it."""
        order = _PIPELINE
        return self in order and other in order and order.index(self) < order.index(other)

    @property
    def is_early(self) -> bool:
        return self in (Stage.PROSPECTING, Stage.QUALIFIED)

    @property
    def is_closing(self) -> bool:
        return self in (Stage.PROPOSAL, Stage.NEGOTIATION)

    @property
    def after_signature(self) -> bool:
        """Signed, or signed and up for renewal: a partnership after its signature."""
        return self in (Stage.SIGNED, Stage.RENEWAL)


_PIPELINE = (Stage.PROSPECTING, Stage.QUALIFIED, Stage.PROPOSAL, Stage.NEGOTIATION)

# The words after `deal <name>` that bring a deal on hold back to the stage it left.
RESUME_WORDS = frozenset({"resume", "resumed", "resuming", "unpause", "unpaused", "unhold", "back on",
                          "active again", "reactivate", "reactivated", "off hold", "take off hold"})

# Keys are normalised (lowercase, non-alphanumerics collapsed to one space).
_SYNONYMS: dict[str, Stage] = {
    # our own names
    "prospecting": Stage.PROSPECTING,
    "qualified": Stage.QUALIFIED,
    "proposal": Stage.PROPOSAL,
    "negotiation": Stage.NEGOTIATION,
    "signed": Stage.SIGNED,
    "lost": Stage.LOST,
    # --- PROSPECTING: first touch, nobody has confirmed a need yet.
    "prospect": Stage.PROSPECTING,
    "prospects": Stage.PROSPECTING,
    "lead": Stage.PROSPECTING,
    "leads": Stage.PROSPECTING,
    "new lead": Stage.PROSPECTING,
    "lead in": Stage.PROSPECTING,  # Pipedrive default pipeline
    "new": Stage.PROSPECTING,
    "outreach": Stage.PROSPECTING,
    "initial contact": Stage.PROSPECTING,
    "first contact": Stage.PROSPECTING,
    "first meeting": Stage.PROSPECTING,
    "intro": Stage.PROSPECTING,
    "introduction": Stage.PROSPECTING,
    "intro call": Stage.PROSPECTING,
    "discovery": Stage.PROSPECTING,
    "discovery call": Stage.PROSPECTING,
    "contact made": Stage.PROSPECTING,  # Pipedrive
    "contacted": Stage.PROSPECTING,
    "attempted to contact": Stage.PROSPECTING,
    "appointment scheduled": Stage.PROSPECTING,  # HubSpot label
    "appointmentscheduled": Stage.PROSPECTING,  # HubSpot internal id
    "meeting scheduled": Stage.PROSPECTING,
    "meeting booked": Stage.PROSPECTING,
    "mql": Stage.PROSPECTING,
    # --- QUALIFIED: a real need and a real buyer, before any price is on the table.
    "qualification": Stage.QUALIFIED,  # Salesforce / Zoho
    "qualifying": Stage.QUALIFIED,
    "qualified lead": Stage.QUALIFIED,
    "sales qualified": Stage.QUALIFIED,
    "sql": Stage.QUALIFIED,
    "qualified to buy": Stage.QUALIFIED,  # HubSpot label
    "qualifiedtobuy": Stage.QUALIFIED,  # HubSpot internal id
    "needs analysis": Stage.QUALIFIED,  # Salesforce / Zoho
    "needs defined": Stage.QUALIFIED,
    "value proposition": Stage.QUALIFIED,  # Salesforce: pitching value, not price
    "id decision makers": Stage.QUALIFIED,  # Salesforce "Id. Decision Makers"
    "identify decision makers": Stage.QUALIFIED,  # Zoho
    "perception analysis": Stage.QUALIFIED,  # Salesforce
    "solution fit": Stage.QUALIFIED,
    "evaluation": Stage.QUALIFIED,
    "technical evaluation": Stage.QUALIFIED,
    "demo": Stage.QUALIFIED,
    "demo scheduled": Stage.QUALIFIED,  # Pipedrive
    "demo completed": Stage.QUALIFIED,
    "presentation": Stage.QUALIFIED,  # Copper
    "presentation scheduled": Stage.QUALIFIED,  # HubSpot label
    "presentationscheduled": Stage.QUALIFIED,  # HubSpot internal id
    "follow up": Stage.QUALIFIED,  # Copper's "Follow-up" sits between qualify and present
    "pilot": Stage.QUALIFIED,
    "poc": Stage.QUALIFIED,
    "proof of concept": Stage.QUALIFIED,
    "trial": Stage.QUALIFIED,
    # --- PROPOSAL: a concrete offer (price, scope) has been put in front of them.
    "proposal made": Stage.PROPOSAL,  # Pipedrive
    "proposal sent": Stage.PROPOSAL,
    "proposal price quote": Stage.PROPOSAL,  # Salesforce / Zoho "Proposal/Price Quote"
    "proposal quote": Stage.PROPOSAL,
    "price quote": Stage.PROPOSAL,
    "quote": Stage.PROPOSAL,
    "quote sent": Stage.PROPOSAL,
    "quoted": Stage.PROPOSAL,
    # HubSpot's "Decision maker bought-in" is the step right before the contract goes out.
    "decision maker bought in": Stage.PROPOSAL,
    "decisionmakerboughtin": Stage.PROPOSAL,
    "business case": Stage.PROPOSAL,
    "solution proposal": Stage.PROPOSAL,
    # --- NEGOTIATION: paper is moving; terms, legal and commit calls.
    "negotiation review": Stage.NEGOTIATION,  # Salesforce / Zoho "Negotiation/Review"
    "negotiations": Stage.NEGOTIATION,
    "negotiations started": Stage.NEGOTIATION,  # Pipedrive
    "negotiating": Stage.NEGOTIATION,
    "in negotiation": Stage.NEGOTIATION,
    "contract sent": Stage.NEGOTIATION,  # HubSpot / Copper: contract is out, terms in play
    "contractsent": Stage.NEGOTIATION,
    "contract": Stage.NEGOTIATION,
    "contracting": Stage.NEGOTIATION,
    "redlines": Stage.NEGOTIATION,
    "legal": Stage.NEGOTIATION,
    "legal review": Stage.NEGOTIATION,
    "procurement": Stage.NEGOTIATION,
    "commit": Stage.NEGOTIATION,  # forecast category: buyer has said yes in principle
    "committed": Stage.NEGOTIATION,
    "verbal": Stage.NEGOTIATION,
    "verbal commit": Stage.NEGOTIATION,
    "verbal agreement": Stage.NEGOTIATION,
    "awaiting signature": Stage.NEGOTIATION,
    "out for signature": Stage.NEGOTIATION,
    "closing": Stage.NEGOTIATION,
    # --- SIGNED: closed and won.
    "closed won": Stage.SIGNED,
    "closedwon": Stage.SIGNED,
    "close won": Stage.SIGNED,
    "won": Stage.SIGNED,
    "deal won": Stage.SIGNED,
    "closed": Stage.SIGNED,  # people say "closed" for won; losses are nearly always "lost"
    "contract signed": Stage.SIGNED,
    "signed contract": Stage.SIGNED,
    "booked": Stage.SIGNED,
    "purchased": Stage.SIGNED,
    "customer": Stage.SIGNED,
    "closed won pending": Stage.SIGNED,
    # --- RENEWAL: a signed customer whose renewal is being discussed.
    "renewal": Stage.RENEWAL,
    "renewals": Stage.RENEWAL,
    "up for renewal": Stage.RENEWAL,
    "renewal due": Stage.RENEWAL,
    "renewal pending": Stage.RENEWAL,
    "renewal negotiation": Stage.RENEWAL,
    "renewal in progress": Stage.RENEWAL,
    "renewal opportunity": Stage.RENEWAL,
    "in renewal": Stage.RENEWAL,
    "renewing": Stage.RENEWAL,
    "contract renewal": Stage.RENEWAL,
    "renouvellement": Stage.RENEWAL,
    "renouvellement de contrat": Stage.RENEWAL,
    "verlangerung": Stage.RENEWAL,
    "vertragsverlangerung": Stage.RENEWAL,
    "renovacao": Stage.RENEWAL,
    "renovacao de contrato": Stage.RENEWAL,
    # a renewal that closed: signed again, or lost (churn)
    "renewed": Stage.SIGNED,
    "renewal won": Stage.SIGNED,
    "renewal signed": Stage.SIGNED,
    "renewal closed won": Stage.SIGNED,
    "renewal lost": Stage.LOST,
    "renewal closed lost": Stage.LOST,
    "not renewed": Stage.LOST,
    "did not renew": Stage.LOST,
    # --- ON HOLD: paused by the partner; neither slipping nor over.
    "on hold": Stage.ON_HOLD,
    "hold": Stage.ON_HOLD,
    "onhold": Stage.ON_HOLD,
    "paused": Stage.ON_HOLD,
    "pause": Stage.ON_HOLD,
    "on pause": Stage.ON_HOLD,
    "on ice": Stage.ON_HOLD,
    "parked": Stage.ON_HOLD,
    "deferred": Stage.ON_HOLD,
    "postponed": Stage.ON_HOLD,
    "budget freeze": Stage.ON_HOLD,
    "frozen": Stage.ON_HOLD,
    "suspended": Stage.ON_HOLD,
    "dormant": Stage.ON_HOLD,
    "en pause": Stage.ON_HOLD,
    "en attente": Stage.ON_HOLD,
    "pausiert": Stage.ON_HOLD,
    "zuruckgestellt": Stage.ON_HOLD,
    "pausado": Stage.ON_HOLD,
    "em espera": Stage.ON_HOLD,
    # --- LOST: closed without a deal.
    "closed lost": Stage.LOST,
    "closedlost": Stage.LOST,
    "close lost": Stage.LOST,
    "deal lost": Stage.LOST,
    "closed lost to competition": Stage.LOST,  # Zoho
    "closed lost to competitor": Stage.LOST,
    "dead": Stage.LOST,
    "churned": Stage.LOST,
    "churn": Stage.LOST,
    "disqualified": Stage.LOST,
    "unqualified": Stage.LOST,
    "abandoned": Stage.LOST,  # Copper
    "no decision": Stage.LOST,
    "no go": Stage.LOST,
    "cancelled": Stage.LOST,
    "canceled": Stage.LOST,
    "closed no decision": Stage.LOST,
    # --- vendor defaults and common custom names (English)
    "qualify": Stage.QUALIFIED,
    "solution": Stage.QUALIFIED,  # "Stage 3 - Solution": shaping the answer, before a price
    "solutioning": Stage.QUALIFIED,
    "needs identified": Stage.QUALIFIED,
    "demo booked": Stage.QUALIFIED,
    "booked call": Stage.PROSPECTING,  # GoHighLevel templates
    "appointment booked": Stage.PROSPECTING,
    "hot lead": Stage.PROSPECTING,
    "warm lead": Stage.PROSPECTING,
    "request for proposal": Stage.PROPOSAL,
    "rfp": Stage.PROPOSAL,
    "request for quote": Stage.PROPOSAL,
    "rfq": Stage.PROPOSAL,
    "proposal presented": Stage.PROPOSAL,
    "negotiate": Stage.NEGOTIATION,
    "contract negotiation": Stage.NEGOTIATION,
    "verbal win": Stage.NEGOTIATION,
    # --- German (Pipedrive, Zoho, HubSpot in German accounts)
    "lead eingegangen": Stage.PROSPECTING,
    "kontakt hergestellt": Stage.PROSPECTING,
    "kontakt aufgenommen": Stage.PROSPECTING,
    "erstkontakt": Stage.PROSPECTING,
    "qualifiziert": Stage.QUALIFIED,
    "qualifizierung": Stage.QUALIFIED,
    "bedarfsanalyse": Stage.QUALIFIED,
    "bedarf ermittelt": Stage.QUALIFIED,
    "demo geplant": Stage.QUALIFIED,
    "angebot": Stage.PROPOSAL,
    "angebot erstellt": Stage.PROPOSAL,
    "angebot versendet": Stage.PROPOSAL,
    "angebot verschickt": Stage.PROPOSAL,
    "angebot preisangebot": Stage.PROPOSAL,
    "verhandlung": Stage.NEGOTIATION,
    "verhandlungen": Stage.NEGOTIATION,
    "verhandlungen begonnen": Stage.NEGOTIATION,
    "verhandlung prufung": Stage.NEGOTIATION,
    "vertrag versendet": Stage.NEGOTIATION,
    "gewonnen": Stage.SIGNED,
    "abgeschlossen gewonnen": Stage.SIGNED,
    "verloren": Stage.LOST,
    "abgeschlossen verloren": Stage.LOST,
    # --- French
    "contact etabli": Stage.PROSPECTING,
    "premier contact": Stage.PROSPECTING,
    "qualifie": Stage.QUALIFIED,
    "qualifiee": Stage.QUALIFIED,
    "analyse des besoins": Stage.QUALIFIED,
    "demo planifiee": Stage.QUALIFIED,
    "proposition": Stage.PROPOSAL,
    "proposition faite": Stage.PROPOSAL,
    "proposition envoyee": Stage.PROPOSAL,
    "proposition devis": Stage.PROPOSAL,
    "devis envoye": Stage.PROPOSAL,
    "negociation": Stage.NEGOTIATION,
    "negociations": Stage.NEGOTIATION,
    "negociations commencees": Stage.NEGOTIATION,
    "negociation revision": Stage.NEGOTIATION,
    "gagne": Stage.SIGNED,
    "gagnee": Stage.SIGNED,
    "conclu gagne": Stage.SIGNED,
    "ferme gagne": Stage.SIGNED,
    "perdu": Stage.LOST,
    "perdue": Stage.LOST,
    "conclu perdu": Stage.LOST,
    "ferme perdu": Stage.LOST,
    # --- Portuguese
    "prospeccao": Stage.PROSPECTING,
    "contato feito": Stage.PROSPECTING,
    "contato realizado": Stage.PROSPECTING,
    "qualificado": Stage.QUALIFIED,
    "qualificacao": Stage.QUALIFIED,
    "analise de necessidades": Stage.QUALIFIED,
    "demonstracao agendada": Stage.QUALIFIED,
    "proposta": Stage.PROPOSAL,
    "proposta feita": Stage.PROPOSAL,
    "proposta enviada": Stage.PROPOSAL,
    "proposta cotacao": Stage.PROPOSAL,
    "negociacao": Stage.NEGOTIATION,
    "negociacoes iniciadas": Stage.NEGOTIATION,
    "negociacao revisao": Stage.NEGOTIATION,
    "ganho": Stage.SIGNED,
    "ganha": Stage.SIGNED,
    "fechado ganho": Stage.SIGNED,
    "perdido": Stage.LOST,
    "perdida": Stage.LOST,
    "fechado perdido": Stage.LOST,
}


STAGE_NAMES = _SYNONYMS

# "Stage 4 - Proposal", "6 - Closed Won", "Stage 2: Qualify": numbered custom stages.
_NUMBER_LEADS = ("stage ", "phase ", "etapa ", "fase ", "step ")
_NUMBERED = re.compile(r"^(?:stage |phase |etapa |fase |step )?\d{1,2} (?P<name>[a-z].*)$")


def stage_key(raw: str) -> str:
    """The lookup key of a stage name: lowercase, no accents, one space between words."""
    folded = unicodedata.normalize("NFKD", raw.lower())
    if not folded.isascii():
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", folded).strip()


_key = stage_key  # older name, kept for callers and tests


def normalize_stage(raw: str) -> Stage | None:
    """Map a stage name as a person or a CRM writes it to a :class:`Stage`, or None."""
    key = stage_key(raw)
    found = _SYNONYMS.get(key)
    if found is None and (key[:1].isdigit() or key.startswith(_NUMBER_LEADS)):
        numbered = _NUMBERED.match(key)
        if numbered:
            found = _SYNONYMS.get(numbered.group("name"))
    return found


def stage_names() -> list[str]:
    """Canonical stage names, for help texts ("on hold", as people type it)."""
    return [s.value.replace("_", " ") for s in Stage]
