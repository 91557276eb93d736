"""The one way to find files in `resources/` (works from source and when frozen)."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def resource(*parts: str) -> Traversable:
    node = files("resources")
    for part in parts:
        node = node / part
    return node
