#!/usr/bin/env bash
# Creates (or updates) the reference Python venv at <repo>/.venv-ref with the pinned packages
# of scripts/requirements-ref.txt. Idempotent: packages already installed at the pinned
# version are left alone, so rerunning it is cheap.
#
# Usage: scripts/setup_python.sh        (then: .venv-ref/bin/python scripts/gen_fixtures.py)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo/.venv-ref"
reqs="$repo/scripts/requirements-ref.txt"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "creating venv at $venv"
    "$python" -m venv "$venv"
fi
# A venv made without pip (or interrupted while bootstrapping it) gets pip back here.
if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    "$venv/bin/python" -m ensurepip --upgrade
fi

# Only call pip install when some pinned requirement is missing or at another version.
if "$venv/bin/python" - "$reqs" <<'PY'
import sys
from importlib import metadata

missing = []
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, version = line.partition("==")
    name = name.split("[", 1)[0].strip()
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        missing.append(line)
        continue
    if version and have != version.strip():
        missing.append(line)
sys.exit(1 if missing else 0)
PY
then
    echo "reference venv is up to date ($venv)"
else
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -r "$reqs"
    echo "installed reference packages into $venv"
fi
