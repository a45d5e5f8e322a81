#!/usr/bin/env bash
# Runs the whole deepq test suite on a fresh machine: installs what the tests need (the
# reference Python venv used to read TensorBoard files back), then formatting, lints and tests.
# Usage: ./scripts/test.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup_python.sh
export DEEPQ_PYTHON="$PWD/.venv-ref/bin/python"

cargo fmt --all --check
cargo clippy --release --workspace --all-targets -- -D warnings
cargo test --release --workspace
