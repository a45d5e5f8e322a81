#!/usr/bin/env bash
# The CartPole-v1 ablation of BENCHMARKS.md: plain DQN, each Rainbow piece added to it alone,
# and all of them (`cartpole-rainbow`), on seeds 0-4 (or SEEDS), on the `cartpole` preset's loop.
# Prints one CSV row per run and a markdown table of the median and worst steps and wall time
# to solve (a 10-episode greedy evaluation scoring 500) and of the final 100-episode evaluation.
#
# Usage: scripts/rainbow_ablation.sh [OUT_DIR]      (needs target/release/deepq: cargo build --release)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${DEEPQ_BIN:-$repo/target/release/deepq}"
out="${1:-$repo/runs/rainbow-ablation}"
seeds="${SEEDS:-0 1 2 3 4}"
mkdir -p "$out"
c51="--set dqn.network.distributional=true --set dqn.network.v_min=0 --set dqn.network.v_max=100"
noisy="--set dqn.network.noisy=true --set dqn.exploration.start=0 --set dqn.exploration.end=0"
declare -A variants=(
    [1-dqn]="cartpole --set dqn.double=false"
    [2-double]="cartpole --set dqn.double=true"
    [3-dueling]="cartpole --set dqn.double=false --set dqn.network.dueling=true"
    [4-per]="cartpole --set dqn.double=false --set dqn.replay.prioritized=true --set dqn.replay.alpha=0.5"
    [5-nstep]="cartpole --set dqn.double=false --set dqn.replay.n_step=3"
    [6-noisy]="cartpole --set dqn.double=false $noisy"
    [7-c51]="cartpole --set dqn.double=false $c51"
    [8-rainbow]="cartpole-rainbow"
)
echo "variant,seed,solved_at_step,env_steps,wall_seconds,eval_mean" > "$out/results.csv"
for v in $(printf '%s\n' "${!variants[@]}" | sort); do
    for s in $seeds; do
        dir="$out/$v-s$s"
        rm -rf "$dir"
        # shellcheck disable=SC2086
        "$bin" train ${variants[$v]} --seed "$s" --quiet --out "$dir" > "$dir.log" 2>&1
        python3 - "$dir/summary.json" "$v" "$s" >> "$out/results.csv" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
e = (s.get("eval") or {}).get("mean", float("nan"))
print(f"{sys.argv[2]},{sys.argv[3]},{s.get('solved_at_step') or ''},{s['env_steps']},{s['wall_seconds']:.2f},{e:.2f}")
PY
        tail -n1 "$out/results.csv"
    done
done
python3 - "$out/results.csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("\n| variant | solved (eval 500) | steps to solve: median / worst | wall s: median / worst | final 100-ep eval: mean / worst |")
print("|---|---|---|---|---|")
for v in sorted({r["variant"] for r in rows}):
    rs = [r for r in rows if r["variant"] == v]
    solved = [r for r in rs if r["solved_at_step"]]
    steps = [int(r["solved_at_step"]) if r["solved_at_step"] else float("inf") for r in rs]
    wall = [float(r["wall_seconds"]) for r in rs]
    ev = [float(r["eval_mean"]) for r in rs]
    worst = max(steps)
    print(f"| {v.split('-', 1)[1]} | {len(solved)}/{len(rs)} | {statistics.median(steps):.0f} / {'not solved' if worst == float('inf') else f'{worst:.0f}'} "
          f"| {statistics.median(wall):.1f} / {max(wall):.1f} | {statistics.mean(ev):.1f} / {min(ev):.1f} |")
PY
