#!/usr/bin/env python3
"""Records reference traces of the Atari preprocessing stacks for crates/deepq-atari/tests/stacks.rs.

Run in the reference venv after scripts/setup_atari.sh, with OpenCV 4 added (only for
regenerating, not for the tests):

    .venv-ref/bin/pip install opencv-python-headless==4.12.0.88
    .venv-ref/bin/python scripts/gen_atari_stack_fixtures.py

The stacks are re-implemented here from the documented behaviour of the wrappers they are named
after, on the real ale-py 0.12.1 / gymnasium 1.4.0 envs (`<Game>NoFrameskip-v4`):

- `atari`: Stable-Baselines3's `AtariWrapper` (no-op reset 1..30 drawn from the env's
  `np_random` after the reset, max-and-skip 4 with two fixed frame slots, episodic life, fire
  reset, RGB->gray + INTER_AREA to 84x84, reward sign) under gymnasium's real
  `FrameStackObservation(4)` (oldest first, padded with the reset frame).
- `lapan`: "Deep RL Hands-On" (2nd ed., ch. 6) `make_env`: max-and-skip 4 over a
  `deque(maxlen=2)` of the frames actually emulated (cleared at reset, then holding the reset
  frame), fire reset, `ProcessFrame84` (float gray 0.299/0.587/0.114, INTER_AREA to 84x110,
  rows 18..102, truncation to bytes), channels first, `BufferWrapper(4)` (oldest first,
  starting from zeros). Frames are kept as bytes: the book's float buffer holds the same
  integers before its final 1/255 scaling.
- `practical_rl`: the Practical-RL week-4 DQN homework: Baselines' wrappers (max-and-skip 4
  with fixed slots, episodic life whose reset takes a no-op step after a life loss, fire reset,
  reward sign), deepq's `PreprocessAtariObs` (crop rows 32..193 and columns 8..152, gray
  0.8/0.1/0.1, INTER_AREA to 64x64, rounding; the homework leaves this step to the student),
  channels first, and the course's `FrameBuffer(4)` semantics: the new frame is put in front of
  the previous buffer minus its last frame (newest first), starting from zeros.

Every trace: reset with a seed, then seeded random actions (each held for a few agent steps);
after an episode end, a reset without a seed. Stored compactly: the CRC-32 of every
observation (the stacked bytes), the non-zero rewards, lives changes, terminal steps, the
frames emulated in each terminal step (to show episodes that end mid-skip) and the CRC of
every reset observation.
"""

import collections
import json
import os
import zlib

import ale_py
import cv2
import gymnasium as gym
import numpy as np

gym.register_envs(ale_py)

OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "deepq-atari", "tests", "fixtures", "stacks")

GAMES = [
    # (game id, agent steps, seed, hold)
    ("PongNoFrameskip-v4", 2500, 21, 3),
    ("BreakoutNoFrameskip-v4", 1500, 22, 2),
    ("SpaceInvadersNoFrameskip-v4", 1500, 23, 2),
]
STACKS = ["atari", "lapan", "practical_rl"]


def crc(a):
    return zlib.crc32(np.ascontiguousarray(a).tobytes()) & 0xFFFFFFFF


def done_of(term, trunc):
    return term or trunc


# ---- SB3 AtariWrapper (gymnasium API) ---------------------------------------------------------


class Sb3NoopReset(gym.Wrapper):
    def __init__(self, env, noop_max=30):
        super().__init__(env)
        self.noop_max = noop_max

    def reset(self, **kwargs):
        self.env.reset(**kwargs)
        noops = self.unwrapped.np_random.integers(1, self.noop_max + 1)
        obs, info = None, {}
        for _ in range(noops):
            obs, _, term, trunc, info = self.env.step(0)
            if done_of(term, trunc):
                obs, info = self.env.reset(**kwargs)
        return obs, info


class SlotMaxAndSkip(gym.Wrapper):
    """Two fixed slots for frames skip-1 and skip, kept across steps and resets."""

    def __init__(self, env, skip=4):
        super().__init__(env)
        self.skip = skip
        self.slots = np.zeros((2, *env.observation_space.shape), dtype=np.uint8)

    def step(self, action):
        total = 0.0
        for i in range(self.skip):
            obs, r, term, trunc, info = self.env.step(action)
            if i == self.skip - 2:
                self.slots[0] = obs
            if i == self.skip - 1:
                self.slots[1] = obs
            total += r
            if done_of(term, trunc):
                break
        return self.slots.max(axis=0), total, term, trunc, info

    def reset(self, **kwargs):
        return self.env.reset(**kwargs)


class Sb3EpisodicLife(gym.Wrapper):
    def __init__(self, env):
        super().__init__(env)
        self.lives = 0
        self.was_real_done = True

    def step(self, action):
        obs, r, term, trunc, info = self.env.step(action)
        self.was_real_done = done_of(term, trunc)
        lives = self.unwrapped.ale.lives()
        if 0 < lives < self.lives:
            term = True
        self.lives = lives
        return obs, r, term, trunc, info

    def reset(self, **kwargs):
        if self.was_real_done:
            obs, info = self.env.reset(**kwargs)
        else:
            obs, _, term, trunc, info = self.env.step(0)
            if done_of(term, trunc):
                obs, info = self.env.reset(**kwargs)
        self.lives = self.unwrapped.ale.lives()
        return obs, info


class FireReset(gym.Wrapper):
    """FIRE, then action 2; a step that ends the episode is followed by a reset; returns the
    observation of the second step (Baselines, SB3 and the book alike)."""

    def reset(self, **kwargs):
        self.env.reset(**kwargs)
        obs, _, term, trunc, info = self.env.step(1)
        if done_of(term, trunc):
            self.env.reset(**kwargs)
        obs, _, term, trunc, info = self.env.step(2)
        if done_of(term, trunc):
            self.env.reset(**kwargs)
        return obs, {}


class Sb3WarpFrame(gym.ObservationWrapper):
    def __init__(self, env):
        super().__init__(env)
        self.observation_space = gym.spaces.Box(0, 255, (84, 84, 1), np.uint8)

    def observation(self, frame):
        g = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        return cv2.resize(g, (84, 84), interpolation=cv2.INTER_AREA)[:, :, None]


class ClipReward(gym.RewardWrapper):
    def reward(self, r):
        return float(np.sign(r))


def make_atari(env_id):
    env = gym.make(env_id)
    env = Sb3NoopReset(env, 30)
    env = SlotMaxAndSkip(env, 4)
    env = Sb3EpisodicLife(env)
    if "FIRE" in env.unwrapped.get_action_meanings():
        env = FireReset(env)
    env = Sb3WarpFrame(env)
    env = ClipReward(env)
    return gym.wrappers.FrameStackObservation(env, 4)


# ---- Lapan, Deep RL Hands-On 2nd ed., chapter 6 -----------------------------------------------


class DequeMaxAndSkip(gym.Wrapper):
    """Max over a deque(maxlen=2) of the frames actually emulated, the reset frame included."""

    def __init__(self, env, skip=4):
        super().__init__(env)
        self.skip = skip
        self.frames = collections.deque(maxlen=2)

    def step(self, action):
        total = 0.0
        for _ in range(self.skip):
            obs, r, term, trunc, info = self.env.step(action)
            self.frames.append(obs)
            total += r
            if done_of(term, trunc):
                break
        return np.max(np.stack(self.frames), axis=0), total, term, trunc, info

    def reset(self, **kwargs):
        self.frames.clear()
        obs, info = self.env.reset(**kwargs)
        self.frames.append(obs)
        return obs, info


class ProcessFrame84(gym.ObservationWrapper):
    def __init__(self, env):
        super().__init__(env)
        self.observation_space = gym.spaces.Box(0, 255, (84, 84, 1), np.uint8)

    def observation(self, frame):
        img = frame.astype(np.float32)
        img = img[:, :, 0] * 0.299 + img[:, :, 1] * 0.587 + img[:, :, 2] * 0.114
        resized = cv2.resize(img, (84, 110), interpolation=cv2.INTER_AREA)
        return resized[18:102, :].reshape(84, 84, 1).astype(np.uint8)


class ChannelsFirst(gym.ObservationWrapper):
    def __init__(self, env):
        super().__init__(env)
        h, w, c = env.observation_space.shape
        self.observation_space = gym.spaces.Box(0, 255, (c, h, w), np.uint8)

    def observation(self, obs):
        return np.moveaxis(obs, 2, 0)


class ZeroStartBuffer(gym.ObservationWrapper):
    """The book's BufferWrapper: a buffer of n frames along axis 0, zeros at reset, shifted left
    and the new frame written last."""

    def __init__(self, env, n):
        super().__init__(env)
        c, h, w = env.observation_space.shape
        self.observation_space = gym.spaces.Box(0, 255, (c * n, h, w), np.uint8)
        self.buffer = np.zeros((c * n, h, w), np.float32)

    def reset(self, **kwargs):
        self.buffer = np.zeros_like(self.buffer)
        obs, info = self.env.reset(**kwargs)
        return self.observation(obs), info

    def observation(self, obs):
        self.buffer[:-1] = self.buffer[1:]
        self.buffer[-1] = obs
        return self.buffer.astype(np.uint8)


def make_lapan(env_id):
    env = gym.make(env_id)
    env = DequeMaxAndSkip(env, 4)
    env = FireReset(env)
    env = ProcessFrame84(env)
    env = ChannelsFirst(env)
    return ZeroStartBuffer(env, 4)


# ---- Practical-RL week 4 ----------------------------------------------------------------------


class BaselinesEpisodicLife(Sb3EpisodicLife):
    def reset(self, **kwargs):
        if self.was_real_done:
            obs, info = self.env.reset(**kwargs)
        else:
            obs, _, _, _, info = self.env.step(0)
        self.lives = self.unwrapped.ale.lives()
        return obs, info


class PreprocessAtariObs(gym.ObservationWrapper):
    def __init__(self, env):
        super().__init__(env)
        self.observation_space = gym.spaces.Box(0, 255, (64, 64, 1), np.uint8)

    def observation(self, frame):
        img = frame[32:193, 8:152].astype(np.float32)
        g = img[:, :, 0] * 0.8 + img[:, :, 1] * 0.1 + img[:, :, 2] * 0.1
        r = cv2.resize(g, (64, 64), interpolation=cv2.INTER_AREA)
        return np.clip(np.rint(r), 0, 255).astype(np.uint8)[:, :, None]


class NewestFirstBuffer(gym.Wrapper):
    """The course's FrameBuffer (dim_order='pytorch'): zeros at reset; each new frame is
    concatenated in front of the buffer without its last frame."""

    def __init__(self, env, n):
        super().__init__(env)
        c, h, w = env.observation_space.shape
        self.c = c
        self.observation_space = gym.spaces.Box(0, 255, (c * n, h, w), np.uint8)
        self.buffer = np.zeros((c * n, h, w), np.float32)

    def update(self, img):
        self.buffer = np.concatenate([img, self.buffer[: -self.c]], axis=0)

    def reset(self, **kwargs):
        self.buffer = np.zeros_like(self.buffer)
        obs, info = self.env.reset(**kwargs)
        self.update(obs)
        return self.buffer.astype(np.uint8), info

    def step(self, action):
        obs, r, term, trunc, info = self.env.step(action)
        self.update(obs)
        return self.buffer.astype(np.uint8), r, term, trunc, info


def make_practical_rl(env_id):
    env = gym.make(env_id)
    env = SlotMaxAndSkip(env, 4)
    env = BaselinesEpisodicLife(env)
    env = FireReset(env)
    env = ClipReward(env)
    env = PreprocessAtariObs(env)
    env = ChannelsFirst(env)
    return NewestFirstBuffer(env, 4)


MAKERS = {"atari": make_atari, "lapan": make_lapan, "practical_rl": make_practical_rl}


def record(stack, env_id, steps, seed, hold):
    env = MAKERS[stack](env_id)
    ale = env.unwrapped.ale
    rng = np.random.default_rng(seed)
    n = env.action_space.n
    obs, info = env.reset(seed=seed)
    t = {
        "id": env_id,
        "stack": stack,
        "seed": seed,
        "n_actions": int(n),
        "obs_shape": list(np.asarray(obs).shape),
        "actions": [],
        "obs_crc": [],
        "rewards": [],
        "lives": [],
        "terminated": [],
        "truncated": [],
        "done_frames": [],
        "reset_crc": [crc(np.asarray(obs))],
    }
    lives = ale.lives()
    action = 0
    for i in range(steps):
        if i % hold == 0:
            action = int(rng.integers(n))
        t["actions"].append(action)
        before = ale.getFrameNumber()
        obs, r, term, trunc, info = env.step(action)
        t["obs_crc"].append(format(crc(np.asarray(obs)), "08x"))
        if r != 0:
            t["rewards"].append([i, float(r)])
        if ale.lives() != lives:
            lives = ale.lives()
            t["lives"].append([i, int(lives)])
        if term:
            t["terminated"].append(i)
        if trunc:
            t["truncated"].append(i)
        if term or trunc:
            t["done_frames"].append([i, int(ale.getFrameNumber() - before)])
            obs, info = env.reset()
            t["reset_crc"].append(crc(np.asarray(obs)))
            lives = ale.lives()
    t["obs_crc"] = "".join(t["obs_crc"])
    name = f"{stack}_{env_id.split('NoFrameskip')[0].lower()}.json"
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(t, f, separators=(",", ":"))
    mid = sum(1 for _, k in t["done_frames"] if k < 4)
    print(f"{name}: {steps} steps, {len(t['done_frames'])} episode ends ({mid} mid-skip)")


def main():
    os.makedirs(OUT, exist_ok=True)
    for env_id, steps, seed, hold in GAMES:
        for stack in STACKS:
            record(stack, env_id, steps, seed, hold)


if __name__ == "__main__":
    main()
