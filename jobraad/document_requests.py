"""Asking for a checklist item's documentation: what the caseworker may do with an item
now, which partner a request to a source goes to, and what the case is for in the words
a request uses. The documentation tab and the request letter ask here, so the rules are
the same wherever a request is made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from db.enums import Aim, ContactKind, DocumentSource, DocumentState
from db.session import Database
from jobraad.consents import ConsentInput, suggested_consent
from jobraad.documentation import ChecklistEntry
from jobraad.health import ContactView, contact_for
from jobraad.vocab import AIM_LABELS

__all__ = [
    "LETTER_RECIPIENTS",
    "ItemAction",
    "Recipient",
    "allowed_actions",
    "case_purpose",
    "consent_case",
    "consent_draft",
    "request_contact",
]


@dataclass(frozen=True)
class Recipient:
    """A partner a request letter can go to: the registered contact it is addressed to,
    and how the letter names the partner in its consent sentence."""

    contact: ContactKind
    named: str


# The sources a request letter can go to. Not the citizen, the jobcenter itself, an
# employer or the sundhedskoordinator: their part is not asked for by letter.
LETTER_RECIPIENTS: dict[DocumentSource, Recipient] = {
    DocumentSource.EGEN_LAEGE: Recipient(ContactKind.EGEN_LAEGE, "borgerens egen læge"),
    DocumentSource.SPECIALLAEGE: Recipient(ContactKind.SPECIALLAEGE, "speciallæge"),
    DocumentSource.HOSPITAL: Recipient(ContactKind.HOSPITAL, "hospitalet"),
    DocumentSource.SOF: Recipient(ContactKind.SOF, "Socialforvaltningen (SOF)"),
    DocumentSource.SUF: Recipient(ContactKind.SUF, "Sundheds- og Omsorgsforvaltningen (SUF)"),
    DocumentSource.PSYKIATRI: Recipient(ContactKind.PSYKIATRI, "psykiatrien"),
    DocumentSource.MISBRUGSBEHANDLING: Recipient(ContactKind.MISBRUGSBEHANDLING, "misbrugsbehandlingen"),
}

# What the information is asked for, by the case's aim (a request names its purpose).
_PURPOSE = {
    Aim.FLEKSJOB: "afklaring af ret til fleksjob",
    Aim.FOERTIDSPENSION: "afklaring af ret til førtidspension",
    Aim.RESSOURCEFORLOEB: "afklaring af ret til ressourceforløb",
    Aim.JOBAFKLARING: "jobafklaring",
}


class ItemAction(StrEnum):
    """What can be done with a checklist item."""

    REQUEST = "requested"
    RECEIVE = "received"
    SET_ASIDE = "not_relevant"
    RESET = "reset"
    ATTACH = "attach"
    VIEW_ATTACHMENT = "view"
    REMOVE_ATTACHMENT = "remove"
    LETTER = "letter"
    WRITE = "write"  # a point written as case text: go and write it
    ON_PAPER = "on_paper"  # a received document kept on paper, with why


def allowed_actions(entry: ChecklistEntry) -> frozenset[ItemAction]:
    """The actions that make sense for `entry` now. A state change is always offered (the
    service refuses, saying why, what the rules forbid); a reset only moves an item that
    has a state; attachments are shown or removed only when there are some; a letter only
    goes to a partner in `LETTER_RECIPIENTS`. A point written as case text is only written
    (and may carry a file); a received document the pack needs filed may be kept on paper."""
    actions = {ItemAction.REQUEST, ItemAction.RECEIVE, ItemAction.SET_ASIDE, ItemAction.ATTACH}
    if entry.from_text:
        actions = {ItemAction.WRITE, ItemAction.ATTACH}  # an updated CV, say, goes with the text
    if entry.needs_file and entry.state == DocumentState.MODTAGET and (entry.unfiled or entry.on_paper_reason):
        actions.add(ItemAction.ON_PAPER)
    if entry.state != DocumentState.MANGLER and not entry.from_text:
        actions.add(ItemAction.RESET)
    if entry.attachments:
        actions |= {ItemAction.VIEW_ATTACHMENT, ItemAction.REMOVE_ATTACHMENT}
    if entry.item.source in LETTER_RECIPIENTS:
        actions.add(ItemAction.LETTER)
    return frozenset(actions)


def request_contact(database: Database, citizen_id: int, source: DocumentSource) -> ContactView | None:
    """The registered contact a request to `source` goes to (the citizen's own GP for
    egen læge), or None: no such contact, or a source that is not asked by letter."""
    recipient = LETTER_RECIPIENTS.get(source)
    return contact_for(database, citizen_id, recipient.contact) if recipient else None


def case_purpose(aim: Aim) -> str | None:
    """What a request says the information is for ("afklaring af ret til fleksjob"), or
    None when the aim names no such case."""
    return _PURPOSE.get(aim)


def consent_draft(
    database: Database, citizen_id: int, source: DocumentSource, aim: Aim, today: dt.date
) -> ConsentInput:
    """What a new consent covering `source` is suggested with (`jobraad.consents.suggested_consent`):
    the citizen's registered contact for that source as the one information is obtained from,
    and the case's purpose ("afklaring af ret til fleksjob"; for an aim without one, "afklaring af <sigte>")."""
    contact = request_contact(database, citizen_id, source)
    name = ", ".join(part for part in (contact.name, contact.unit) if part.strip()) if contact else ""
    return suggested_consent(source, consent_case(aim), name, today)


def consent_case(aim: Aim) -> str:
    """The case a consent names: the case's purpose ("afklaring af ret til fleksjob"), or for
    an aim without one, "afklaring af <sigte>"."""
    return case_purpose(aim) or f"afklaring af {AIM_LABELS[aim].lower()}"
