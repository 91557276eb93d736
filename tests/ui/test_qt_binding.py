"""Guards against a Qt binding that mis-counts references (PySide6 6.12.0 dropped a
reference to None on every setData() from Python; the program died after a few
thousand Overblik lines or combo items)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidgetItem, QTreeWidgetItem
from pytestqt.qtbot import QtBot


@pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="None is immortal since Python 3.12 (PEP 683): its reference count never changes, so this "
    "test could not fail, and a binding that drops references to None can no longer free it",
)
def test_set_data_keeps_reference_counts(qtbot: QtBot) -> None:
    tree_item = QTreeWidgetItem(["x"])
    list_item = QListWidgetItem("x")
    combo = QComboBox()
    qtbot.addWidget(combo)
    before = sys.getrefcount(None)
    for i in range(2000):
        tree_item.setData(0, Qt.ItemDataRole.UserRole + 1, i)
        list_item.setData(Qt.ItemDataRole.UserRole + 1, "forloeb")
        combo.addItem("a", i)
    combo.clear()
    assert sys.getrefcount(None) - before > -100
