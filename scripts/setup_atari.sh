#!/usr/bin/env bash
# Installs what deepq-atari needs to build and test: the Debian packages for building the ALE
# 0.12.1 that crates/deepq-ale-sys vendors (a C++17 compiler and zlib's headers; no CMake, no
# SDL), ffmpeg (MP4 recording: `deepq play --record x.mp4` and its test, which reads the
# video back with ffprobe) and ale-py 0.12.1 (which ships the Atari ROMs that the tests and DEEPQ_ROM_DIR-less runs
# load) in the reference venv .venv-ref. Idempotent: packages already present are not
# reinstalled.
#
# Usage: scripts/setup_atari.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
for pkg in g++ zlib1g-dev ffmpeg; do
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
    echo "Debian packages for the ALE and MP4 recording are installed (g++, zlib1g-dev, ffmpeg)"
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
