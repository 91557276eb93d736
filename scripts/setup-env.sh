# Sourced by ./run and ./test: make .venv and install jobraad into it when needed.
# Usage: source scripts/setup-env.sh [dev]
extra=""
[ "${1:-}" = "dev" ] && extra="[dev]"
stamp=".venv/.installed${extra}"
if [ ! -x .venv/bin/python ]; then
  echo "jobraad: opretter virtuelt miljø i .venv …" >&2
  python3 -m venv .venv
fi
# The exact versions in constraints.txt, so every machine (and the build) gets what was tested.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  echo "jobraad: installerer afhængigheder …" >&2
  .venv/bin/python -m pip install --quiet -c constraints.txt --upgrade pip >/dev/null
  .venv/bin/python -m pip install --quiet -c constraints.txt -e ".${extra}"
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
