"""The import contract: db → jobraad → ui, and no Qt below ui; ui takes from db only its
models, enums and errors (DESIGN.md), and the Database only as a type; and what can be
checked of "a widget never opens a session or writes SQL": nothing under ui/ imports
SQLAlchemy or a session, or calls `.reading()`, `.transaction()` or `select(`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "db": ("PySide6", "shiboken6", "jobraad", "ui"),
    "jobraad": ("PySide6", "shiboken6", "ui"),
}

#: The modules of db/ that ui/ may import: data types. Opening and creating the file go
#: through jobraad.store; the Database is passed to services, named in ui/ only as a type.
UI_FROM_DB = {"db.models", "db.enums", "db.errors"}
#: What ui/ may take from db.session, in an `if TYPE_CHECKING:` block only.
UI_FROM_DB_SESSION = {"Database"}
#: Calls that open a session (`database.reading()`) or build a query (SQLAlchemy's
#: `select(...)`; a selection model's `.select(...)` is Qt's): services do that.
UI_FORBIDDEN_METHODS = {"reading", "transaction"}
UI_FORBIDDEN_FUNCTIONS = {"select"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _type_checking_imports(tree: ast.AST) -> set[int]:
    """The ids of the import statements inside `if TYPE_CHECKING:` blocks."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            ids.update(id(inner) for inner in ast.walk(node) if isinstance(inner, ast.ImportFrom | ast.Import))
    return ids


def _database_work(path: Path) -> list[str]:
    """What in a ui/ module reaches the database past the services, as "line: what"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _type_checking_imports(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                f"{node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] in ("sqlalchemy", "db") and alias.name not in UI_FROM_DB
            ]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "sqlalchemy":
                found.append(f"{node.lineno}: from {node.module} import …")
            elif node.module == "db.session":
                found += [
                    f"{node.lineno}: from db.session import {alias.name}"
                    for alias in node.names
                    if alias.name not in UI_FROM_DB_SESSION or id(node) not in typing_only
                ]
            elif node.module == "db":
                found += [f"{node.lineno}: from db import {alias.name}" for alias in node.names]
            elif node.module.split(".")[0] == "db" and node.module not in UI_FROM_DB:
                found.append(f"{node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in UI_FORBIDDEN_METHODS:
                found.append(f"{node.lineno}: .{func.attr}(…)")
            elif isinstance(func, ast.Name) and func.id in UI_FORBIDDEN_FUNCTIONS:
                found.append(f"{node.lineno}: {func.id}(…)")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upwards_or_qt(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no python files under {package}/"
    offences = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN[package]
    ]
    assert offences == []


def test_the_contract_check_catches_an_offence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\nimport ui.app\n", encoding="utf-8")
    assert _imports(bad) == ["PySide6.QtWidgets", "ui.app"]


def test_widgets_open_no_sessions_and_build_no_queries() -> None:
    files = sorted((ROOT / "ui").rglob("*.py"))
    assert files
    offences = [f"{path.relative_to(ROOT)}:{what}" for path in files for what in _database_work(path)]
    assert offences == []


def test_the_session_check_catches_each_offence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from db.session import Database, Session, open_database\n"
        "from db import session\n"
        "import sqlalchemy.orm\n"
        "from sqlalchemy import func\n"
        "def read(database: Database) -> None:\n"
        "    with database.reading() as s:\n"
        "        s.scalars(select(Citizen))\n"
        "    with database.transaction() as s:\n"
        "        pass\n"
        "view.selectionModel().select(index, flags)\n"  # Qt's, allowed
        "from db.backup import backup_to\n"
        "from db.models import Citizen\n"  # allowed
        "if TYPE_CHECKING:\n"
        "    from db.session import Database\n",  # allowed
        encoding="utf-8",
    )
    assert sorted(_database_work(bad)) == [
        "11: from db.backup import …",
        "1: from db.session import Database",
        "1: from db.session import Session",
        "1: from db.session import open_database",
        "2: from db import session",
        "3: import sqlalchemy.orm",
        "4: from sqlalchemy import …",
        "6: .reading(…)",
        "7: select(…)",
        "8: .transaction(…)",
    ]
