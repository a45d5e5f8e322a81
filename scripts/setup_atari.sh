#!/usr/bin/env bash
# Installs what deepq-atari needs to build and test: the Debian packages for building the ALE
# (cmake, a C++ compiler, zlib) and ale-py 0.12.1 (which ships the Atari ROMs that the tests
# and DEEPQ_ROM_DIR-less runs load) in the reference venv .venv-ref. Idempotent: packages
# already present are not reinstalled.
#
# Usage: scripts/setup_atari.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
for pkg in cmake g++ zlib1g-dev; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo_cmd=(sudo)
    fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
else
    echo "Debian packages for the ALE are installed (cmake, g++, zlib1g-dev)"
fi

# The ALE's CMakeLists predates CMake 4, which refuses it without this.
cmake_major="$(cmake --version | head -n1 | sed -E 's/[^0-9]*([0-9]+).*/\1/')"
if [ "${cmake_major:-0}" -ge 4 ]; then
    echo "note: CMake >= 4 found; export CMAKE_POLICY_VERSION_MINIMUM=3.5 before building deepq-atari"
fi

# ale-py==0.12.1 is pinned in scripts/requirements-ref.txt.
bash "$repo/scripts/setup_python.sh"

roms="$(ls -d "$repo"/.venv-ref/lib/python3*/site-packages/ale_py/roms 2>/dev/null | head -n1 || true)"
if [ -n "$roms" ] && [ -f "$roms/pong.bin" ]; then
    echo "Atari ROMs: $roms"
else
    echo "error: ale-py's ROM folder not found under .venv-ref" >&2
    exit 1
fi
