"""The runtime set-up the program makes once at its start."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from jobraad import runtime
from jobraad.cli import PASSPHRASE_ENV, main


def test_every_start_sets_the_collectors_young_threshold_once_and_leaves_it_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "en passende lang sætning")
    calls: list[tuple[int, ...]] = []
    monkeypatch.setattr(gc, "set_threshold", lambda *t: calls.append(t))
    monkeypatch.setattr(gc, "disable", lambda: pytest.fail("the collector must stay on"))
    assert main(["list", "--db", str(tmp_path / "findes-ikke.jobraad")]) == 2
    older, oldest = gc.get_threshold()[1:]
    assert calls == [(runtime.YOUNG_GENERATION_THRESHOLD, older, oldest)]
    assert gc.isenabled()
