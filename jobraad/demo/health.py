"""A demo citizen's health: the health profile (a kind of illness that hangs together:
diagnoses, limits, skånehensyn, specialists; `resources/demo_texts.toml`), the
sundhedskoordinator's notes, and the partners (own doctor, SOF, SUF) the case is in touch with."""

from __future__ import annotations

from typing import Any

from db.enums import ContactKind, HealthNoteKind
from db.models import HealthNote, PartnerContact
from jobraad.demo.builder import FLEKS, G3, G4, Builder, Case, fold_ascii, in_weeks, workday


def health_profile(b: Builder, case: Case) -> str:
    """The citizen's health profile, by age; PTSD more often for those who fled a war."""
    health = b.writing["health"]
    band = "aeldre" if case.old else "midt" if case.age >= 40 else "ung"
    weights = {}
    for key, profile in b.writing["profiles"].items():
        weight = float(profile["weight"][band])
        if key == "ptsd":
            if case.origin in health["war_origins"]:
                weight *= health["war_factor"]
            elif case.origin == "dansk":
                weight *= health["danish_ptsd_factor"]
        weights[key] = weight
    chosen: str = b.weighted(weights)
    return chosen


def conditions(b: Builder, profile: dict[str, Any]) -> str:
    """The diagnoses of a profile as the sundhedskoordinator lists them: the main one, and up to
    two that come with it."""
    main: str = b.pick(profile["main"])
    comorbid: list[str] = profile["comorbid"]
    return "\n".join([main, *b.rng.sample(comorbid, b.rng.choice((0, 1, 1, 2)))])


def health_notes(b: Builder, case: Case) -> list[HealthNote]:
    group = case.group
    wanted = (
        (group is G3 and b.chance(0.85))
        or group is FLEKS
        or (case.old and b.chance(0.4))
        or (group is G4 and b.chance(0.3))
    )
    if not wanted:
        return []
    h = b.texts["health"]
    p = b.writing["profiles"][case.profile]
    rng = b.rng
    coordinator = f"{b.pick(h['coordinators'])}, {h['coordinator_unit']}"
    day = workday(b.day_between(case.forloeb_start + in_weeks(1), case.forloeb_start + in_weeks(8)))
    if day > case.horizon:
        day = workday(case.forloeb_start - in_weeks(rng.randint(2, 10)), forward=False)
    recommendations = rng.sample(p["recommendations"], 2)
    note = HealthNote(
        note_date=day,
        kind=HealthNoteKind.HELBREDSGENNEMGANG,
        coordinator=coordinator,
        conditions=conditions(b, p),
        functional_limits="\n".join(rng.sample(p["functional_limits"], rng.randint(1, 3))),
        skaanehensyn="\n".join(rng.sample(p["skaanehensyn"], rng.randint(2, 4))),
        recommendations="\n".join(recommendations),
    )
    case.health = note
    notes = [note]
    later = day + in_weeks(rng.randint(3, 8))
    if group is G3 and later <= case.horizon and b.chance(0.4):
        notes.append(
            HealthNote(
                note_date=workday(later),
                kind=HealthNoteKind.TREPARTSSAMTALE,
                coordinator=coordinator,
                conditions=note.conditions,
                functional_limits=b.pick(p["functional_limits"]),
                skaanehensyn=note.skaanehensyn,
                recommendations=b.pick(p["recommendations"]),
            )
        )
    return notes


def contacts(b: Builder, case: Case) -> list[PartnerContact]:
    c = b.texts["contacts"]
    district = case.district
    wanted = {
        ContactKind.EGEN_LAEGE: case.group in (G3, G4, FLEKS) or b.chance(0.5),
        ContactKind.SOF: case.group is G4 or (case.group is G3 and b.chance(0.4)),
        ContactKind.SUF: (case.group is G3 and b.chance(0.4)) or b.chance(0.1),
    }
    rows = []
    for kind, yes in wanted.items():
        if not yes:
            continue
        if kind is ContactKind.EGEN_LAEGE:
            street = b.pick(district["streets"])
            name, unit = b.pick(c["doctors"]), f"{c['gp_prefix']} {street}"
            mail = f"laegehuset.{fold_ascii(street)}@sikkermail.example"
        else:
            units = c["sof_units"] if kind is ContactKind.SOF else c["suf_units"]
            name, unit = b.pick(c["caseworkers"]), b.fill(b.pick(units), case)
            mail = f"{kind.value}.{fold_ascii(district['name'])}@kk.example"
        contact = PartnerContact(kind=kind, name=name, unit=unit, phone=b.phone(), secure_mail=mail)
        case.contacts[kind] = contact
        rows.append(contact)
    return rows
