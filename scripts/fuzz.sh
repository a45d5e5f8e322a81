#!/usr/bin/env bash
# Runs the property tests of the config loader and of `--set` parsing for a few minutes: each
# property plays rounds of random and mutated configs and overrides, with fresh seeds every
# round, for SECONDS (default 60; 5 properties on 2 cores take about 3 minutes). A failure is
# shrunk to a minimal input and printed.
# Usage: ./scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DEEPQ_FUZZ_SECONDS="${1:-60}"
export DEEPQ_FUZZ_CASES="${DEEPQ_FUZZ_CASES:-2000}"
cargo test --release -p deepq --test config_fuzz -- --nocapture
