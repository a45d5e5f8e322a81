#!/usr/bin/env python
"""Stable-Baselines3 DQN on LunarLander-v3 with RL-Zoo's tuned hyperparameters, timed.

Run by scripts/bench_lunarlander_vs_sb3.sh in the peers venv (../shared/peers/setup.sh:
SB3 2.9.2, rl_zoo3 2.9.2, torch, gymnasium 1.4.0 with Box2D):

    $PEERS_VENV/bin/python scripts/sb3_lunarlander.py --seed 0 --out result.json

What it does, as RL-Zoo's train.py does it:
  * hyperparameters from the installed rl_zoo3 (hyperparams/dqn.yml, key LunarLander-v3):
    n_timesteps 1e5, MlpPolicy net_arch [256, 256], learning_rate 6.3e-4, batch_size 128,
    buffer_size 50000, learning_starts 0, gamma 0.99, target_update_interval 250, train_freq 4,
    gradient_steps -1, exploration_fraction 0.12, exploration_final_eps 0.1;
  * one env through make_vec_env (DummyVecEnv + Monitor) seeded with --seed, device cpu, the model
    seeded with --seed;
  * a 5-episode deterministic evaluation every 25,000 steps on a separate env keeps the best
    model (RL-Zoo's EvalCallback / best_model.zip).
After training, the best model (and the final one) plays --final-episodes greedy episodes,
episode i reset with seed --eval-seed + i (deepq's evaluation protocol).

Optionally (--track-every N --track-episodes K) a second, separate evaluation every N steps
records when a K-episode greedy evaluation first reaches 200; its own time is measured and
subtracted, so the training times reported exclude it.

Reported (JSON, also printed): training wall seconds (model.learn(), RL-Zoo's periodic
evaluations included, tracking evaluations excluded), process CPU seconds, gradient updates,
the periodic evaluations, the steps and training seconds at which the tracked evaluation first
reached 200, and the final evaluations (mean, std, min, max).
"""
import argparse
import copy
import json
import os
import time

import gymnasium as gym
import numpy as np
import torch


def load_hparams():
    """RL-Zoo's entry, read from the installed package's dqn.yml (without importing rl_zoo3,
    whose import registers environments that need pygame)."""
    import importlib.metadata
    import importlib.util

    import yaml

    spec = importlib.util.find_spec("rl_zoo3")
    path = os.path.join(list(spec.submodule_search_locations)[0], "hyperparams", "dqn.yml")
    with open(path) as f:
        hp = dict(yaml.safe_load(f)["LunarLander-v3"])
    return hp, f"rl_zoo3 {importlib.metadata.version('rl_zoo3')}: {path}"


def play(policy, env, episodes, seed0):
    rets, lens = [], []
    for i in range(episodes):
        obs, _ = env.reset(seed=seed0 + i)
        done, ret, n = False, 0.0, 0
        while not done:
            action, _ = policy.predict(obs, deterministic=True)
            obs, r, term, trunc, _ = env.step(int(action))
            ret += float(r)
            n += 1
            done = term or trunc
        rets.append(ret)
        lens.append(n)
    return np.array(rets), np.array(lens)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    p.add_argument("--eval-freq", type=int, default=25000, help="RL-Zoo's --eval-freq")
    p.add_argument("--eval-episodes", type=int, default=5, help="RL-Zoo's --eval-episodes")
    p.add_argument("--track-every", type=int, default=0, help="steps between tracking evaluations (0: none)")
    p.add_argument("--track-episodes", type=int, default=20)
    p.add_argument("--final-episodes", type=int, default=100)
    p.add_argument("--eval-seed", type=int, default=100000)
    p.add_argument("--timesteps", type=int, default=0, help="override n_timesteps (smoke tests only)")
    p.add_argument("--out", default="")
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    import stable_baselines3 as sb3
    from stable_baselines3 import DQN
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.env_util import make_vec_env

    hp, source = load_hparams()
    n_timesteps = int(float(hp.pop("n_timesteps")))
    if args.timesteps > 0:
        n_timesteps = args.timesteps
    policy = hp.pop("policy")
    if isinstance(hp.get("policy_kwargs"), str):
        hp["policy_kwargs"] = eval(hp["policy_kwargs"])  # RL-Zoo stores it as a Python expression
    for k in ("learning_rate", "exploration_fraction", "exploration_final_eps", "gamma"):
        if k in hp:
            hp[k] = float(hp[k])

    env = make_vec_env("LunarLander-v3", n_envs=1, seed=args.seed)
    model = DQN(policy, env, seed=args.seed, device="cpu", verbose=0, **hp)
    eval_env = gym.make("LunarLander-v3")
    track_env = gym.make("LunarLander-v3")

    class Evals(BaseCallback):
        """RL-Zoo's EvalCallback (best model by a K-episode greedy mean) plus optional tracking."""

        def __init__(self):
            super().__init__()
            self.best_mean, self.best_state, self.history = -np.inf, None, []
            self.track_seconds, self.reached = 0.0, None
            self.t0 = None
            self.n_eval = 0

        def _on_training_start(self):
            self.t0 = time.perf_counter()

        def _on_step(self):
            n = self.num_timesteps
            if args.eval_freq > 0 and n % args.eval_freq == 0:
                # RL-Zoo's EvalCallback seeds nothing; deepq's evaluations use fixed seeds.
                rets, _ = play(self.model, eval_env, args.eval_episodes, 200000 + 1000 * self.n_eval)
                self.n_eval += 1
                self.history.append([n, round(float(rets.mean()), 2)])
                if rets.mean() > self.best_mean:
                    self.best_mean = float(rets.mean())
                    self.best_state = copy.deepcopy(self.model.policy.state_dict())
            if args.track_every > 0 and self.reached is None and n % args.track_every == 0:
                t = time.perf_counter()
                train_seconds = t - self.t0 - self.track_seconds
                rets, _ = play(self.model, track_env, args.track_episodes, 300000 + n)
                self.track_seconds += time.perf_counter() - t
                if rets.mean() >= 200.0:
                    self.reached = {"step": n, "train_seconds": round(train_seconds, 2),
                                    "eval_mean": round(float(rets.mean()), 2)}
            return True

    cb = Evals()
    load_before = os.getloadavg()
    c0 = time.process_time()
    t0 = time.perf_counter()
    model.learn(total_timesteps=n_timesteps, callback=cb)
    wall = time.perf_counter() - t0 - cb.track_seconds
    cpu = time.process_time() - c0
    load_after = os.getloadavg()

    final_env = gym.make("LunarLander-v3")
    results = {}
    final_state = copy.deepcopy(model.policy.state_dict())
    for name, state in (("final", final_state), ("best", cb.best_state)):
        if state is None:
            continue
        model.policy.load_state_dict(state)
        t1 = time.perf_counter()
        rets, lens = play(model, final_env, args.final_episodes, args.eval_seed)
        results[name] = {"mean": round(float(rets.mean()), 2), "std": round(float(rets.std()), 2),
                         "min": round(float(rets.min()), 2), "max": round(float(rets.max()), 2),
                         "mean_length": round(float(lens.mean()), 1), "eval_seconds": round(time.perf_counter() - t1, 2)}

    summary = {
        "system": "sb3", "seed": args.seed, "torch_threads": args.threads, "torch": torch.__version__,
        "sb3": sb3.__version__, "gymnasium": gym.__version__, "hparams_source": source,
        "n_timesteps": n_timesteps, "train_wall_s": round(wall, 2), "train_cpu_s": round(cpu, 2),
        "gradient_updates": int(model._n_updates), "periodic_evals": cb.history,
        "reached_200": cb.reached, "tracking_eval_seconds": round(cb.track_seconds, 2),
        "eval": results, "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
    }
    print(json.dumps(summary))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
