# Sourced by ./run and ./test: make .venv and install jobraad into it when needed.
# Usage: source scripts/setup-env.sh [dev]
extra=""
[ "${1:-}" = "dev" ] && extra="[dev]"
stamp=".venv/.installed${extra}"
# The Python the project needs (requires-python in pyproject.toml), checked before anything else.
need=$(sed -n 's/^requires-python *= *">= *\([0-9.]*\)".*/\1/p' pyproject.toml)
fits="import sys; sys.exit(0 if sys.version_info >= tuple(int(p) for p in '${need}'.split('.')) else 1)"
if ! command -v python3 >/dev/null 2>&1; then
  echo "jobraad: Python ${need} eller nyere skal være installeret (kommandoen python3 findes ikke)." >&2
  echo "  Installér Python fra python.org, eller på Debian/Ubuntu: sudo apt install python3 python3-venv" >&2
  exit 2
fi
if ! python3 -c "$fits" >/dev/null 2>&1; then
  have=$(python3 -c 'import platform; print(platform.python_version())' 2>/dev/null || echo "ukendt")
  echo "jobraad: kræver Python ${need} eller nyere, men python3 er version ${have}." >&2
  echo "  Installér en nyere Python (python.org, eller: sudo apt install python3 python3-venv) og prøv igen." >&2
  exit 2
fi
# A .venv left by an earlier attempt that cannot be used (another, too old Python; no pip;
# python missing) is made again rather than kept.
if [ -e .venv ] && ! .venv/bin/python -c "$fits; import pip" >/dev/null 2>&1; then
  echo "jobraad: .venv fra et tidligere forsøg kan ikke bruges; den oprettes forfra …" >&2
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "jobraad: opretter virtuelt miljø i .venv …" >&2
  if ! python3 -m venv .venv; then
    rm -rf .venv
    echo "jobraad: kunne ikke oprette .venv. På Debian/Ubuntu mangler måske: sudo apt install python3-venv" >&2
    exit 1
  fi
fi
# setuptools' warning about editable installs (a block of about 11 lines) says nothing to the
# user; everything else pip writes to stderr is shown.
quiet_setuptools() {
  awk '/BuildBackendWarning: Editable installation/ { skip = 1; next }
       skip && /with strategy, WheelFile/ { skip = 0; next }
       !skip { print }' >&2
}
# The exact versions in constraints.txt, so every machine (and the build) gets what was tested.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  echo "jobraad: installerer afhængigheder …" >&2
  if ! { .venv/bin/python -m pip install --quiet -c constraints.txt --upgrade pip >/dev/null &&
    .venv/bin/python -m pip install --quiet -c constraints.txt -e ".${extra}" 2>&1 >&3 | quiet_setuptools; } 3>&1; then
    rm -rf .venv  # half installed: the next attempt starts afresh
    echo "jobraad: installationen mislykkedes (se fejlen ovenfor); .venv er fjernet. Prøv igen." >&2
    exit 1
  fi
  touch "$stamp"
fi
# Qt needs a few system libraries; fresh Debian/Ubuntu machines may lack them.
if ! .venv/bin/python -c "from PySide6 import QtWidgets" >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "jobraad: installerer Qt's systembiblioteker …" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq libegl1 libgl1 libxkbcommon0 libfontconfig1 \
      libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0 >/dev/null
  else
    echo "jobraad: Qt mangler systembiblioteker (libegl1, libgl1, libxkbcommon0, libfontconfig1)." >&2
  fi
fi
