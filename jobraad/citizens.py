"""Creating, changing, closing and reopening citizens, and the visitation history.

Every function is one transaction: it either saves all it was given or raises
`ValidationFailed` (with a Danish message per field) and saves nothing.

The aim ressourceforløb is refused for a citizen with less than 6 years to folkepensionsalderen
(LAB § 112, stk. 3; `jobraad.pension`) with `RessourceforloebRefused`, unless the caller says
the citizen wishes it himself; then it is saved with a journal note that says so. A citizen
already in ressourceforløb keeps it (the paragraph's 2nd sentence): only a change to it is checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, object_session

from db.enums import Aim, BenefitType, JournalKind, Outcome, VisitationGroup
from db.models import CaseOutcome, Citizen, Forloeb, JournalNote
from db.session import Database
from jobraad import audit, bulk, cpr, pension
from jobraad import formatting as fmt
from jobraad.errors import FieldProblem, UserFacingError, ValidationFailed

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[+\d][\d ()-]{5,}$")
# The formatting characters of bidirectional text. Unseen, they change how the text
# around them is shown: U+202E makes "Hansen" look like "nesnaH" on screen and in a
# dossier while the stored letters stay the same.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_LINE_BREAKS = "\n\r\u2028\u2029"
# Control characters (C0, DEL and C1), line breaks and bidi formatting characters.
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
# The same for text of several lines (address, notes): line breaks and tabs are allowed there.
_UNSAFE_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")


class CitizenNotFound(UserFacingError):
    def __init__(self, what: str = "Borgeren") -> None:
        super().__init__(f"{what} findes ikke (længere) i sagsstammen.")


@dataclass(frozen=True)
class RessourceforloebProblem(FieldProblem):
    """The aim ressourceforløb, refused by the 6-year rule; `bar` says why."""

    bar: pension.RessourceforloebBar | None = None


class RessourceforloebRefused(ValidationFailed):
    """Nothing was saved: the only problem was the 6-year rule for ressourceforløb. Saving again
    with `wishes_ressourceforloeb=True` records the citizen's own wish and saves."""

    def __init__(self, problem: RessourceforloebProblem, summary: str) -> None:
        assert problem.bar is not None
        self.bar = problem.bar
        super().__init__([problem], summary)


def ressourceforloeb_problem(
    aim: Aim, digits: str, *, today: dt.date, previous_aim: Aim | None = None, line: int | None = None
) -> RessourceforloebProblem | None:
    """The 6-year rule's objection to setting `aim` (from `previous_aim`; None: a new citizen)
    on `today` for the citizen with CPR `digits`, or None."""
    if aim != Aim.RESSOURCEFORLOEB or previous_aim == Aim.RESSOURCEFORLOEB or not digits:
        return None
    bar = pension.ressourceforloeb_bar(cpr.birth_date(digits), today)
    if bar is None:
        return None
    message = (
        f"Der skal ikke iværksættes et ressourceforløb: borgeren har mindre end {bar.rule.years} år til "
        f"folkepensionsalderen ({bar.age.label}) og når den {fmt.date(bar.reaches_on)} ({bar.rule.paragraph}). "
        "Ressourceforløb kan kun vælges, hvis borgeren selv ønsker det."
    )
    return RessourceforloebProblem("sigte", message, line, bar)


def ressourceforloeb_wish_note(bar: pension.RessourceforloebBar) -> str:
    """The journal note written when the citizen wishes a ressourceforløb the rule would bar."""
    return (
        f"Borgeren ønsker selv ressourceforløb, selv om der er mindre end {bar.rule.years} år til "
        f"folkepensionsalderen ({bar.rule.paragraph})."
    )


@dataclass
class CitizenInput:
    """What a form or an import row gives for one citizen. Text as typed."""

    first_name: str
    last_name: str
    cpr: str
    phone: str = ""
    email: str = ""
    address: str = ""
    language: str = ""
    interpreter_needed: bool = False
    benefit_type: BenefitType = BenefitType.KONTANTHJAELP
    support_years_last10: int = 0
    aim: Aim = Aim.JOB
    notes: str = ""
    # Only used when creating: the first forløb.
    group: VisitationGroup = VisitationGroup.GRUPPE_2
    forloeb_start: dt.date | None = None
    extra: dict[str, str] = field(default_factory=dict)


def hidden_character_problem(
    field: str, text: str, line: int | None = None, *, multiline: bool = False
) -> FieldProblem | None:
    """The problem with a control character or a bidi formatting character in `text`, if
    there is one; line breaks (and tabs) count only where `multiline` is false.

    The rule for every text a citizen's stamdata hold, typed in the window or imported;
    the importer applies it to the columns it reads, too. The message names the
    character and its place, never the text: shown back, the text would be shown wrongly.
    """
    found = (_UNSAFE_IN_TEXT if multiline else _UNSAFE_IN_LINE).search(text)
    if found is None:
        return None
    char = found.group()
    if char in _LINE_BREAKS:
        what = "et linjeskift"
    elif char in _BIDI:
        what = f"et usynligt tegn, der styrer skriveretningen (U+{ord(char):04X})"
    elif char == "\t":
        what = "et tabulatortegn"
    else:
        what = f"et usynligt styretegn (U+{ord(char):04X})"
    where = found.start() + 1
    return FieldProblem(field, f"Feltet indeholder {what} som tegn nr. {where}. Skriv teksten uden det.", line)


def validate(
    data: CitizenInput, *, line: int | None = None, today: dt.date | None = None, previous_aim: Aim | None = None
) -> tuple[str, list[FieldProblem]]:
    """The normalised CPR and the problems found; no database needed. `previous_aim` is the
    stored aim of a citizen being changed (None: a new citizen)."""
    today = today or dt.date.today()
    problems: list[FieldProblem] = []
    hidden: set[str] = set()  # fields whose other checks would quote their text back
    for name, value, multiline in (
        ("cpr", data.cpr, False),
        ("fornavn", data.first_name, False),
        ("efternavn", data.last_name, False),
        ("telefon", data.phone, False),
        ("email", data.email, False),
        ("adresse", data.address, True),
        ("sprog", data.language, False),
        ("noter", data.notes, True),
    ):
        problem = hidden_character_problem(name, value, line, multiline=multiline)
        if problem is not None:
            problems.append(problem)
            hidden.add(name)
    digits = ""
    if "cpr" not in hidden:
        try:
            digits = cpr.normalise(data.cpr)
        except cpr.InvalidCpr as err:
            problems.append(FieldProblem("cpr", str(err), line))
    if not data.first_name.strip():
        problems.append(FieldProblem("fornavn", "Fornavn skal udfyldes.", line))
    if not data.last_name.strip():
        problems.append(FieldProblem("efternavn", "Efternavn skal udfyldes.", line))
    for name, value, limit in (
        ("fornavn", data.first_name, 100),
        ("efternavn", data.last_name, 100),
        ("telefon", data.phone, 40),
        ("email", data.email, 200),
        ("sprog", data.language, 60),
    ):
        if len(value.strip()) > limit:
            problems.append(FieldProblem(name, f"Højst {limit} tegn.", line))
    if "email" not in hidden and data.email.strip() and not _EMAIL.match(data.email.strip()):
        problems.append(FieldProblem("email", f"«{data.email.strip()}» er ikke en e-mailadresse.", line))
    if "telefon" not in hidden and data.phone.strip() and not _PHONE.match(data.phone.strip()):
        problems.append(FieldProblem("telefon", f"«{data.phone.strip()}» er ikke et telefonnummer.", line))
    if not 0 <= data.support_years_last10 <= 10:
        problems.append(FieldProblem("forsørgelsesår", "Antal år skal være mellem 0 og 10.", line))
    if data.forloeb_start is not None and data.forloeb_start > today + dt.timedelta(days=366):
        problems.append(FieldProblem("forløbsstart", "Forløbsstart ligger mere end et år ude i fremtiden.", line))
    too_late = ressourceforloeb_problem(data.aim, digits, today=today, previous_aim=previous_aim, line=line)
    if too_late is not None:
        problems.append(too_late)
    return digits, problems


def _settle_ressourceforloeb(
    problems: list[FieldProblem], wishes_ressourceforloeb: bool, summary: str
) -> pension.RessourceforloebBar | None:
    """Drop the 6-year rule's problem when the citizen wishes a ressourceforløb (its bar is
    returned, for the journal note); raise when anything is left."""
    barred = next((p for p in problems if isinstance(p, RessourceforloebProblem)), None)
    if barred is not None and wishes_ressourceforloeb:
        problems.remove(barred)
        return barred.bar
    if problems == [barred] and barred is not None:
        raise RessourceforloebRefused(barred, summary)
    if problems:
        raise ValidationFailed(problems, summary)
    return None


def _note_wish(session: Session, citizen_id: int, bar: pension.RessourceforloebBar | None) -> None:
    if bar is None:
        return
    session.add(JournalNote(citizen_id=citizen_id, kind=JournalKind.NOTAT, text=ressourceforloeb_wish_note(bar)))
    # The log says a note was written, not what about: the case's course is in the journal.
    audit.record(session, audit.Action.CHANGE, citizen_id, "journalnotat")


def _stamdata(data: CitizenInput, digits: str) -> dict[str, Any]:
    """The stored columns of a citizen, from the form's values."""
    return {
        "cpr": digits,
        "first_name": data.first_name.strip(),
        "last_name": data.last_name.strip(),
        "phone": data.phone.strip(),
        "email": data.email.strip(),
        "address": data.address.strip(),
        "language": data.language.strip(),
        "interpreter_needed": data.interpreter_needed,
        "benefit_type": data.benefit_type,
        "support_years_last10": data.support_years_last10,
        "aim": data.aim,
        "notes": data.notes,
    }


def _apply(citizen: Citizen, data: CitizenInput, digits: str) -> None:
    for column, value in _stamdata(data, digits).items():
        setattr(citizen, column, value)


def cpr_in_use(session: Session, digits: str, except_id: int | None = None) -> bool:
    stmt = select(Citizen.id).where(Citizen.cpr == digits)
    if except_id is not None:
        stmt = stmt.where(Citizen.id != except_id)
    return session.scalars(stmt).first() is not None


def add_citizens(session: Session, citizens: Sequence[tuple[CitizenInput, str]]) -> list[int]:
    """Add validated citizens (each with its normalised CPR), with their first forløb, to an
    open transaction; their new ids, in the same order.

    Two INSERT statements for any number of citizens: an import of 10,000 takes a
    fraction of the time the ORM's unit of work would. Nothing is loaded into the session.
    """
    if not citizens:
        return []
    ids = list(
        session.scalars(
            insert(Citizen).returning(Citizen.id, sort_by_parameter_order=True),
            [_stamdata(data, digits) for data, digits in citizens],
        )
    )
    today = dt.date.today()
    session.execute(
        insert(Forloeb),
        [
            {
                "citizen_id": citizen_id,
                "group": data.group,
                "start_date": data.forloeb_start or today,
                "reason": "Første visitation",
            }
            for citizen_id, (data, _) in zip(ids, citizens, strict=True)
        ],
    )
    return ids


def create_citizen(
    database: Database, data: CitizenInput, *, wishes_ressourceforloeb: bool = False, today: dt.date | None = None
) -> int:
    """Add a citizen; `wishes_ressourceforloeb`: the citizen wishes the aim ressourceforløb even
    with less than 6 years to folkepensionsalderen (else that raises `RessourceforloebRefused`)."""
    digits, problems = validate(data, today=today)
    with database.transaction() as session:
        if digits and cpr_in_use(session, digits):
            problems.append(FieldProblem("cpr", f"{fmt.cpr(digits)} er allerede i sagsstammen."))
        wish = _settle_ressourceforloeb(problems, wishes_ressourceforloeb, "Borgeren er ikke oprettet:")
        (citizen_id,) = add_citizens(session, [(data, digits)])
        audit.record(session, audit.Action.CREATE, citizen_id, "borger")
        _note_wish(session, citizen_id, wish)
        return citizen_id


def update_citizen(
    database: Database,
    citizen_id: int,
    data: CitizenInput,
    *,
    wishes_ressourceforloeb: bool = False,
    today: dt.date | None = None,
) -> None:
    """Change a citizen's stamdata; `wishes_ressourceforloeb` as for `create_citizen`."""
    with database.transaction() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise CitizenNotFound()
        digits, problems = validate(data, today=today, previous_aim=citizen.aim)
        if digits and cpr_in_use(session, digits, except_id=citizen_id):
            problems.append(FieldProblem("cpr", f"{fmt.cpr(digits)} tilhører en anden borger."))
        wish = _settle_ressourceforloeb(problems, wishes_ressourceforloeb, "Ændringerne er ikke gemt:")
        _apply(citizen, data, digits)
        if citizen.aim is not Aim.FOERTIDSPENSION:
            citizen.pension_without_team = False  # only a førtidspension case can be an oplagt one
        audit.record(session, audit.Action.CHANGE, citizen_id, "stamdata")
        _note_wish(session, citizen_id, wish)


def input_from(citizen: Citizen) -> CitizenInput:
    """The form values for an existing citizen."""
    current = current_forloeb(citizen)
    return CitizenInput(
        first_name=citizen.first_name,
        last_name=citizen.last_name,
        cpr=fmt.cpr(citizen.cpr),
        phone=citizen.phone,
        email=citizen.email,
        address=citizen.address,
        language=citizen.language,
        interpreter_needed=citizen.interpreter_needed,
        benefit_type=citizen.benefit_type,
        support_years_last10=citizen.support_years_last10,
        aim=citizen.aim,
        notes=citizen.notes,
        group=current.group if current else VisitationGroup.GRUPPE_2,
        forloeb_start=current.start_date if current else None,
    )


def current_forloeb(citizen: Citizen) -> Forloeb | None:
    """The citizen's current forløb, as a stored object to change (the rule is
    `jobraad.bulk.current_forloeb`, the one the caseload and the checklist read by)."""
    session = object_session(citizen)
    if session is None:
        raise ValueError("the citizen is not in a session")
    forloeb_id = bulk.current_forloeb(session, [citizen.id]).forloeb_id.get(citizen.id)
    return session.get(Forloeb, forloeb_id) if forloeb_id is not None else None


def change_group(database: Database, citizen_id: int, group: VisitationGroup, on: dt.date, reason: str) -> None:
    """Visitér to another group: ends the current forløb and starts a new clock."""
    problems: list[FieldProblem] = []
    if not reason.strip():
        problems.append(FieldProblem("begrundelse", "Skriv hvorfor borgeren skifter gruppe."))
    with database.transaction() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise CitizenNotFound()
        current = current_forloeb(citizen)
        if current is not None and on < current.start_date:
            problems.append(
                FieldProblem("dato", f"Datoen ligger før det nuværende forløbs start ({fmt.date(current.start_date)}).")
            )
        if current is not None and current.group == group:
            problems.append(FieldProblem("gruppe", "Borgeren er allerede i den gruppe."))
        if problems:
            raise ValidationFailed(problems, "Gruppeskiftet er ikke gemt:")
        if current is not None:
            current.end_date = on
        citizen.forloeb.append(Forloeb(group=group, start_date=on, reason=reason.strip()))
        audit.record(session, audit.Action.CHANGE, citizen_id, "visitation")


def open_outcome(citizen: Citizen) -> CaseOutcome | None:
    """The closing in force, if the case is closed."""
    for outcome in reversed(citizen.outcomes):
        if outcome.reopened_on is None:
            return outcome
    return None


def close_case(database: Database, citizen_id: int, outcome: Outcome, on: dt.date, note: str = "") -> None:
    with database.transaction() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise CitizenNotFound()
        if open_outcome(citizen) is not None:
            raise ValidationFailed([FieldProblem("status", "Sagen er allerede lukket.")], "Sagen er ikke lukket:")
        if on > dt.date.today():
            raise ValidationFailed(
                [FieldProblem("dato", "En sag kan ikke lukkes med en dato i fremtiden.")],
                "Sagen er ikke lukket:",
            )
        citizen.outcomes.append(CaseOutcome(outcome=outcome, closed_on=on, note=note.strip()))
        current = current_forloeb(citizen)
        if current is not None and current.start_date <= on:
            current.end_date = on
        audit.record(session, audit.Action.CLOSE, citizen_id, outcome.value)


def reopen_case(
    database: Database, citizen_id: int, on: dt.date, group: VisitationGroup, reason: str = "Genåbnet"
) -> None:
    with database.transaction() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise CitizenNotFound()
        closing = open_outcome(citizen)
        if closing is None:
            raise ValidationFailed([FieldProblem("status", "Sagen er ikke lukket.")], "Sagen er ikke genåbnet:")
        if on < closing.closed_on:
            raise ValidationFailed(
                [FieldProblem("dato", f"Datoen ligger før sagen blev lukket ({fmt.date(closing.closed_on)}).")],
                "Sagen er ikke genåbnet:",
            )
        closing.reopened_on = on
        citizen.forloeb.append(Forloeb(group=group, start_date=on, reason=reason))
        audit.record(session, audit.Action.REOPEN, citizen_id, "")


def get_citizen_input(database: Database, citizen_id: int) -> CitizenInput:
    """The stamdata of a citizen as form values."""
    with database.reading() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise CitizenNotFound()
        return input_from(citizen)
