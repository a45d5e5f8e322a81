#!/usr/bin/env python3
"""Record LunarLander-v3 reference traces from the real Gymnasium (pybox2d 2.3.10's Box2D).

Rerun (from the repository root):

    scripts/setup_python.sh                           # .venv-ref with gymnasium 1.4.0 and box2d 2.3.10
    .venv-ref/bin/python scripts/gen_lunar_fixtures.py
        # rewrites crates/deepq-env/tests/fixtures/lunarlander_v3.json (the CI conformance test)
    .venv-ref/bin/python scripts/gen_lunar_fixtures.py --plan random:200,heuristic:200 \\
        --seed0 1000 --out target/lunar/traces.json   # the large comparison (scripts/lunar_fidelity.sh)
    .venv-ref/bin/python scripts/gen_lunar_fixtures.py --stats heuristic --episodes 1000 \\
        --out target/lunar/gym_heuristic.json          # episode statistics only

The port cannot reproduce numpy's random stream, so every random number the environment draws
is recorded and replayed into the port: the environment's ``np_random`` is replaced by a
recording proxy around the generator ``reset(seed=...)`` would have made (same PCG64 stream), and
``reset()`` is then called without a seed. Per episode the trace holds:

* ``heights`` (12), ``force`` (2) and, with wind, ``wind`` (2 integers): the reset's draws;
* ``dispersion``: the two ``uniform(-1, 1)`` draws of every step, the reset's no-op step first;
* ``actions``, then per step the float32 observation, the reward (exact decimal text) and the
  step index where the episode ended (terminated or truncated by the 1000-step TimeLimit).

Floats that the Rust side must read bit for bit (draws, rewards) are decimal strings (the
shortest text that round-trips a float64); observations are the shortest text of each float32.
Policies: ``random`` (uniform actions), ``heuristic`` (gymnasium's ``heuristic``), ``noisy``
(the heuristic with 30% random actions: longer, more varied flights), ``hover`` (hovers
until the time limit), and for the continuous
variant ``heuristic_continuous`` and ``random_continuous`` (float32 actions in [-1, 1]²).
A ``:wind`` suffix on a policy runs it with ``enable_wind=True`` (default wind and turbulence).
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import time
import warnings

import gymnasium as gym
import numpy as np
from gymnasium.envs.box2d.lunar_lander import heuristic
from gymnasium.utils import seeding

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "crates" / "deepq-env" / "tests" / "fixtures" / "lunarlander_v3.json"
# The CI fixture: a few episodes of every kind, one of them truncated by the time limit.
DEFAULT_PLAN = "random:2,heuristic:2,heuristic:wind:1,hover:1,heuristic_continuous:1,random_continuous:1"


class RecordingRng:
    """Forwards to a numpy Generator and logs what the environment drew."""

    def __init__(self, gen: np.random.Generator):
        self.gen = gen
        self.log: list[tuple[str, object]] = []

    def uniform(self, low=0.0, high=1.0, size=None):
        v = self.gen.uniform(low, high, size)
        self.log.append(("uniform", v))
        return v

    def integers(self, low, high=None, size=None, dtype=np.int64, endpoint=False):
        v = self.gen.integers(low, high, size, dtype=dtype, endpoint=endpoint)
        self.log.append(("integers", v))
        return v


def f32(v) -> float:
    """Shortest decimal text that round-trips a float32."""
    return float(np.format_float_positional(np.float32(v), unique=True, trim="-"))


def exact(v) -> str:
    """A float64 as the shortest decimal text that round-trips."""
    return repr(float(v))


def make(policy: str):
    base, _, variant = policy.partition(":")
    kwargs = {}
    if base.endswith("_continuous"):
        kwargs["continuous"] = True
    if variant == "wind":
        kwargs["enable_wind"] = True
    return base, kwargs, gym.make("LunarLander-v3", **kwargs)


def act(base: str, env, obs, rng: np.random.Generator):
    if base == "random":
        return int(rng.integers(4))
    if base == "heuristic":
        return int(heuristic(env, obs))
    if base == "noisy":
        return int(rng.integers(4)) if rng.random() < 0.3 else int(heuristic(env, obs))
    if base == "hover":
        # The heuristic's attitude control with a hover height it never leaves: the flight
        # lasts until the 1000-step time limit truncates it.
        angle_targ = min(max(obs[0] * 0.5 + obs[2] * 1.0, -0.4), 0.4)
        angle_todo = (angle_targ - obs[4]) * 0.5 - obs[5] * 1.0
        hover_todo = (0.4 - obs[1]) * 0.5 - obs[3] * 0.5
        if hover_todo > abs(angle_todo) and hover_todo > 0.05:
            return 2
        return 3 if angle_todo < -0.05 else (1 if angle_todo > 0.05 else 0)
    if base == "heuristic_continuous":
        return np.asarray(heuristic(env, obs), dtype=np.float32)
    if base == "random_continuous":
        return rng.uniform(-1.0, 1.0, size=2).astype(np.float32)
    raise ValueError(base)


def record_episode(policy: str, seed: int, trace: bool) -> dict:
    base, kwargs, env = make(policy)
    uw = env.unwrapped
    rec = RecordingRng(seeding.np_random(seed)[0])
    uw._np_random = rec
    obs, _ = env.reset()
    log = rec.log
    # The reset's draws, in order: heights, two force components, (wind), the no-op step's dispersion.
    assert log[0][0] == "uniform" and np.shape(log[0][1]) == (12,)
    heights = [float(h) for h in log[0][1]]
    force = [float(log[1][1]), float(log[2][1])]
    k = 3
    wind = None
    if kwargs.get("enable_wind"):
        wind = [int(log[3][1]), int(log[4][1])]
        k = 5
    dispersion = [float(log[k][1]), float(log[k + 1][1])]
    assert len(log) == k + 2
    del log[:]
    policy_rng = np.random.default_rng(50_000 + seed)
    ep = {"seed": seed, "policy": policy, "kwargs": kwargs}
    if trace:
        ep.update({"heights": [exact(h) for h in heights], "force": [exact(f) for f in force], "wind": wind,
                   "init_obs": [f32(v) for v in obs], "actions": [], "obs": [], "rewards": [],
                   "dispersion": [exact(d) for d in dispersion]})
    ret, steps, end = 0.0, 0, None
    while True:
        a = act(base, env, obs, policy_rng)
        obs, r, term, trunc, _ = env.step(a)
        assert len(log) == 2 and all(kind == "uniform" for kind, _ in log)
        if trace:
            ep["dispersion"] += [exact(log[0][1]), exact(log[1][1])]
            ep["actions"].append([f32(a[0]), f32(a[1])] if isinstance(a, np.ndarray) else a)
            ep["obs"].append([f32(v) for v in obs])
            ep["rewards"].append(exact(r))
        del log[:]
        ret += float(r)
        steps += 1
        if term or trunc:
            end = {"step": steps - 1, "terminated": bool(term), "truncated": bool(trunc)}
            break
    ep["end"] = end
    ep["return"] = ret
    ep["length"] = steps
    # Landed: the episode ended with the lander at rest (Box2D put it to sleep: reward +100).
    ep["landed"] = bool(end["terminated"] and float(r) == 100.0)
    env.close()
    return ep


def parse_plan(plan: str) -> list[str]:
    out = []
    for part in plan.split(","):
        policy, _, n = part.rpartition(":")
        out += [policy] * int(n)
    return out


def main() -> None:
    warnings.filterwarnings("ignore", message=".*out of date.*")
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--plan", default=DEFAULT_PLAN, help="policy:count,... (trace mode)")
    p.add_argument("--seed0", type=int, default=400, help="seed of the first episode")
    p.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    p.add_argument("--stats", metavar="POLICY", help="record only episode returns/lengths of POLICY")
    p.add_argument("--episodes", type=int, default=1000, help="episodes of --stats")
    args = p.parse_args()

    t0 = time.perf_counter()
    if args.stats:
        policies = [args.stats] * args.episodes
        trace = False
    else:
        policies = parse_plan(args.plan)
        trace = True
    episodes = [record_episode(pol, args.seed0 + i, trace) for i, pol in enumerate(policies)]
    data = {"gymnasium": gym.__version__, "box2d": __import__("Box2D").__version__, "id": "LunarLander-v3",
            "max_episode_steps": 1000, "reward_threshold": 200.0, "episodes": episodes}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    args.out.write_text(text + "\n")
    steps = sum(e["length"] for e in episodes)
    rets = np.array([e["return"] for e in episodes])
    print(f"{args.out}: {len(episodes)} episodes, {steps} steps, mean return {rets.mean():.2f}, "
          f"{len(text) / 1024:.1f} KiB, {time.perf_counter() - t0:.1f} s")
    assert all(math.isfinite(e["return"]) for e in episodes)


if __name__ == "__main__":
    main()
