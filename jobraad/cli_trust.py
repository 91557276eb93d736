"""Command-line commands for the trust feature (registered by jobraad.cli)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add this feature's sub-commands to the `jobraad` parser."""
    _ = (sub, argparse)
