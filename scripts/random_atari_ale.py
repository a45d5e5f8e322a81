#!/usr/bin/env python3
"""Random-agent scores on the real ALE (ale-py through gymnasium), without deepq, under the
protocol variants that published random baselines may have used: the minimal or the full
action set, a new random action every 4 or every 6 frames (10 Hz), up to 30 no-op starts and
an 18,000-frame limit, whole games, unclipped. BENCHMARKS.md ("Atari random baselines")
compares these with `deepq eval --random` and with Mnih et al. (2015).

Run in the reference venv after scripts/setup_atari.sh:

    .venv-ref/bin/python scripts/random_atari_ale.py BreakoutNoFrameskip-v4 150
"""
import sys

import ale_py
import gymnasium as gym
import numpy as np

gym.register_envs(ale_py)


def random_scores(env_id, games, full_action_space, repeat, seed=0):
    """Scores of `games` whole games of the uniformly random agent."""
    env = gym.make(env_id, full_action_space=full_action_space)
    rng = np.random.default_rng(seed)
    scores = []
    for game in range(games):
        env.reset(seed=seed + game)
        frames, score, over = 0, 0.0, False
        for _ in range(rng.integers(1, 31)):  # no-op start
            _, _, term, trunc, _ = env.step(0)
            frames += 1
            over = over or term or trunc
        while not over and frames < 18_000:
            action = rng.integers(env.action_space.n)
            for _ in range(repeat):
                _, reward, term, trunc, _ = env.step(action)
                score += reward
                frames += 1
                if term or trunc:
                    over = True
                    break
        scores.append(score)
    env.close()
    return np.array(scores)


def main():
    env_id = sys.argv[1] if len(sys.argv) > 1 else "BreakoutNoFrameskip-v4"
    games = int(sys.argv[2]) if len(sys.argv) > 2 else 150
    print(f"{env_id}, {games} games each, ale-py {ale_py.__version__}")
    for full in (False, True):
        for repeat in (4, 6):
            s = random_scores(env_id, games, full, repeat)
            se = s.std(ddof=1) / np.sqrt(len(s))
            actions = "full (18)" if full else "minimal"
            print(f"actions {actions:<9}  new action every {repeat} frames: {s.mean():.2f} +- {se:.2f}")


if __name__ == "__main__":
    main()
