"""Where the keyboard is, shown: lists and tables get a frame in the palette's highlight colour
while they have focus (buttons and fields show focus by the style itself). Colours come from
the palette, so dark and high-contrast modes keep the frame visible."""

from __future__ import annotations

# The frame is as wide with and without focus (border + padding), so gaining focus does not
# move or resize the view's contents.
FOCUS_FRAME_STYLE = """
QTableView, QTreeView, QListView { border: 1px solid palette(mid); padding: 1px; }
QTableView:focus, QTreeView:focus, QListView:focus { border: 2px solid palette(highlight); padding: 0px; }
"""
