#!/usr/bin/env bash
# LunarLander fidelity against gymnasium 1.4.0 on pybox2d 2.3.10 (the BENCHMARKS.md table).
#
# 1. Records gymnasium episodes with every random draw (scripts/gen_lunar_fixtures.py): by
#    default 200 random and 200 heuristic episodes, plus 50 with wind and 50 of the continuous
#    heuristic, and replays them through deepq's port with the same draws, counting the steps
#    that agree bit for bit and within 1e-5.
# 2. Plays 1000 episodes of the heuristic and of the random policy in gymnasium and in the port,
#    each on its own random draws, and compares mean return, episode length and landing rate
#    with 95% confidence intervals.
#
# Usage: scripts/lunar_fidelity.sh [EPISODES_PER_POLICY (200)] [STAT_EPISODES (1000)]
# Output: the tables on stdout; the traces in target/lunar-fidelity/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

n="${1:-200}"
stat_n="${2:-1000}"
out=target/lunar-fidelity
mkdir -p "$out"
bash scripts/setup_python.sh >/dev/null
py=.venv-ref/bin/python

$py scripts/gen_lunar_fixtures.py --seed0 10000 --out "$out/traces.json" \
    --plan "random:$n,heuristic:$n,heuristic:wind:$((n / 4)),heuristic_continuous:$((n / 4))"
$py scripts/gen_lunar_fixtures.py --stats heuristic --episodes "$stat_n" --seed0 20000 --out "$out/gym_heuristic.json"
$py scripts/gen_lunar_fixtures.py --stats random --episodes "$stat_n" --seed0 30000 --out "$out/gym_random.json"

cargo run --release -q -p deepq-env --example lunar_fidelity -- \
    "$out/traces.json" "$out/gym_heuristic.json" "$out/gym_random.json"
