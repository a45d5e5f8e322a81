#!/usr/bin/env python3
"""Vector-env throughput of gymnasium 1.4.0 / ale-py 0.12.1, the reference for deepq's VecEnv.

Measures env steps per second summed over the envs (random actions drawn up front, the
vector env's own autoreset) for:
  * gymnasium.vector.SyncVectorEnv of 8 CartPole-v1;
  * SyncVectorEnv and AsyncVectorEnv (one subprocess per env) of 8 PongNoFrameskip-v4 with
    AtariPreprocessing(noop_max=30, frame_skip=4, screen_size=84, grayscale) and
    FrameStackObservation(4): the emulator work of deepq's `atari` stack (deepq's stack also
    has episodic life, FIRE reset and reward clipping, which cost next to nothing).
Prints one JSON object {name: steps_per_second}. Usage: vec_env_throughput.py [--scale F]
"""
import argparse
import json
import time

import ale_py
import gymnasium as gym
import numpy as np
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

gym.register_envs(ale_py)


def pong():
    env = gym.make("PongNoFrameskip-v4")
    env = AtariPreprocessing(env, noop_max=30, frame_skip=4, screen_size=84, grayscale_obs=True)
    return FrameStackObservation(env, 4)


def rate(vec, vector_steps, seed=0):
    n = vec.num_envs
    actions = np.random.default_rng(seed).integers(0, vec.single_action_space.n, size=(vector_steps, n))
    vec.reset(seed=seed)
    start = time.perf_counter()
    for t in range(vector_steps):
        vec.step(actions[t])
    seconds = time.perf_counter() - start
    vec.close()
    return vector_steps * n / seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    steps = lambda x: max(10, int(x * args.scale))
    out = {
        "cartpole_sync8": rate(gym.vector.SyncVectorEnv([lambda: gym.make("CartPole-v1")] * 8), steps(30_000)),
        "pong_sync8": rate(gym.vector.SyncVectorEnv([pong] * 8), steps(1_000)),
        "pong_async8": rate(gym.vector.AsyncVectorEnv([pong] * 8), steps(1_000)),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
