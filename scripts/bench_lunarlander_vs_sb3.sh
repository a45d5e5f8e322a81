#!/usr/bin/env bash
# LunarLander-v3 side by side, on one machine in one run:
#   * Stable-Baselines3 DQN with RL-Zoo's tuned LunarLander-v3 hyperparameters
#     (scripts/sb3_lunarlander.py, in the peers venv of ../shared/peers/setup.sh),
#   * deepq `lunarlander-zoo` (the same algorithm and hyperparameters): the wall-time ratio,
#   * deepq `lunarlander` (deepq's own preset): the time to a greedy evaluation >= 200.
# Every run ends with the same evaluation protocol: 100 greedy episodes, episode i reset with
# seed 100000 + i, of the best periodically evaluated network (RL-Zoo's best_model; deepq's
# best.safetensors). SB3 also reports its final network, and when a separate 20-episode greedy
# evaluation every 2,500 steps first reached 200 (its time subtracted from the training time).
#
# Usage: PEERS_VENV=/path/to/peers-venv scripts/bench_lunarlander_vs_sb3.sh [SEEDS...]
#        (default seed 0; e.g. `... 0 1 2`). Runs one training at a time.
# Env:   SB3_THREADS (torch threads, default 1), OUT (results folder, default
#        target/lunar-bench/<date>), CARGO_TARGET_DIR as usual.
# Output: one JSON per run and summary.md (a markdown table) in the results folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

peers="${PEERS_VENV:?set PEERS_VENV to the venv made by ../shared/peers/setup.sh}"
seeds=("${@:-0}")
[ "${#seeds[@]}" -gt 0 ] || seeds=(0)
out="${OUT:-target/lunar-bench/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"

# gymnasium's box2d package imports pygame (for car_racing) even for LunarLander; the peers venv
# may lack it.
"$peers/bin/python" -c "import pygame" 2>/dev/null || "$peers/bin/pip" install -q pygame==2.6.1

cargo build --release -q -p deepq
deepq="${CARGO_TARGET_DIR:-target}/release/deepq"

{
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores)"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "deepq: $(git rev-parse --short HEAD)"
} > "$out/machine.txt"
cat "$out/machine.txt"

# Runs a command, then writes its wall and CPU seconds (children's user + system) as JSON.
timed() {
    local json="$1"
    shift
    python3 - "$json" "$@" <<'PY'
import json, os, resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
load = os.getloadavg()
t = time.perf_counter()
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
wall = time.perf_counter() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"process_wall_s": round(wall, 2), "cpu_s": round(r.ru_utime + r.ru_stime, 2),
           "loadavg_before": [round(x, 2) for x in load]}, open(out, "w"))
PY
}

for seed in "${seeds[@]}"; do
    for preset in lunarlander-zoo lunarlander; do
        echo "deepq $preset seed $seed"
        rm -rf "$out/$preset-s$seed"
        timed "$out/$preset-s$seed.time.json" "$deepq" train "$preset" --seed "$seed" --out "$out/$preset-s$seed" --quiet
    done
    echo "sb3 (RL-Zoo config) seed $seed"
    "$peers/bin/python" scripts/sb3_lunarlander.py --seed "$seed" --threads "${SB3_THREADS:-1}" \
        --track-every 2500 --track-episodes 20 --out "$out/sb3-s$seed.json" > /dev/null
done

python3 - "$out" "${seeds[@]}" <<'PY' | tee "$out/summary.md"
import json, sys, pathlib
out, seeds = pathlib.Path(sys.argv[1]), sys.argv[2:]
print((out / "machine.txt").read_text().strip().replace("\n", "; "))
print()
print("| system | seed | env steps | updates | training wall s | CPU s | 100-ep eval: mean ± std (min) | reached 200 |")
print("|---|---|---|---|---|---|---|---|")
rows = {}
for seed in seeds:
    s = json.loads((out / f"sb3-s{seed}.json").read_text())
    b = s["eval"].get("best", s["eval"]["final"])
    f = s["eval"]["final"]
    r = s["reached_200"]
    reached = f"{r['train_seconds']} s ({r['step']} steps)" if r else "no"
    rows.setdefault("sb3", []).append((s["train_wall_s"], b["mean"], b["min"]))
    print(f"| SB3 2.9.2 + RL-Zoo config | {seed} | {s['n_timesteps']} | {s['gradient_updates']} | {s['train_wall_s']} | "
          f"{s['train_cpu_s']} | {b['mean']} ± {b['std']} ({b['min']}); final net {f['mean']} | {reached} |")
    for preset in ("lunarlander-zoo", "lunarlander"):
        d = json.loads((out / f"{preset}-s{seed}" / "summary.json").read_text())
        t = json.loads((out / f"{preset}-s{seed}.time.json").read_text())
        e = d["eval"]
        reached = f"{d['wall_seconds']:.1f} s ({d['env_steps']} steps)" if d["stopped_by"] == "solved" else "-"
        rows.setdefault(preset, []).append((d["wall_seconds"], e["mean"], e["min"]))
        print(f"| deepq `{preset}` | {seed} | {d['env_steps']} | {d['updates']} | {d['wall_seconds']:.1f} | "
              f"{t['cpu_s']} | {e['mean']:.1f} ± {e['std']:.1f} ({e['min']:.1f}) | {reached} |")
print()
for k, v in rows.items():
    walls = [x[0] for x in v]
    means = [x[1] for x in v]
    print(f"{k}: mean wall {sum(walls) / len(walls):.1f} s, eval mean of means {sum(means) / len(means):.1f}, worst {min(means):.1f}")
if "sb3" in rows and "lunarlander-zoo" in rows:
    ratio = sum(x[0] for x in rows["sb3"]) / sum(x[0] for x in rows["lunarlander-zoo"])
    print(f"wall-time ratio SB3 / deepq lunarlander-zoo (same algorithm): {ratio:.2f}x")
PY
