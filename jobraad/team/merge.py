"""One team summary from several caseworkers' files: the counts and their bounds added up.

A team total is exact where every part was shown and a range ("12–15") where it was not.
A merged median is the mean of the parts' medians weighted by their number of decisions (a
part whose count is hidden is left out): an approximation, marked "ca.". The merged
summary is suppressed again before it is shown or written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from jobraad import __version__
from jobraad.errors import UserFacingError
from jobraad.team.model import Amount, Count, Median, Summary, Table, TableRow
from jobraad.team.reader import read_summary
from jobraad.team.suppression import suppress

__all__ = ["MergeRefused", "merge", "merge_summaries"]


class MergeRefused(UserFacingError):
    """Summaries that cannot be merged (another period, other goals, the same file twice)."""


def _sum(counts: Iterable[Count]) -> Count:
    total = Count(0, 0)
    for c in counts:
        total = total + c
    return total


def merge_summaries(paths: Sequence[Path | str]) -> Summary:
    """One team summary from several caseworkers' files (XLSX or CSV). Refuses, naming the
    files, summaries of different periods or goal sets, or the same summary twice."""
    if not paths:
        raise MergeRefused("Vælg mindst én opgørelse at lægge sammen.")
    named = [(Path(p).name, read_summary(p)) for p in paths]
    return merge(named)


def merge(named: Sequence[tuple[str, Summary]]) -> Summary:
    """`merge_summaries` on summaries already read; `named` pairs a file name with each."""
    periods = {(s.meta.period.start, s.meta.period.end) for _, s in named}
    if len(periods) > 1:
        lines = "\n".join(f"  • {n}: {s.meta.period.label}" for n, s in named)
        raise MergeRefused(
            "Opgørelserne dækker forskellige perioder og kan ikke lægges sammen:\n"
            f"{lines}\nLav opgørelserne igen for samme periode."
        )
    sets = {(s.meta.goal_set_id, s.meta.goal_set_hash) for _, s in named}
    if len(sets) > 1:
        lines = "\n".join(
            f"  • {n}: {s.meta.goal_set_name} ({s.meta.goal_set_id}, kontrolsum {s.meta.goal_set_hash})"
            for n, s in named
        )
        raise MergeRefused(
            "Opgørelserne bygger på forskellige mål og kan ikke lægges sammen:\n"
            f"{lines}\nBrug de samme mål hos alle jobrådgivere, og lav opgørelserne igen."
        )
    seen: dict[str, str] = {}
    for n, s in named:
        for sid in s.meta.summary_ids:
            if sid in seen:
                raise MergeRefused(
                    f"Den samme opgørelse er med mere end én gang: {seen[sid]} og {n}. Fjern den ene, og prøv igen."
                )
            seen[sid] = n
    summaries = [s for _, s in named]
    first = summaries[0]
    for n, s in named[1:]:
        if [g.goal_id for g in s.goals] != [g.goal_id for g in first.goals] or [t.key for t in s.tables] != [
            t.key for t in first.tables
        ]:
            raise MergeRefused(
                f"{n} har ikke de samme mål og tabeller som {named[0][0]}, selv om målsættet er det samme. "
                "Er filen rettet i hånden? Lav opgørelsen igen."
            )

    goals = []
    for g in first.goals:
        parts = [s.goal(g.goal_id) for s in summaries]
        goals.append(
            replace(g, numerator=_sum(p.numerator for p in parts), denominator=_sum(p.denominator for p in parts))
        )
    tables = []
    for t in first.tables:
        keys: dict[str, str] = {}
        for s in summaries:
            for r in s.table(t.key).rows:
                keys.setdefault(r.key, r.label)
        rows = []
        for key, label in keys.items():
            cells = []
            for s in summaries:
                try:
                    cells.append(s.table(t.key).row(key).count)
                except KeyError:
                    cells.append(Count(0, 0))
            rows.append(TableRow(key, label, _sum(cells)))
        total = _sum(s.table(t.key).total.count for s in summaries)
        tables.append(Table(t.key, t.title, tuple(rows), replace(t.total, count=total)))

    weighted = [(s.decision.weeks, s.decision.n.value) for s in summaries]
    usable = [(w, n) for w, n in weighted if w is not None and n]
    weeks = sum(w * n for w, n in usable) / sum(n for _, n in usable) if usable else None
    decision_n = _sum(s.decision.n for s in summaries)
    approximate = len(summaries) > 1 or any(s.decision.approximate for s in summaries)
    amount = Amount(sum(s.helaarspladser.low for s in summaries), sum(s.helaarspladser.high for s in summaries))

    meta = replace(
        first.meta,
        as_of=max(s.meta.as_of for s in summaries),
        caseworkers=sum(s.meta.caseworkers for s in summaries),
        summary_ids=tuple(sorted(seen)),
        created=dt.datetime.now().replace(microsecond=0),
        per_citizen=False,
        program_version=__version__,
        audit_head="",  # each caseworker's own file states their log's head
    )
    merged = Summary(
        meta=meta,
        population=_sum(s.population for s in summaries),
        target_group=_sum(s.target_group for s in summaries),
        helaarspladser=amount,
        helaarspladser_target=first.helaarspladser_target,
        goals=tuple(goals),
        tables=tuple(tables),
        decision=Median(weeks, decision_n, approximate and weeks is not None),
        overdue_requests=_sum(s.overdue_requests for s in summaries),
    )
    return suppress(merged)
