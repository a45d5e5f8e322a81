#!/usr/bin/env python3
"""Records a short ale-py 0.12.1 trace of every Atari game for crates/deepq-atari/tests/games.rs.

Run in the reference venv after scripts/setup_atari.sh:

    .venv-ref/bin/python scripts/gen_atari_game_fixtures.py

For each of the 104 games ale-py registers (`ALE/<Game>-v5`), two traces through gymnasium with
`obs_type="ram"` (the screen is read from the ALE directly):

- `plain`: `frameskip=1, repeat_action_probability=0` (the NoFrameskip-v4 settings), FRAMES
  frames;
- `sticky`: the v5 defaults (4 frames per step, sticky actions 0.25 drawn by the ALE from its
  seeded RNG), STICKY_STEPS steps.

Each trace resets with a seed, then plays random actions from the minimal action set, each held
for HOLD steps, drawn from `numpy.random.default_rng(seed)` (`integers(n)`; the Rust test draws
the same numbers with its NumPy-compatible generator); after an episode end it resets without a
seed. Stored compactly per trace: the non-zero rewards, lives changes, terminal and truncated
steps (exact, per step), a digest of every reset (CRC-32 of the RAM followed by the screen's
palette indices), and one digest per block of BLOCK steps: the CRC-32 of the steps' digests
(each the CRC-32 of RAM + screen after the step, as little-endian u32s). A mismatch is thus
found to its block; regenerate with BLOCK = 1 to find its step.
"""

import json
import os
import struct
import zlib

import ale_py
import gymnasium as gym
import numpy as np

gym.register_envs(ale_py)

OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "deepq-atari", "tests", "fixtures", "games.json")
FRAMES = 1500
STICKY_STEPS = 300
BLOCK = 25
HOLD = 4


def digest(ale):
    return zlib.crc32(ale.getScreen().tobytes(), zlib.crc32(ale.getRAM().tobytes())) & 0xFFFFFFFF


def trace(env_id, kwargs, steps, seed):
    env = gym.make(env_id, obs_type="ram", **kwargs)
    ale = env.unwrapped.ale
    n = int(env.action_space.n)
    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    t = {
        "kwargs": kwargs,
        "seed": seed,
        "steps": steps,
        "n_actions": n,
        "rewards": [],
        "lives": [],
        "terminated": [],
        "truncated": [],
        "resets": [digest(ale)],
    }
    lives = ale.lives()
    step_digests, blocks = [], []
    action = 0
    for i in range(steps):
        if i % HOLD == 0:
            action = int(rng.integers(n))
        _, r, term, trunc, info = env.step(action)
        if r != 0:
            t["rewards"].append([i, float(r)])
        if info["lives"] != lives:
            lives = info["lives"]
            t["lives"].append([i, int(lives)])
        if term:
            t["terminated"].append(i)
        if trunc:
            t["truncated"].append(i)
        step_digests.append(digest(ale))
        if len(step_digests) == BLOCK or i == steps - 1:
            blocks.append(format(zlib.crc32(struct.pack(f"<{len(step_digests)}I", *step_digests)) & 0xFFFFFFFF, "08x"))
            step_digests = []
        if term or trunc:
            env.reset()
            t["resets"].append(digest(ale))
            lives = ale.lives()
    t["blocks"] = "".join(blocks)
    t["final_frame_number"] = int(ale.getFrameNumber())
    t["final_episode_frame_number"] = int(ale.getEpisodeFrameNumber())
    env.close()
    return t


def main():
    games = sorted(
        (spec.kwargs["game"], env_id)
        for env_id, spec in gym.registry.items()
        if spec.namespace == "ALE" and spec.version == 5
    )
    out = {"ale_py": ale_py.__version__, "block": BLOCK, "hold": HOLD, "games": {}}
    for k, (game, env_id) in enumerate(games):
        seed = 1000 + k
        plain = trace(env_id, {"frameskip": 1, "repeat_action_probability": 0.0}, FRAMES, seed)
        sticky = trace(env_id, {}, STICKY_STEPS, seed + 5000)
        out["games"][game] = {"id": env_id, "plain": plain, "sticky": sticky}
        ends = len(plain["resets"]) - 1 + len(sticky["resets"]) - 1
        print(f"{env_id}: {ends} episode ends, {len(plain['rewards']) + len(sticky['rewards'])} rewards", flush=True)
    with open(OUT, "w") as f:
        f.write("{\n")
        f.write(f'"ale_py": {json.dumps(out["ale_py"])}, "block": {BLOCK}, "hold": {HOLD},\n"games": {{\n')
        items = list(out["games"].items())
        for j, (game, v) in enumerate(items):
            sep = "," if j + 1 < len(items) else ""
            f.write(f"{json.dumps(game)}: {json.dumps(v, separators=(',', ':'))}{sep}\n")
        f.write("}}\n")
    print(f"{len(items)} games -> {OUT}")


if __name__ == "__main__":
    main()
