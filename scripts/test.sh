#!/usr/bin/env bash
# Runs the whole deepq test suite on a fresh machine: installs what the tests need (the
# reference Python venv, the ALE build tools and ROMs), then formatting, lints and tests.
# Usage: ./scripts/test.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup_python.sh
bash scripts/setup_atari.sh      # g++/zlib for the ALE build, ffmpeg for MP4, ale-py ROMs
export DEEPQ_PYTHON="$PWD/.venv-ref/bin/python"

cargo fmt --all --check
# (--features deepq/atari, not --all-features: the GPU features build burn's CUDA/wgpu backends.)
cargo clippy --release --workspace --all-targets --features deepq/atari -- -D warnings
cargo test --release --workspace
# The library docs (deepq is also a library) build without warnings (--release: the
# dependencies' metadata from the clippy step is reused instead of built again).
RUSTDOCFLAGS="-D warnings" cargo doc --release --no-deps -p deepq -p deepq-agents -p deepq-env -p deepq-log
# Atari presets end to end (the binary with the GPL `atari` feature).
cargo test --release -p deepq --features atari --test atari_cli
