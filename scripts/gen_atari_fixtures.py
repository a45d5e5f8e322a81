#!/usr/bin/env python3
"""Records reference Atari traces with ale-py 0.12.1 for crates/deepq-atari/tests/.

Run in the reference venv after scripts/setup_atari.sh; the wrapper frames also need OpenCV
(`.venv-ref/bin/pip install opencv-python-headless`, only for regenerating, not for the tests):

    .venv-ref/bin/python scripts/gen_atari_fixtures.py

Traces: seeded random actions (each held for a few frames, FIRE included, as the minimal
action sets have it) through gymnasium envs with repeat_action_probability 0. Per step they
keep the reward, lives and terminal flags compactly (non-zero rewards, lives changes
within an episode, terminal steps; every reset's lives, RAM and screen CRCs) and CRC-32s of the 128 RAM bytes and of the RGB screen; the full RAM every
RAM_EVERY steps. After a game over the env is reset without a seed, as the Rust replay does.

Frames: for a few steps of the v4 traces, the 84x84 outputs of cv2 (SB3's WarpFrame:
RGB2GRAY + INTER_AREA; gymnasium's AtariPreprocessing: ALE grayscale + INTER_AREA; Lapan's
ProcessFrame84: float gray, INTER_AREA to 84x110, rows 18..102, truncation) as PNGs.
"""

import json
import os
import zlib

import ale_py
import gymnasium as gym
import numpy as np

gym.register_envs(ale_py)

OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "deepq-atari", "tests", "fixtures")
RAM_EVERY = 250

TRACES = [
    # (file, id, kwargs, steps, seed, hold): `hold` = agent steps an action is kept.
    ("pong_v4", "PongNoFrameskip-v4", {}, 12000, 11, 4),
    ("breakout_v4", "BreakoutNoFrameskip-v4", {}, 8000, 12, 4),
    ("pong_v5_nosticky", "ALE/Pong-v5", {"repeat_action_probability": 0.0}, 1500, 13, 1),
    ("breakout_v5_nosticky", "ALE/Breakout-v5", {"repeat_action_probability": 0.0}, 1500, 14, 1),
]

FRAME_STEPS = {"pong_v4": [400, 2100, 5200], "breakout_v4": [150, 900, 2600]}


def crc(a):
    return zlib.crc32(np.ascontiguousarray(a).tobytes()) & 0xFFFFFFFF


def frames_for(rgb, gray_ale):
    import cv2

    out = {}
    g = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    out["sb3"] = cv2.resize(g, (84, 84), interpolation=cv2.INTER_AREA)
    out["gymnasium"] = cv2.resize(gray_ale, (84, 84), interpolation=cv2.INTER_AREA)
    f = rgb.astype(np.float32)
    f = f[:, :, 0] * 0.299 + f[:, :, 1] * 0.587 + f[:, :, 2] * 0.114
    out["lapan"] = cv2.resize(f, (84, 110), interpolation=cv2.INTER_AREA)[18:102, :].astype(np.uint8)
    return out


def write_png(path, a):
    from PIL import Image

    Image.fromarray(a, mode="L").save(path, optimize=True)


def record(name, env_id, kwargs, steps, seed, hold):
    env = gym.make(env_id, **kwargs)
    ale = env.unwrapped.ale
    rng = np.random.default_rng(seed)
    n = env.action_space.n
    obs, info = env.reset(seed=seed)
    t = {
        "id": env_id,
        "kwargs": kwargs,
        "seed": seed,
        "n_actions": int(n),
        "actions": [],
        "rewards": [],
        "lives": [],
        "terminated": [],
        "truncated": [],
        "resets": [],
        "ram_crc": [],
        "screen_crc": [],
        "ram_full": {},
    }

    def note_reset(step):
        t["resets"].append(
            {
                "after_step": step,
                "ram_crc": crc(ale.getRAM()),
                "screen_crc": crc(ale.getScreenRGB()),
                "lives": int(ale.lives()),
                "episode_frame_number": int(ale.getEpisodeFrameNumber()),
            }
        )

    note_reset(-1)
    lives = int(info["lives"])
    action = 0
    frames = {}
    for i in range(steps):
        if i % hold == 0:
            action = int(rng.integers(n))
        t["actions"].append(action)
        obs, r, term, trunc, info = env.step(action)
        if r != 0:
            t["rewards"].append([i, float(r)])
        if int(info["lives"]) != lives:
            lives = int(info["lives"])
            t["lives"].append([i, lives])
        t["ram_crc"].append(crc(ale.getRAM()))
        t["screen_crc"].append(crc(ale.getScreenRGB()))
        if i % RAM_EVERY == 0:
            t["ram_full"][str(i)] = ale.getRAM().tobytes().hex()
        if i in FRAME_STEPS.get(name, []):
            frames[i] = frames_for(ale.getScreenRGB(), ale.getScreenGrayscale())
        if term:
            t["terminated"].append(i)
        if trunc:
            t["truncated"].append(i)
        if term or trunc:
            obs, info = env.reset()
            lives = int(info["lives"])
            note_reset(i)
    t["final"] = {
        "episode_frame_number": int(ale.getEpisodeFrameNumber()),
        "frame_number": int(ale.getFrameNumber()),
    }
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(t, f, separators=(",", ":"))
    for step, kinds in frames.items():
        for kind, a in kinds.items():
            write_png(os.path.join(OUT, "frames", f"{name}_{step}_{kind}.png"), a)
    print(f"{name}: {steps} steps, {len(t['terminated'])} game overs, {len(t['rewards'])} rewards")


def main():
    os.makedirs(os.path.join(OUT, "frames"), exist_ok=True)
    for trace in TRACES:
        record(*trace)


if __name__ == "__main__":
    main()
