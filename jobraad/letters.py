"""Pre-filled request letters (PDF) to the GP, a specialist, a hospital, SOF or SUF,
so the caseworker only has to sign and send them.

A request for health or social information needs the citizen's written consent
covering that source; without a registered consent no letter is made. The letter
names the consent's scope and validity and its basis, retssikkerhedsloven § 11 a,
stk. 1, as the consent rules (resources/rules/consent.toml) word it; other legal
references are deliberately general (the acts, not section numbers): the letter
must stay correct when the rules are renumbered.

`draft_request_letter` fills the letter form for a checklist item; `make_request_letter`
writes the letter and marks the item as requested in one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from db.enums import DocumentState
from db.models import Citizen
from db.session import Database
from jobraad import audit, cpr
from jobraad import formatting as fmt
from jobraad.consents import ConsentView, consent_rules, covering_consent, validity_text
from jobraad.document_requests import LETTER_RECIPIENTS, case_purpose, request_contact
from jobraad.documentation import (
    Checklist,
    ChecklistEntry,
    answer_due,
    change_state,
    load_checklist,
    read_checklist,
)
from jobraad.errors import UserFacingError
from jobraad.outputs import OutputRules, check_output, rules_for, write_output
from jobraad.pdf import MARGINS, PAGE_SIZE, escape, new_document, styles, table_style
from jobraad.rulepacks import RulePack
from jobraad.settings import get_settings
from jobraad.vocab import SOURCE_LABELS

__all__ = [
    "RECIPIENT_KINDS",
    "LetterDraft",
    "LetterRefused",
    "LetterRequest",
    "draft_request_letter",
    "make_request_letter",
    "render_request_letter",
    "save_request_letter",
]

# Who the request may go to (DocumentSource values), and how the letter names that source
# in the consent sentence.
RECIPIENT_KINDS: dict[str, str] = {source.value: r.named for source, r in LETTER_RECIPIENTS.items()}

# The act a letter cites when the case's pack names none for its aim.
_LAB = "lov om en aktiv beskæftigelsesindsats"


class LetterRefused(UserFacingError):
    """The letter was not made; the message says why, in Danish."""


@dataclass(frozen=True, kw_only=True)
class LetterRequest:
    """Everything a request letter says. Text as the user typed it."""

    recipient_kind: str  # a key of RECIPIENT_KINDS (DocumentSource values)
    recipient_name: str
    citizen_name: str
    citizen_cpr: str  # ten digits (a dash is tolerated)
    what: str  # what is asked for, e.g. "Lægeattest LÆ 265 til brug for rehabiliteringsteamet"
    purpose: str  # which case, e.g. "afklaring af ret til fleksjob"
    # The act the case is decided under, from the case's pack ("lov om social pension §§ 16-19").
    law: str = _LAB
    # What the certificate is part of, from the pack: "forberedelsen af sagen til rehabiliteringsteamet".
    process: str = "forberedelsen af sagen"
    answer_by: dt.date
    consent: ConsentView | None  # the consent the letter cites (§ 11 a, stk. 1)
    caseworker: str
    letter_date: dt.date
    recipient_unit: str = ""
    recipient_secure_mail: str = ""
    citizen_address: str = ""
    form: str = ""  # e.g. "LÆ 265"
    jobcenter: str = "Jobcenter København"
    phone: str = ""
    email: str = ""


def _lower_first(text: str) -> str:
    """'Lægeattest LÆ 265' → 'lægeattest LÆ 265', but 'SOF-journal' stays as written."""
    if len(text) >= 2 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


_HEADING_MAX = 70  # a longer description is in the body; the heading stays two lines at most


def _heading(what: str) -> str:
    heading = f"Anmodning om {what}"
    return heading if len(heading) <= _HEADING_MAX else "Anmodning om oplysninger"


def _check(request: LetterRequest) -> str:
    """The CPR number as ten digits, or raise `LetterRefused`."""
    if request.recipient_kind not in RECIPIENT_KINDS:
        raise ValueError(f"unknown recipient kind: {request.recipient_kind!r}")
    if request.consent is None:
        raise LetterRefused(
            "Der er ikke registreret samtykke fra borgeren til at indhente disse oplysninger. "
            "Registrér borgerens skriftlige samtykke først; brevet er ikke lavet."
        )
    missing = [
        label
        for label, value in (
            ("modtagerens navn", request.recipient_name),
            ("borgerens navn", request.citizen_name),
            ("hvad der anmodes om", request.what),
            ("formålet (hvilken sag)", request.purpose),
            ("sagsbehandlerens navn", request.caseworker),
        )
        if not value.strip()
    ]
    if missing:
        raise LetterRefused("Brevet er ikke lavet. Udfyld: " + ", ".join(missing) + ".")
    if request.consent.given_on > request.letter_date:
        raise LetterRefused("Samtykket er dateret efter brevets dato. Ret datoen for samtykket eller brevet.")
    if request.answer_by < request.letter_date:
        raise LetterRefused("Svarfristen ligger før brevets dato. Vælg en senere svarfrist.")
    try:
        return cpr.normalise(request.citizen_cpr)
    except cpr.InvalidCpr as err:
        raise LetterRefused(f"Brevet er ikke lavet: {err}") from None


def _lines(*parts: str) -> str:
    return "<br/>".join(escape(p.strip()) for p in parts if p.strip())


def _story(request: LetterRequest, digits: str) -> list[Flowable]:
    st = styles()
    body = ParagraphStyle("letter", parent=st["body"], spaceAfter=9)
    st["title"].fontSize, st["title"].leading = 14, 18
    st["sender"] = ParagraphStyle("sender", parent=body, fontSize=9.5, leading=13)
    what = _lower_first(request.what.strip())
    given = request.consent
    assert given is not None  # checked in _check

    # Sender on the right, recipient on the left where a window envelope shows it.
    recipient = _lines(
        request.recipient_name,
        request.recipient_unit,
        f"Sikker post: {request.recipient_secure_mail}" if request.recipient_secure_mail.strip() else "",
    )
    sender = "<br/>".join(
        [
            f"<b>{escape(request.jobcenter.strip())}</b>",
            escape(request.caseworker.strip()),
            *([f"Telefon: {escape(request.phone.strip())}"] if request.phone.strip() else []),
            *([f"E-mail: {escape(request.email.strip())}"] if request.email.strip() else []),
            "",
            f"Dato: {fmt.date(request.letter_date)}",
        ]
    )
    frame_width = PAGE_SIZE[0] - MARGINS.left - MARGINS.right
    header = Table(
        [[Paragraph(recipient, body), Paragraph(sender, st["sender"])]],
        colWidths=[frame_width - 62 * mm, 62 * mm],
        style=table_style(
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ),
    )

    concerning = f"<b>Vedr.: {escape(request.citizen_name.strip())}, CPR {fmt.cpr(digits)}</b>"
    if request.citizen_address.strip():
        concerning += "<br/>" + _lines(*request.citizen_address.splitlines())

    form = request.form.strip()
    asked = f"{escape(request.jobcenter.strip())} anmoder hermed om {escape(what)} vedrørende ovennævnte borger."
    if "265" in form:
        asked += (
            f" Attesten udfyldes på blanket {escape(form)}, og anmodningen sendes sammen med LÆ 261/262."
            " Attesten honoreres efter den gældende takst."
        )
    elif form:
        asked += f" Oplysningerne bedes givet på blanket {escape(form)}."

    purpose = f"Oplysningerne skal bruges i sagen om {escape(request.purpose.strip())}"
    if "265" in form:
        legal = f"Anmodningen sker som led i {escape(request.process)}, jf. {escape(request.law)}."
    else:
        legal = f"Sagen behandles efter {escape(request.law)}."
    consent = (
        f"Borgeren har den {fmt.date(given.given_on)} givet skriftligt samtykke efter {consent_rules().basis} "
        f"til, at jobcentret indhenter {escape(_lower_first(given.information))} "
        f"hos {RECIPIENT_KINDS[request.recipient_kind]}, {escape(given.source_name)}, "
        f"til brug for {escape(_lower_first(given.purpose))}. "
        f"Samtykket er {validity_text(given, request.letter_date)}. Samtykket kan eftersendes, hvis I ønsker det."
    )
    if request.email.strip():
        reply = (
            f"Send venligst svaret med sikker post til {escape(request.email.strip())}. "
            "Send ikke følsomme oplysninger med almindelig e-mail."
        )
    else:
        reply = (
            f"Send venligst svaret med sikker post til {escape(request.jobcenter.strip())}, "
            f"att. {escape(request.caseworker.strip())}. Send ikke følsomme oplysninger med almindelig e-mail."
        )
    if request.phone.strip():
        reply += f" Har I spørgsmål, er I velkomne til at ringe til mig på {escape(request.phone.strip())}."

    signature = KeepTogether(
        [
            Paragraph("Med venlig hilsen", body),
            Spacer(1, 14 * mm),
            Paragraph("_" * 38, body),
            Paragraph(
                _lines(request.caseworker, "Jobrådgiver", request.jobcenter),
                body,
            ),
        ]
    )

    return [
        header,
        Spacer(1, 14 * mm),
        Paragraph(concerning, body),
        Spacer(1, 4 * mm),
        Paragraph(escape(_heading(what)), st["title"]),
        Paragraph(asked, body),
        Paragraph(f"{purpose}. {legal}", body),
        Paragraph(consent, body),
        Paragraph(f"<b>Vi beder om svar senest {fmt.date(request.answer_by)}.</b>", body),
        Paragraph(reply, body),
        Spacer(1, 6 * mm),
        signature,
    ]


def _build(request: LetterRequest, digits: str, out: BinaryIO) -> None:
    doc = new_document(out, title="Anmodning om oplysninger", author=request.jobcenter.strip())
    doc.build(_story(request, digits))


def render_request_letter(request: LetterRequest) -> bytes:
    """The letter as A4 PDF bytes. Raises `LetterRefused` (e.g. no consent)."""
    digits = _check(request)
    out = io.BytesIO()
    _build(request, digits, out)
    return out.getvalue()


def save_request_letter(request: LetterRequest, path: Path, *, rules: OutputRules, replace: bool = False) -> None:
    """Save the letter at `path` through the one writer, under `rules` (`outputs.rules_for`
    the open database): an existing file only with `replace`. `OutputRefusedError` for a
    refused path, `StorageError` if the disk refuses."""
    digits = _check(request)
    write_output(Path(path), lambda fh: _build(request, digits, fh), rules, replace=replace)


# --- a letter for a checklist item ----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LetterDraft:
    """What the caseworker fills in the letter form for a checklist item, pre-filled by
    `draft_request_letter`; the rest of the letter comes from the case and the settings."""

    recipient_name: str
    recipient_unit: str
    recipient_secure_mail: str
    what: str
    purpose: str
    answer_by: dt.date
    caseworker: str
    mark_requested: bool  # also mark the item as requested (only an item that still 'mangler')


def _entry(checklist: Checklist, item_id: str, instance: str) -> ChecklistEntry:
    try:
        entry = checklist.entry(item_id, instance)
    except KeyError:
        raise LetterRefused("Brevet er ikke lavet: punktet hører ikke til sagens regelpakke eller sigte.") from None
    if entry.item.source not in LETTER_RECIPIENTS:
        raise ValueError(f"no request letter goes to {entry.item.source.value!r}")
    return entry


def _can_mark(entry: ChecklistEntry) -> bool:
    """A letter marks its item as requested only from 'mangler': an item already requested,
    received or set aside keeps its state and its history."""
    return entry.state == DocumentState.MANGLER


def _process(pack: RulePack) -> str:
    """What a GP certificate is part of under `pack`, inside a sentence."""
    if pack.terms.team:
        return f"forberedelsen af sagen til {pack.terms.team} ({pack.terms.dossier_title.lower()})"
    return f"udarbejdelsen af den {pack.terms.dossier_title[0].lower()}{pack.terms.dossier_title[1:]}"


def draft_request_letter(
    database: Database, citizen_id: int, item_id: str, instance: str = "", today: dt.date | None = None
) -> LetterDraft:
    """The letter form's first values for a checklist item: the registered contact, what
    the item asks for, the case's purpose, the answer time, the caseworker. Refuses
    (`LetterRefused`) a health request that no consent covers yet."""
    today = today or dt.date.today()
    checklist = load_checklist(database, citizen_id, today)
    entry = _entry(checklist, item_id, instance)
    if entry.item.health and covering_consent(checklist.consents, entry.item.source, today) is None:
        raise LetterRefused(
            f"Der er ikke registreret et gyldigt samtykke til at indhente oplysninger fra "
            f"{SOURCE_LABELS[entry.item.source]}. Registrér samtykket først."
        )
    contact = request_contact(database, citizen_id, entry.item.source)
    return LetterDraft(
        recipient_name=contact.name if contact else "",
        recipient_unit=contact.unit if contact else "",
        recipient_secure_mail=contact.secure_mail if contact else "",
        what=entry.item.title,
        purpose=case_purpose(checklist.aim) or "afklaring af sagen",
        answer_by=answer_due(entry.item, today),
        caseworker=get_settings(database)["caseworker_name"],
        mark_requested=_can_mark(entry),
    )


def make_request_letter(
    database: Database,
    citizen_id: int,
    item_id: str,
    instance: str,
    draft: LetterDraft,
    out: Path | Callable[[bytes], object],
    *,
    replace: bool = False,
    today: dt.date | None = None,
) -> None:
    """Write the letter for a checklist item at `out` and, with `draft.mark_requested`,
    mark the item as requested today: one transaction, with the file written last inside
    it, so a refused letter, a refused state change or a failed write leaves the item, the
    audit log and the folder as they were. The consent the letter cites is the newest one
    covering the item's source today. An existing file is replaced only with `replace`
    (the window's save dialog has asked).

    `out` may instead be a function that gets the letter's PDF bytes, e.g. to print it:
    it is called last inside the transaction, so when it raises (the print failed or was
    cancelled) nothing is marked or logged either."""
    today = today or dt.date.today()
    rules = rules_for(database)
    path = None if callable(out) else Path(out)
    if path is not None:
        check_output(path, rules, replace=replace)
    conf = get_settings(database)
    with database.transaction() as session:
        checklist = read_checklist(session, citizen_id, today)
        entry = _entry(checklist, item_id, instance)
        citizen = session.get(Citizen, citizen_id)
        assert citizen is not None  # read_checklist refuses a citizen who is not there
        consent = covering_consent(checklist.consents, entry.item.source, today)
        request = LetterRequest(
            recipient_kind=entry.item.source.value,
            recipient_name=draft.recipient_name,
            recipient_unit=draft.recipient_unit,
            recipient_secure_mail=draft.recipient_secure_mail,
            citizen_name=citizen.full_name,
            citizen_cpr=citizen.cpr,
            citizen_address=citizen.address,
            what=draft.what,
            form=entry.item.form,
            purpose=draft.purpose,
            law=checklist.pack.law_for(checklist.aim) or _LAB,
            process=_process(checklist.pack),
            answer_by=draft.answer_by,
            consent=consent,
            caseworker=draft.caseworker,
            jobcenter=conf["jobcenter_name"],
            phone=conf["caseworker_phone"],
            email=conf["caseworker_email"],
            letter_date=today,
        )
        _check(request)  # a refused letter changes nothing
        if draft.mark_requested and _can_mark(entry):
            change_state(
                session,
                citizen_id,
                item_id,
                instance,
                DocumentState.ANMODET,
                on=today,
                requested_from=draft.recipient_name,
                expected_by=draft.answer_by,
                note="Anmodningsbrev lavet",
                today=today,
            )
        audit.record(session, audit.Action.PRINT, citizen_id, "anmodningsbrev")
        # Written last inside the transaction: if writing fails, the state change and the log entry roll back.
        if path is not None:
            save_request_letter(request, path, rules=rules, replace=replace)
        else:
            assert callable(out)
            out(render_request_letter(request))
