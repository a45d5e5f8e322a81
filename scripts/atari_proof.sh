#!/usr/bin/env bash
# Reproduces one Atari proof run of BENCHMARKS.md ("Pong from pixels", "Breakout from pixels"):
# trains PRESET with SEED into the run directory OUT (or continues OUT if it exists, e.g. after
# Ctrl-C or a time limit), keeping the network of every periodic checkpoint; then evaluates its
# best network over 30 games with the preset's protocol (`pong`: full_game, seeds
# 100000-100029; `breakout`: homework) into OUT/eval30.json, every kept network over 10 games
# into OUT/checkpoint-evals.csv, and draws its curves (score against env steps and against
# training time) into OUT/curve-*.png.
#
# Usage: scripts/atari_proof.sh PRESET SEED OUT [--time-limit 3h] [--set total_steps=N]
# (the time limit counts every session of the run: continue a run stopped at 3h with 4h).
# Re-running it on a finished OUT with no new limit or steps fails at the train step.
# Environment: DEEPQ_BIN (default target/release/deepq, built with the atari feature if missing).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 3 ]; then
    echo "usage: $0 PRESET SEED OUT [--set total_steps=N]" >&2
    exit 2
fi
preset="$1" seed="$2" out="$3"
shift 3
bin="${DEEPQ_BIN:-$repo/target/release/deepq}"
bash "$repo/scripts/setup_atari.sh" >&2
if [ ! -x "$bin" ]; then
    (cd "$repo" && cargo build --release --features atari -p deepq)
fi
if [ -d "$out" ]; then
    "$bin" train --resume "$out" --quiet "$@"
else
    "$bin" train "$preset" --seed "$seed" --out "$out" --quiet --set dqn.run.keep_checkpoints=true "$@"
fi
protocol=full_game
case "$preset" in breakout*) protocol=homework ;; esac
"$bin" eval "$out/checkpoints/best.safetensors" --episodes 30 --seed 100000 --protocol "$protocol" --json \
    > "$out/eval30.json"
if compgen -G "$out/checkpoints/step-*.safetensors" > /dev/null; then
    "$bin" eval "$out" --each-checkpoint --episodes 10 --seed 100000 --protocol "$protocol" \
        --csv "$out/checkpoint-evals.csv" >&2
fi
"$bin" curves "$out" --out "$out/curve-steps.png"
"$bin" curves "$out" --x time --out "$out/curve-time.png"
echo "wrote $out/eval30.json, $out/checkpoint-evals.csv, $out/curve-steps.png and $out/curve-time.png" >&2
