#!/usr/bin/env bash
# deepq's DQN update times side by side with PyTorch's, measured in the same run: the PyTorch
# peer benchmark (../shared/peers/torch_update_bench.py) and `deepq bench` run one after the
# other, alternating ROUNDS times (default 3), so both see the same machine load. Prints each
# round's medians and the ratios deepq / PyTorch, then the median ratio over the rounds
# (below 1: deepq is faster), with the CPU model and load averages. On a shared machine only
# the ratios of one run mean anything, never lone absolute times.
#
# Compared (deepq bench id <-> PyTorch case; both are DQN updates with Adam, random data):
#   update.nature_cnn_b32   <-> update_nature_b32, 2 threads (and 1 thread)   Nature CNN, batch 32
#   update.cleanrl_mlp_b128 <-> update_small_b128, 1 thread                   MLP 4-120-84-2
#   update.zoo_mlp_b64      <-> update_lunar_b64, 1 thread                    MLP 4-256-256-2 vs 8-256-256-4
#   act.nature_cnn          <-> act_nature_b1, 1 and 2 threads                 greedy action, one observation
#   update.homework_cnn_b16 (deepq only: PyTorch's script has no homework network)
# deepq uses both cores (rayon) for the convolutions; its MLP updates run on one thread.
#
# Usage: scripts/bench_vs_pytorch.sh [ROUNDS]
# Environment: PEERS_VENV (default ../peers-venv beside the checkout; create it with
#   ../shared/peers/setup.sh "$PEERS_VENV", about 6 GB, never inside the repository),
#   DEEPQ_BIN (default target/release/deepq, built if missing), TORCH_ITERS (default 200),
#   OUT (default target/bench-vs-pytorch: the JSON of every round).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
venv="${PEERS_VENV:-$repo/../peers-venv}"
peers="$repo/../shared/peers"
bin="${DEEPQ_BIN:-$repo/target/release/deepq}"
iters="${TORCH_ITERS:-200}"
out="${OUT:-$repo/target/bench-vs-pytorch}"
ids="update.nature_cnn_b32,update.homework_cnn_b16,update.cleanrl_mlp_b128,update.zoo_mlp_b64,act.nature_cnn"

if [ ! -x "$venv/bin/python" ]; then
    echo "no PyTorch venv at $venv: run $peers/setup.sh $venv (or set PEERS_VENV)" >&2
    exit 1
fi
if [ ! -f "$peers/torch_update_bench.py" ]; then
    echo "no $peers/torch_update_bench.py (the shared peers folder beside the checkout)" >&2
    exit 1
fi
if [ ! -x "$bin" ]; then
    (cd "$repo" && cargo build --release)
fi
mkdir -p "$out"
rm -f "$out"/round-*.json

for r in $(seq 1 "$rounds"); do
    echo "round $r/$rounds: PyTorch ($iters iterations per case)" >&2
    PEERS_RESULTS="$out/torch-$r" "$venv/bin/python" "$peers/torch_update_bench.py" \
        --iters "$iters" --warmup 20 --threads 1,2 > "$out/torch-$r.log"
    echo "round $r/$rounds: deepq bench $ids" >&2
    "$bin" bench "$ids" --json > "$out/deepq-$r.json"
    "$venv/bin/python" - "$out/torch-$r/torch_update_bench.json" "$out/deepq-$r.json" "$r" \
        > "$out/round-$r.json" <<'PY'
import json, sys
torch = json.load(open(sys.argv[1]))
# deepq reports ms/update and us/action: everything in ms here.
deepq = {m["id"]: m["value"] / (1000.0 if m["unit"].startswith("us") else 1.0) for m in json.load(open(sys.argv[2]))}
def t(threads, case):
    s = torch["runs"][f"threads_{threads}"][case]
    return s["median"] / (1000.0 if s["unit"] == "us" else 1.0)  # ms
rows = [
    ("Nature CNN b32 vs PyTorch 2 threads", "update.nature_cnn_b32", t(2, "update_nature_b32")),
    ("Nature CNN b32 vs PyTorch 1 thread", "update.nature_cnn_b32", t(1, "update_nature_b32")),
    ("CleanRL MLP 4-120-84-2 b128 vs PyTorch 1 thread", "update.cleanrl_mlp_b128", t(1, "update_small_b128")),
    ("RL-Zoo MLP 256-256 b64 vs PyTorch 1 thread (8-256-256-4)", "update.zoo_mlp_b64", t(1, "update_lunar_b64")),
    ("Nature CNN greedy action, one observation, vs PyTorch 1 thread", "act.nature_cnn", t(1, "act_nature_b1")),
    ("Nature CNN greedy action, one observation, vs PyTorch 2 threads", "act.nature_cnn", t(2, "act_nature_b1")),
    ("homework CNN b16 (deepq only)", "update.homework_cnn_b16", None),
]
print(json.dumps({
    "round": int(sys.argv[3]),
    "load": [torch["loadavg_before"], torch["loadavg_after"]],
    "rows": [{"what": w, "id": i, "deepq_ms": deepq[i], "torch_ms": p} for w, i, p in rows],
}))
PY
done

"$venv/bin/python" - "$out" "$rounds" <<'PY'
import glob, json, os, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
runs = [json.load(open(f"{out}/round-{r}.json")) for r in range(1, rounds + 1)]
cpu = "unknown CPU"
flags = ""
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("model name") and cpu == "unknown CPU":
            cpu = line.split(":", 1)[1].strip()
        if line.startswith("flags") and not flags:
            flags = line
simd = "AVX-512" if " avx512f" in flags else ("AVX2" if " avx2" in flags else "no AVX2")
print(f"CPU: {cpu}, {os.cpu_count()} cores, {simd}")
for run in runs:
    print(f"round {run['round']}: load average before/after PyTorch {run['load'][0]} / {run['load'][1]}")
print()
print("| update or action | deepq ms (rounds) | PyTorch ms (rounds) | ratio deepq / PyTorch (rounds) | median ratio |")
print("|---|---|---|---|---|")
for i, row in enumerate(runs[0]["rows"]):
    d = [run["rows"][i]["deepq_ms"] for run in runs]
    p = [run["rows"][i]["torch_ms"] for run in runs]
    fmt = lambda xs: ", ".join(f"{x:.3g}" for x in xs)
    if p[0] is None:
        print(f"| {row['what']} (`{row['id']}`) | {fmt(d)} | | | |")
        continue
    ratios = [a / b for a, b in zip(d, p)]
    print(f"| {row['what']} (`{row['id']}`) | {fmt(d)} | {fmt(p)} | {fmt(ratios)} | **{statistics.median(ratios):.2f}** |")
PY
