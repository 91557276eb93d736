"""User settings, stored in the database (so they travel with the caseload and
its backups). Each setting has a default here; nothing else hard-codes them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.models import Setting
from db.session import Database


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: Any


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("caseworker_name", "Dit navn (jobrådgiver)", ""),
        SettingSpec("caseworker_phone", "Dit telefonnummer", ""),
        SettingSpec("caseworker_email", "Din sikre mail", ""),
        SettingSpec("jobcenter_name", "Jobcenter", "Jobcenter København"),
        # Progression signals (issue: virksomhedspraktik). Thresholds are data, not literals in the code.
        SettingSpec("signal_stall_weeks", "Uger uden progression før signal", 4),
        SettingSpec("signal_rising_slope", "Stigning i timer pr. uge, der tæller som progression", 0.5),
        SettingSpec("signal_low_hours", "Lavt timetal (timer pr. uge)", 10.0),
        SettingSpec("signal_low_hours_weeks", "Uger på lavt timetal trods støtte før signal", 8),
        SettingSpec("signal_low_attendance", "Fremmøde under (andel)", 0.5),
        SettingSpec("stable_level_weeks", "Uger et timetal skal holdes for at være stabilt", 4),
        # Trust (issue 8): lock, backups, retention. "" as backup folder = "backup" beside the database.
        SettingSpec("idle_lock_minutes", "Lås vinduet efter minutter uden brug", 10),
        SettingSpec("backup_folder", "Mappe til sikkerhedskopier (tom: mappen «backup» ved databasen)", ""),
        SettingSpec("backup_every_hours", "Sikkerhedskopi for hver (timer i brug)", 4),
        # 0: each closed case by its kind (resources/rules/retention.toml); above 0: this period for all.
        SettingSpec("retention_months", "Lukkede sager foreslås slettet efter (måneder; 0 = efter sagens udfald)", 0),
        SettingSpec("audit_retention_days", "Logbogen gemmes i (dage)", 1826),
        # Issue 20: due and overdue items as desktop notifications (jobraad.reminders).
        SettingSpec("desktop_reminders", "Påmindelser på skrivebordet ved start og hver morgen", True),
    )
}


def get_settings(database: Database) -> dict[str, Any]:
    """Every setting, stored value or default."""
    values = {key: spec.default for key, spec in SPECS.items()}
    with database.reading() as session:
        for key, raw in session.execute(select(Setting.key, Setting.value)):
            if key in SPECS:
                values[key] = json.loads(raw)
    return values


def get_setting(database: Database, key: str) -> Any:
    return get_settings(database)[key]


def set_settings(database: Database, changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(SPECS)
    if unknown:
        raise KeyError(f"unknown settings: {sorted(unknown)}")
    with database.transaction() as session:
        for key, value in changes.items():
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=json.dumps(value)))
            else:
                row.value = json.dumps(value)


def backup_folder(database: Database) -> Path:
    """The folder for automatic backups (setting `backup_folder`, default "backup" beside the database)."""
    configured = str(get_settings(database)["backup_folder"] or "").strip()
    if configured:
        return Path(configured).expanduser()
    return database.path.parent / "backup"
