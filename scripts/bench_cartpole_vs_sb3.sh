#!/usr/bin/env bash
# CartPole-v1 with RL-Zoo's tuned DQN settings, side by side in one run: Stable-Baselines3's DQN
# (the peer script ../shared/peers/sb3_cartpole.py, torch on one thread, rl_zoo3's own
# hyperparameter file) and deepq's `cartpole-zoo` preset (the same 50k steps, 24,576 updates of
# an MLP 256-256, batch 64, lr 2.3e-3, target copied every 10 env steps). For every seed the two
# train one after the other (deepq first, then SB3), so both see the same machine load; the
# script prints each run's training wall time, CPU seconds and greedy evaluation, then the ratio
# of the summed wall times (SB3 / deepq) and of the summed CPU seconds.
#
# Training time is what each library reports for its training alone: SB3's `model.learn()`,
# deepq's `wall_seconds` in summary.json (which also covers deepq's periodic 10-episode
# evaluations and replay checkpoints, which SB3's run does not do). Evaluations differ in seeds:
# SB3's script plays 100 greedy episodes of its final network, deepq 100 greedy episodes of the
# best evaluated network (seeds 100000..100099).
#
# Usage: scripts/bench_cartpole_vs_sb3.sh [SEEDS...]   (default: 0 1 2)
# Environment: PEERS_VENV (default ../peers-venv beside the checkout; made by
#   ../shared/peers/setup.sh), DEEPQ_BIN (default target/release/deepq, built if missing),
#   OUT (default target/cartpole-vs-sb3/<date>).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seeds=("$@")
[ "${#seeds[@]}" -gt 0 ] || seeds=(0 1 2)
venv="${PEERS_VENV:-$repo/../peers-venv}"
peers="$repo/../shared/peers"
bin="${DEEPQ_BIN:-$repo/target/release/deepq}"
out="${OUT:-$repo/target/cartpole-vs-sb3/$(date +%Y%m%d-%H%M%S)}"

if [ ! -x "$venv/bin/python" ]; then
    echo "no peers venv at $venv: run $peers/setup.sh $venv (or set PEERS_VENV)" >&2
    exit 1
fi
if [ ! -f "$peers/sb3_cartpole.py" ]; then
    echo "no $peers/sb3_cartpole.py (the shared peers folder beside the checkout)" >&2
    exit 1
fi
if [ ! -x "$bin" ]; then
    (cd "$repo" && cargo build --release -p deepq)
fi
mkdir -p "$out"
{
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores)"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "deepq: $(cd "$repo" && git rev-parse --short HEAD)"
} > "$out/machine.txt"
cat "$out/machine.txt"

for seed in "${seeds[@]}"; do
    echo "seed $seed: load $(cut -d' ' -f1-3 /proc/loadavg); deepq cartpole-zoo"
    rm -rf "$out/deepq-s$seed"
    python3 - "$out/deepq-s$seed.cpu" "$bin" train cartpole-zoo --seed "$seed" --out "$out/deepq-s$seed" --quiet <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[2:], check=True, stdout=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{r.ru_utime + r.ru_stime:.2f}\n")
PY
    echo "seed $seed: load $(cut -d' ' -f1-3 /proc/loadavg); SB3 with RL-Zoo's settings"
    (cd "$out" && PEERS_RESULTS="$out" "$venv/bin/python" "$peers/sb3_cartpole.py" --seed "$seed" > "sb3-s$seed.log")
done

python3 - "$out" "${seeds[@]}" <<'PY' | tee "$out/summary.md"
import json, pathlib, sys
out, seeds = pathlib.Path(sys.argv[1]), sys.argv[2:]
print((out / "machine.txt").read_text().strip().replace("\n", "; "))
print()
print("| system | seed | env steps | updates | training wall s | process CPU s | 100-episode greedy eval |")
print("|---|---|---|---|---|---|---|")
walls = {"sb3": 0.0, "deepq": 0.0}
cpus = {"sb3": 0.0, "deepq": 0.0}
for seed in seeds:
    d = json.loads((out / f"deepq-s{seed}" / "summary.json").read_text())
    cpu = float((out / f"deepq-s{seed}.cpu").read_text())
    e = d["eval"]
    walls["deepq"] += d["wall_seconds"]
    cpus["deepq"] += cpu
    print(f"| deepq `cartpole-zoo` | {seed} | {d['env_steps']} | {d['updates']} | {d['wall_seconds']:.1f} | "
          f"{cpu:.1f} (whole process) | {e['mean']:.1f} ± {e['std']:.1f} |")
    s = json.loads((out / f"sb3_cartpole_seed{seed}.json").read_text())
    walls["sb3"] += s["train_wall_s"]
    cpus["sb3"] += s["train_cpu_s"]
    print(f"| SB3 + RL-Zoo settings | {seed} | {s['n_timesteps']} | {s['gradient_updates']} | "
          f"{s['train_wall_s']:.1f} | {s['train_cpu_s']:.1f} (training) | {s['eval_mean']} ± {s['eval_std']} |")
print()
print(f"training wall time, SB3 / deepq: {walls['sb3'] / walls['deepq']:.2f}x "
      f"({walls['sb3']:.1f} s / {walls['deepq']:.1f} s over {len(seeds)} seeds)")
print(f"CPU seconds, SB3 training / deepq whole process: {cpus['sb3'] / cpus['deepq']:.2f}x")
PY
