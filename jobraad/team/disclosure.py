"""The disclosure audit of a team summary: what someone holding only the published file can
work out about each figure that is not shown exactly.

The published figures are variables with bounds: an exact figure is [n, n], "<5" is [1, 4]
(or [0, 4] where that is what is published), "x" is its published "Nedre"/"Øvre", a merged
range "12–15" is [12, 15]. The summary's additive relations tie them together:

- each breakdown table: its rows add up to its total;
- across tables: the totals of "Visitationsgruppe", "Sigte" and "Alder" are the population
  ("Borgere i indsatsen"); the closings, the hours trends and the target group are at most
  the population; gruppe 3's documentation table is at most the gruppe 3 row, its overdue
  requests at most its total; a goal's "opnået" is at most its "i alt".

An inequality a ≤ b is a ∑ with a slack variable ≥ 0. Interval propagation (bounds
tightening: each variable of a ∑ lies between the total's bounds less the others' bounds)
runs to a fixed point. The relations share only their totals (a star), for which this gives
each variable's exact range over the integers: the smallest and largest value it can take.

A figure is *derivable* when it is not shown exactly, may be 0–4, and fewer than
`SMALL_MAX` (4) values remain possible for it: a "<5" must stay anything 1–4.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from jobraad.team.model import SMALL_MAX, Count, Summary

__all__ = ["Audit", "Relation", "audit", "relations", "variables"]

#: The rows of gruppe 3 in the group table and the tables that are its parts.
_GRUPPE_3 = "tabel.gruppe.gruppe_3"
#: Tables whose total is the population itself.
_POPULATION_TABLES = ("gruppe", "sigte", "alder")
#: Tables whose total counts some of the population.
_PART_TABLES = ("afslutning", "timer")


@dataclass(frozen=True)
class Relation:
    """∑ parts (+ a slack ≥ 0 when `at_most`) = total; each a variable's key."""

    parts: tuple[str, ...]
    total: str
    at_most: bool = False


@dataclass
class Audit:
    """The range each figure can take given the published file (`ranges`), and the figures not
    shown exactly whose range is too narrow (`derivable`)."""

    ranges: dict[str, tuple[float, float]]
    published: dict[str, Count]
    derivable: list[str] = field(default_factory=list)


def _key(table: str, row: str) -> str:
    return f"tabel.{table}.{row}"


def variables(s: Summary) -> dict[str, Count]:
    """The counts of the summary by the key its long table gives them (`long_table.data_rows`)."""
    out = {"borgere.i_alt": s.population, "borgere.maalgruppe_2024": s.target_group}
    for g in s.goals:
        out[f"maal.{g.goal_id}.taeller"] = g.numerator
        out[f"maal.{g.goal_id}.naevner"] = g.denominator
    for t in s.tables:
        for r in (*t.rows, t.total):
            out[_key(t.key, r.key)] = r.count
    out["afgoerelse.antal"] = s.decision.n
    out["dokumentation.forsinkede"] = s.overdue_requests
    return out


def relations(s: Summary) -> list[Relation]:
    """The additive relations among the summary's counts that a reader of the file knows."""
    keys = {t.key for t in s.tables}
    rels = [Relation(tuple(_key(t.key, r.key) for r in t.rows), _key(t.key, t.total.key)) for t in s.tables]
    for t in s.tables:
        total = _key(t.key, t.total.key)
        if t.key in _POPULATION_TABLES:
            rels.append(Relation((total,), "borgere.i_alt"))
        elif t.key in _PART_TABLES:
            rels.append(Relation((total,), "borgere.i_alt", at_most=True))
    rels.append(Relation(("borgere.maalgruppe_2024",), "borgere.i_alt", at_most=True))
    if "dokumentation" in keys and "gruppe" in keys:
        doc_total = _key("dokumentation", s.table("dokumentation").total.key)
        rels.append(Relation((doc_total,), _GRUPPE_3, at_most=True))
        rels.append(Relation(("dokumentation.forsinkede",), doc_total, at_most=True))
    for g in s.goals:
        rels.append(Relation((f"maal.{g.goal_id}.taeller",), f"maal.{g.goal_id}.naevner", at_most=True))
    return rels


def _propagate(bounds: dict[str, tuple[float, float]], rels: Iterable[Relation]) -> None:
    """Tighten `bounds` in place to the fixed point of the relations (integers, so rounded inward)."""
    rels = list(rels)
    for _ in range(1000):
        changed = False
        for i, rel in enumerate(rels):
            slack = f"#slack{i}"
            parts = [*rel.parts, slack] if rel.at_most else list(rel.parts)
            if rel.at_most and slack not in bounds:
                bounds[slack] = (0.0, math.inf)
            lo_sum = sum(bounds[p][0] for p in parts)
            hi_sum = sum(bounds[p][1] for p in parts)
            t_lo, t_hi = bounds[rel.total]
            new_t = (max(t_lo, lo_sum), min(t_hi, hi_sum))
            if new_t != (t_lo, t_hi):
                bounds[rel.total], changed = new_t, True
                t_lo, t_hi = new_t
            for p in parts:
                lo, hi = bounds[p]
                others_lo, others_hi = lo_sum - lo, hi_sum - hi
                new_lo = max(lo, t_lo - others_hi) if math.isfinite(others_hi) else lo
                new_hi = min(hi, t_hi - others_lo)
                new = (float(math.ceil(new_lo)), float(math.floor(new_hi)) if math.isfinite(new_hi) else new_hi)
                if new != (lo, hi):
                    bounds[p], changed = new, True
        if not changed:
            return


def audit(s: Summary) -> Audit:
    """The disclosure audit of `s` as published (see the module docstring)."""
    published = variables(s)
    bounds: dict[str, tuple[float, float]] = {k: (float(c.low), float(c.high)) for k, c in published.items()}
    _propagate(bounds, relations(s))
    result = Audit({k: v for k, v in bounds.items() if not k.startswith("#")}, published)
    for key, c in published.items():
        if c.exact:
            continue
        lo, hi = bounds[key]
        if lo <= SMALL_MAX and hi - lo + 1 < SMALL_MAX:
            result.derivable.append(key)
    return result
