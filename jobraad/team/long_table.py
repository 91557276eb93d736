"""The machine-readable part of a summary file, shared by the XLSX and CSV writers and read
back by `jobraad.team.reader`: a long table (section, key, text, value, low, high) – the
"Data" sheet of the XLSX and the whole CSV – plus metadata (format version, period,
goal-set id and hash, caseworker count, summary ids). Also what keeps text in a spreadsheet
from being taken for a formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jobraad.team.model import FORMAT_NAME, SMALL_MAX, Count, Meta, Summary
from jobraad.team.numbers import NUMBER_FORMAT, NUMBER_FORMAT_KEY, NUMBER_FORMAT_LABEL

__all__ = [
    "FORMULA_START",
    "ILLEGAL_XML",
    "DataRow",
    "data_rows",
    "meta_rows",
]

#: Text starting with one of these is a formula to Excel (or LibreOffice): written as text, it
#: gets a quote prefix (XLSX) or an apostrophe (CSV).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Control characters that XML (so XLSX) cannot hold, and that no summary text needs.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class DataRow:
    section: str
    key: str
    label: str
    value: int | float | str | None  # a number when exact and shown, else the text shown
    low: float | None
    high: float | None
    kind: str = "count"  # count | share | amount | weeks | text


def _count_row(section: str, key: str, label: str, c: Count) -> DataRow:
    return DataRow(section, key, label, c.value if c.value is not None else c.display, c.low, c.high)


def meta_rows(m: Meta) -> list[tuple[str, str, str]]:
    """(key, Danish explanation, value)."""
    return [
        ("format", "Filformat", FORMAT_NAME),
        ("format_version", "Formatversion", str(m.format_version)),
        (NUMBER_FORMAT_KEY, NUMBER_FORMAT_LABEL, NUMBER_FORMAT),
        ("periode_fra", "Periodens første dag", m.period.start.isoformat()),
        ("periode_til", "Periodens sidste dag", m.period.end.isoformat()),
        ("opgjort_pr", "Opgjort pr.", m.as_of.isoformat()),
        ("maalsaet_id", "Målsæt (indsats) id", m.goal_set_id),
        ("maalsaet_navn", "Indsats", m.goal_set_name),
        ("maalsaet_hash", "Målsættets kontrolsum (hvad målene tæller)", m.goal_set_hash),
        ("indsats_fra", "Indsatsens første dag", m.indsats_period.start.isoformat()),
        ("indsats_til", "Indsatsens sidste dag", m.indsats_period.end.isoformat()),
        ("population", "Hvem tælles", m.population),
        ("jobraadgivere", "Antal jobrådgivere", str(m.caseworkers)),
        ("opgoerelse_id", "Opgørelsens id (flere ved sammenlægning)", " ".join(m.summary_ids)),
        ("dannet", "Dannet", m.created.isoformat(timespec="seconds")),
        ("jobraad_version", "jobraad-version", m.program_version),
        ("undertrykkelse", "Tal under 5 vises som <5", f"1-{SMALL_MAX}"),
        ("per_borger", "Med pseudonymiserede borgerdata", "ja" if m.per_citizen else "nej"),
        ("logbog_hoved", "Logbogens kædehoved, da opgørelsen blev dannet", m.audit_head),
    ]


def data_rows(s: Summary) -> list[DataRow]:
    rows = [
        _count_row("Borgere", "borgere.i_alt", f"Borgere i indsatsen i perioden ({s.meta.population})", s.population),
        _count_row("Borgere", "borgere.maalgruppe_2024", "Heraf i målgruppen 2024", s.target_group),
    ]
    a = s.helaarspladser
    rows.append(
        DataRow(
            "Helårspladser",
            "helaarspladser.brugt",
            "Helårspladser brugt (borgerdage i perioden / 365)",
            a.value if a.value is not None else a.display,
            a.low,
            a.high,
            "amount",
        )
    )
    target = s.helaarspladser_target
    rows.append(
        DataRow(
            "Helårspladser",
            "helaarspladser.maal",
            "Mål for helårspladser i perioden",
            target if target is not None else "ikke fastsat",
            target,
            target,
            "amount",
        )
    )
    for g in s.goals:
        sec = "Mål"
        rows.append(DataRow(sec, f"maal.{g.goal_id}.regel", g.label, g.rule, None, None, "text"))
        rows.append(
            DataRow(sec, f"maal.{g.goal_id}.population", f"{g.label}: hvem tælles", g.population, None, None, "text")
        )
        rows.append(_count_row(sec, f"maal.{g.goal_id}.taeller", f"{g.label}: opnået", g.numerator))
        rows.append(_count_row(sec, f"maal.{g.goal_id}.naevner", f"{g.label}: i alt", g.denominator))
        share = g.share
        rows.append(
            DataRow(
                sec,
                f"maal.{g.goal_id}.resultat",
                f"{g.label}: resultat",
                share.value if share.value is not None else share.display,
                None if share.hidden else share.low,
                None if share.hidden else share.high,
                "share",
            )
        )
        rows.append(
            DataRow(
                sec,
                f"maal.{g.goal_id}.maal",
                f"{g.label}: mål",
                g.target if g.target is not None else "intet mål",
                g.target,
                g.target,
                "share",
            )
        )
        rows.append(DataRow(sec, f"maal.{g.goal_id}.status", f"{g.label}: status", g.status, None, None, "text"))
    for t in s.tables:
        for r in (*t.rows, t.total):
            rows.append(_count_row(t.title, f"tabel.{t.key}.{r.key}", r.label, r.count))
    d = s.decision
    sec = "Rehabiliteringsteam"
    rows.append(
        DataRow(
            sec,
            "afgoerelse.median_uger",
            "Median uger fra gruppe 3-forløbets start til afgørelse",
            d.weeks if d.weeks is not None and not d.approximate else d.display,
            d.weeks,
            d.weeks,
            "weeks",
        )
    )
    rows.append(
        DataRow(
            sec,
            "afgoerelse.median_tilnaermet",
            "Medianen er tilnærmet (sammenlagt)",
            "ja" if d.approximate else "nej",
            None,
            None,
            "text",
        )
    )
    rows.append(_count_row(sec, "afgoerelse.antal", "Afgørelser i perioden (gruppe 3)", d.n))
    rows.append(
        _count_row(
            "Dokumentation", "dokumentation.forsinkede", "Gruppe 3 med forsinkede anmodninger", s.overdue_requests
        )
    )
    return rows
