#!/usr/bin/env bash
# The Pong ablation of BENCHMARKS.md ("Configurations run for `pong` and `breakout`"): arms that
# each make one change from the `pong-nature` preset (the Nature CNN; the `pong` preset until
# 2026-12-04): no prioritized replay, 1-step returns, no dueling head, no Double DQN. Each is
# trained for 600k agent steps with that preset's schedules (epsilon 1 -> 0.01 over 150k steps,
# prioritized replay's beta 0.4 -> 1 over its 1.5M steps) and a kept network every 50k steps,
# seed by seed. Then it prints where each arm's mean of the last 20
# training games first reached 0 and 10 (`deepq curves --passes`), draws the arms' curves
# into OUT/ablation-steps.png and evaluates each arm's 600k network over 30 whole games.
#
# It is resumable: run it again after Ctrl-C, SIGTERM, a crash or a session's end and it
# continues each arm from its last checkpoint (Ctrl-C and SIGTERM write one at once; a kill loses
# at most 50k steps) and skips the finished ones. One arm takes 1.5-3 h of both cores of a
# 2-core machine.
#
# Usage: scripts/pong_ablation.sh OUT [SEED...]     (seeds default to 0 1)
# Environment: DEEPQ_BIN (default target/release/deepq, built with the atari feature if
# missing); PARALLEL (arms trained side by side, default 1; each then gets one rayon thread);
# ARMS (a space-separated list of the arm names below, in the order to run them; default
# "no-per one-step no-dueling no-double").
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 1 ]; then
    echo "usage: $0 OUT [SEED...]" >&2
    exit 2
fi
out="$1"
shift
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(0 1)
bin="${DEEPQ_BIN:-$repo/target/release/deepq}"
parallel="${PARALLEL:-1}"
if ! [[ "$parallel" =~ ^[1-9][0-9]*$ ]]; then
    echo "PARALLEL must be a whole number from 1, got '$parallel'" >&2
    exit 2
fi
# The change each arm makes, as a `--set` override. `baseline` sets what `pong-nature` already has:
# it is `pong-nature` itself, cut at 600k steps like the arms (not in the default list: its seeds are
# in BENCHMARKS.md).
declare -A change=(
    [baseline]="dqn.double=true"
    [no-per]="dqn.replay.prioritized=false"
    [one-step]="dqn.replay.n_step=1"
    [no-dueling]="dqn.network.dueling=false"
    [no-double]="dqn.double=false"
)
read -r -a arms <<< "${ARMS:-no-per one-step no-dueling no-double}"
for arm in "${arms[@]}"; do
    if [ -z "${change[$arm]:-}" ]; then
        echo "unknown arm '$arm'; the arms are: ${!change[*]}" >&2
        exit 2
    fi
done
bash "$repo/scripts/setup_atari.sh" >&2
if [ ! -x "$bin" ]; then
    (cd "$repo" && cargo build --release --features atari -p deepq)
fi
mkdir -p "$out"
# Trains (or continues) one arm on one seed: run_arm ARM SEED CHANGE.
run_arm() {
    local arm="$1" seed="$2" change="$3"
    local dir="$out/$arm-s$seed"
    if [ -f "$dir/summary.json" ] && ! grep -q '"stopped_by": *"\(interrupted\|time_limit\)"' "$dir/summary.json"; then
        return 0
    fi
    echo "$(date -u '+%F %H:%M') $arm, seed $seed" >&2
    if [ -f "$dir/checkpoints/resume.safetensors" ]; then
        "$bin" train --resume "$dir" --quiet >> "$dir.log" 2>&1
    elif [ -d "$dir" ]; then
        "$bin" train --resume "$dir" --force --quiet >> "$dir.log" 2>&1
    else
        "$bin" train pong-nature --seed "$seed" --out "$dir" --quiet --set total_steps=600000 \
            --set dqn.exploration.fraction=0.25 --set dqn.replay.beta_steps=1500000 \
            --set dqn.run.checkpoint_every=50000 --set dqn.run.keep_checkpoints=true \
            --set "$change" >> "$dir.log" 2>&1
    fi
}
export -f run_arm
export out bin
if [ "$parallel" -gt 1 ]; then
    # Several trainings side by side each do best on one thread of their own (2 cores: about
    # 1.2 times the agent steps per second of one training on both).
    export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-1}"
fi
for seed in "${seeds[@]}"; do
    for arm in "${arms[@]}"; do
        printf '%s\n' "$arm" "$seed" "${change[$arm]}"
    done
done | xargs -d '\n' -n 3 -P "$parallel" bash -c 'run_arm "$@"' run_arm
groups=()
for arm in "${arms[@]}"; do
    runs=$(for seed in "${seeds[@]}"; do [ -f "$out/$arm-s$seed/metrics.csv" ] && echo -n "$out/$arm-s$seed,"; done)
    [ -n "$runs" ] && groups+=(--group "$arm=${runs%,}")
done
"$bin" curves "${groups[@]}" --window 20 --passes 0,10 --out "$out/ablation-steps.png"
# The 30-game evaluation of each finished arm's 600k network (greedy whole games, unclipped,
# seeds 100000-100029: the last column of BENCHMARKS.md's ablation table), kept in the run
# directory so that it is made once.
echo "| arm | seed | 600k network, mean of 30 whole games |"
echo "|---|---|---|"
for seed in "${seeds[@]}"; do
    for arm in "${arms[@]}"; do
        dir="$out/$arm-s$seed"
        [ -f "$dir/checkpoints/final.safetensors" ] || continue
        if [ ! -f "$dir/final-30-games.json" ]; then
            "$bin" eval "$dir/checkpoints/final.safetensors" --episodes 30 --seed 100000 --json \
                > "$dir/final-30-games.json.tmp"
            mv "$dir/final-30-games.json.tmp" "$dir/final-30-games.json"
        fi
        mean=$(grep -o '"mean":[^,]*' "$dir/final-30-games.json" | head -n 1 | cut -d: -f2)
        printf '| %s | %s | %.2f |\n' "$arm" "$seed" "$mean"
    done
done
