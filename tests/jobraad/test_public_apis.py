"""The dossier and the demo use only the public APIs of ReportLab and pypdf (a private
name can change in any release), and in the dossier they are set in two places only:
`layout` (ReportLab) and `appendices` (the bilag, with pypdf and ReportLab)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
DEPENDENCIES = ("reportlab", "pypdf")


def _files(name: str) -> list[Path]:
    """The module `jobraad/<name>.py` or the files of the package `jobraad/<name>/`."""
    path = ROOT / "jobraad" / name
    return sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_uses(files: list[Path]) -> list[str]:
    """Private names used but not defined in `files`: attributes (`canvas._code`) and
    imports (`from pypdf._page import …`, `from reportlab.x import _y`)."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in files}
    own: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                own.add(node.name)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id in ("self", "cls")
            ):
                own.add(node.attr)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                own.update(t.id for t in targets if isinstance(t, ast.Name))
    found = []
    for path, tree in trees.items():
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own:
                found.append(f"{where}:{node.lineno}: .{node.attr}")
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                parts = node.module.split(".")
                if parts[0] in DEPENDENCIES and (
                    any(_private(p) for p in parts) or any(_private(a.name) for a in node.names)
                ):
                    found.append(f"{where}:{node.lineno}: from {node.module} import …")
    return found


@pytest.mark.parametrize("name", ["dossier", "demo"])
def test_no_private_names_of_a_dependency(name: str) -> None:
    assert _private_uses(_files(name)) == []


def test_reportlab_and_pypdf_only_in_layout_and_appendices() -> None:
    files = _files("dossier")
    assert [p.name for p in files] == [
        "__init__.py",
        "appendices.py",
        "gather.py",
        "layout.py",
        "readers.py",
        "story.py",
    ]
    users = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else []
            )
            if any(m.split(".")[0] in DEPENDENCIES for m in modules):
                users.add(path.name)
    assert users == {"layout.py", "appendices.py"}


def test_the_check_finds_a_private_name(tmp_path: Path) -> None:
    code = tmp_path / "m.py"
    code.write_text(
        "from pypdf._page import PageObject\n"
        "class Keeping:\n"
        "    def __init__(self):\n"
        "        self._kept = []\n"
        "    def show(self, canvas, writer):\n"
        "        self._kept.append(canvas._code)\n"
        "        writer._add_object(None)\n"
        "        canvas._curr_tx_info = {}\n",
        encoding="utf-8",
    )
    assert sorted(_private_uses([code])) == [
        f"{code}:1: from pypdf._page import …",
        f"{code}:6: ._code",
        f"{code}:7: ._add_object",
        f"{code}:8: ._curr_tx_info",
    ]
