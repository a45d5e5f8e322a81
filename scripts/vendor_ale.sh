#!/usr/bin/env bash
# Re-vendors the ALE's C++ sources into crates/deepq-ale-sys/ale from the ale-py source
# distribution on PyPI (default 0.12.1, the version the deepq-atari fixtures are recorded with).
# Only needed to update the ALE; building deepq never downloads anything.
#
# Usage: scripts/vendor_ale.sh [ale-py version]
# Afterwards: update crates/deepq-ale-sys/shim/version.hpp, rebuild, regenerate the deepq-atari
# fixtures with the same ale-py (see crates/deepq-atari/README.md) and run the tests.
set -euo pipefail

version="${1:-0.12.1}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo/crates/deepq-ale-sys/ale"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# pip prepares the sdist's metadata, which needs its build backend (no build isolation here).
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q scikit-build-core pybind11
"$work/venv/bin/pip" download -q --no-deps --no-binary :all: --no-build-isolation \
    "ale-py==$version" -d "$work"
tar -xzf "$work/ale_py-$version.tar.gz" -C "$work"
src="$work/ale_py-$version/src/ale"

rm -rf "$dest"
mkdir -p "$dest"
cp -r "$src/common" "$src/emucore" "$src/environment" "$src/games" \
    "$src/ale_interface.cpp" "$src/ale_interface.hpp" "$dest/"
cp "$work/ale_py-$version/LICENSE.md" "$dest/LICENSE.md"
# No SDL (no display, no sound) and no CMake: build.rs compiles every remaining .cpp/.cxx.
rm -f "$dest"/common/{SDL2,ScreenSDL,SoundSDL,DynamicLoad}.*
find "$dest" -name CMakeLists.txt -delete
echo "vendored ale-py $version's ALE into $dest ($(find "$dest" -type f | wc -l) files, $(du -sh "$dest" | cut -f1))"
