"""The README's two commands on a machine that is not ready (issue 19): the Python version is
checked first and named in Danish; a broken .venv from an earlier attempt is made again; the
window with no display says so in Danish (exit 2), not with Qt's English abort. Shell-level,
in a temporary copy of the scripts, with stub commands on PATH: nothing is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _copy(tmp_path: Path) -> Path:
    project = tmp_path / "jobraad"
    (project / "scripts").mkdir(parents=True)
    for name in ("run", "test", "pyproject.toml", "constraints.txt", "scripts/setup-env.sh"):
        shutil.copy2(ROOT / name, project / name)
    return project


def _stub(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


def _run(project: Path, command: str, stubs: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{stubs}:/usr/bin:/bin", "HOME": str(project)}
    return subprocess.run([str(project / command)], cwd=project, env=env, capture_output=True, text=True, timeout=60)


def test_an_old_python_is_named_in_danish_before_anything_is_made(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    stubs = tmp_path / "bin"
    # python3 3.9: fails the version check, and prints its version when asked.
    _stub(stubs, "python3", 'case "$*" in *platform*) echo 3.9.2;; *) exit 1;; esac\n')
    for command in ("run", "test"):
        out = _run(project, command, stubs)
        assert out.returncode == 2
        assert "kræver Python 3.11 eller nyere, men python3 er version 3.9.2" in out.stderr
        assert not (project / ".venv").exists()


def test_no_python_at_all_is_said_in_danish(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    tools = tmp_path / "bin"  # the few commands the scripts use, and no python3
    tools.mkdir()
    for name in ("dirname", "sed"):
        found = shutil.which(name)
        assert found is not None
        (tools / name).symlink_to(found)
    env = {"PATH": str(tools), "HOME": str(project)}
    out = subprocess.run(
        ["/bin/bash", str(project / "run")], cwd=project, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2
    assert "Python 3.11 eller nyere skal være installeret" in out.stderr


def test_a_broken_venv_from_an_earlier_attempt_is_made_again(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    venv_bin = project / ".venv" / "bin"
    _stub(venv_bin, "python", "exit 1\n")  # another Python, or no pip: it does not pass the check
    (project / ".venv" / ".installed").touch()  # it once claimed to be installed
    stubs = tmp_path / "bin"
    # A python3 that is new enough; making the venv is recorded and then fails (nothing installed here).
    _stub(stubs, "python3", f'case "$*" in *venv*) echo made >> "{tmp_path}/venv-calls"; exit 3;; *) exit 0;; esac\n')
    out = _run(project, "run", stubs)
    assert "kan ikke bruges; den oprettes forfra" in out.stderr
    assert (tmp_path / "venv-calls").read_text() == "made\n"  # rebuilt, not kept
    assert out.returncode == 1 and "kunne ikke oprette .venv" in out.stderr
    assert not (project / ".venv").exists()


def test_the_setuptools_editable_warning_is_not_shown_but_real_errors_are() -> None:
    script = (ROOT / "scripts" / "setup-env.sh").read_text()
    start = script.index("quiet_setuptools() {")
    function = script[start : script.index("\n}\n", start) + 3]
    pip_output = (
        "ERROR: a real problem\n"
        "  /tmp/pip-build-env-x/overlay/lib/python3.11/site-packages/setuptools/command/editable_wheel.py:354: "
        "BuildBackendWarning: Editable installation.\n"
        "  !!\n\n  ****\n  Please be careful with folders in your working directory with the same\n"
        "  name as your package as they may take precedence during imports.\n  ****\n\n  !!\n"
        "    with strategy, WheelFile(wheel_path, 'w') as wheel_obj:\n"
        "ERROR: another real problem\n"
    )
    out = subprocess.run(
        ["/bin/bash", "-c", function + "quiet_setuptools"], input=pip_output, capture_output=True, text=True
    )
    assert out.stderr == "ERROR: a real problem\nERROR: another real problem\n"


def test_the_window_without_a_display_says_so_in_danish() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run(
        [sys.executable, "-m", "ui.main", "--demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2
    assert out.stderr.startswith("jobraad: der er ingen skærm at vise vinduet på")
    assert "qt.qpa" not in out.stderr
