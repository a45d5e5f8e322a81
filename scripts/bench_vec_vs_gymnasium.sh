#!/usr/bin/env bash
# deepq's vector envs side by side with gymnasium's, measured in the same run: the reference
# venv's gymnasium 1.4.0 / ale-py 0.12.1 (`scripts/vec_env_throughput.py`: SyncVectorEnv of 8
# CartPole-v1, SyncVectorEnv and AsyncVectorEnv of 8 Pong stacks) and `deepq bench vec`
# (VecEnv of 8 CartPole-v1 in one thread; 8 Pong `atari` stacks in one thread and on threads),
# alternating ROUNDS times (default 2). Prints each round's env steps per second (summed over
# the envs) and the ratios deepq / gymnasium (above 1: deepq is faster), with the CPU model.
#
# Usage: scripts/bench_vec_vs_gymnasium.sh [ROUNDS]
# Environment: DEEPQ_BIN (default target/release/deepq, built with the atari feature if
#   missing), SCALE (default 1: the Python step counts' multiplier).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-2}"
bin="${DEEPQ_BIN:-$repo/target/release/deepq}"
scale="${SCALE:-1}"
bash "$repo/scripts/setup_python.sh" >&2
bash "$repo/scripts/setup_atari.sh" >&2
py="$repo/.venv-ref/bin/python"
if [ ! -x "$bin" ]; then
    (cd "$repo" && cargo build --release --features atari -p deepq)
fi
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores" >&2
for r in $(seq 1 "$rounds"); do
    gym_json="$("$py" "$repo/scripts/vec_env_throughput.py" --scale "$scale" 2>/dev/null)"
    deepq_json="$("$bin" bench vec --json)"
    "$py" - "$gym_json" "$deepq_json" "$r" <<'PY'
import json, sys
gym = json.loads(sys.argv[1])
deepq = {m["id"]: m["value"] for m in json.loads(sys.argv[2])}
rows = [
    ("CartPole-v1 x 8, one thread", "env.cartpole_v1_vec8", "cartpole_sync8", "SyncVectorEnv"),
    ("Pong atari stack x 8, one thread", "env.atari_pong_vec8", "pong_sync8", "SyncVectorEnv"),
    ("Pong atari stack x 8, parallel", "env.atari_pong_vec8_threads", "pong_async8", "AsyncVectorEnv"),
]
print(f"round {sys.argv[3]}")
print(f"| vector env | deepq env steps/s | gymnasium env steps/s | gymnasium class | deepq / gymnasium |")
print("|---|---|---|---|---|")
for name, did, gid, cls in rows:
    if did in deepq:
        print(f"| {name} | {deepq[did]:,.0f} | {gym[gid]:,.0f} | {cls} | {deepq[did] / gym[gid]:.2f} |")
PY
done
