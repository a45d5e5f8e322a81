#!/usr/bin/env python3
"""Record reference traces from the real Gymnasium for deepq-env's conformance tests.

Rerun (from the repository root):

    scripts/setup_python.sh                      # creates .venv-ref with pinned gymnasium
    .venv-ref/bin/python scripts/gen_fixtures.py # rewrites crates/deepq-env/tests/fixtures/*.json

The output is deterministic for a given gymnasium/numpy version. Every trace goes through
``gymnasium.make(id, **kwargs)``, so the registered TimeLimit is part of what is recorded.

Per episode the files hold: the reset seed, the policy that chose the actions, the initial state
(CartPole: ``env.unwrapped.state`` as four float64; toy-text: the state index), then per step the
action, observation (CartPole: the float32 values), reward, terminated and truncated flags, and,
for the toy-text environments, ``info["prob"]``. Values that the Rust side must read back
bit for bit (CartPole's float64 initial state, probabilities, uniform draws) are stored as
decimal strings. For environments with stochastic transitions,
the uniform draw in [0, 1) that gymnasium's categorical sampler consumed on each step is recorded
as well, so that the Rust port can replay the same outcome from the same draw. Episodes that do
not end on their own (CliffWalking has no time limit) are cut after a fixed number of steps.

``registry.json`` lists gymnasium's registered specs for the ported environment families.
"""

from __future__ import annotations

import json
import pathlib
import warnings

import gymnasium as gym
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates" / "deepq-env" / "tests" / "fixtures"
FAMILIES = ("CartPole", "FrozenLake", "Taxi", "CliffWalking", "LunarLander")
STEP_CAP = 300  # longest recorded prefix of an episode without a time limit


def f32_list(values) -> list[float]:
    """Shortest decimal text that round-trips each value as float32."""
    return [float(np.format_float_positional(np.float32(v), unique=True, trim="-")) for v in values]


def exact(value) -> str:
    """A float64 as the shortest decimal text that round-trips (a JSON string, so that the
    reader parses it with a correctly rounding parser)."""
    return repr(float(value))


def peek_uniform(env) -> float:
    """The next value of env's np_random.random() without consuming it."""
    rng = env.unwrapped.np_random
    saved = rng.bit_generator.state
    u = float(rng.random())
    rng.bit_generator.state = saved
    return u


# ---------------------------------------------------------------- policies


def cartpole_policy(kind: str, obs, rng: np.random.Generator) -> int:
    x, x_dot, theta, theta_dot = (float(v) for v in obs)
    balance = int(theta + 0.5 * theta_dot > 0)
    if kind == "random":
        return int(rng.integers(2))
    if kind == "balance":
        return balance
    if kind == "balance_noisy":
        return int(rng.integers(2)) if rng.random() < 0.25 else balance
    if kind == "balance_drift":  # balances the pole but lets the cart wander off the track
        return int(theta + 0.5 * theta_dot + 0.02 * x_dot > 0) if rng.random() > 0.05 else 1
    raise ValueError(kind)


def value_iteration(P, n_states: int, n_actions: int, gamma: float = 0.99) -> np.ndarray:
    """Greedy policy of a tabular model given as gymnasium's P."""
    v = np.zeros(n_states)
    for _ in range(1000):
        q = np.zeros((n_states, n_actions))
        for s in range(n_states):
            for a in range(n_actions):
                q[s, a] = sum(p * (r + (0.0 if t else gamma * v[ns])) for p, ns, r, t in P[s][a])
        new_v = q.max(axis=1)
        if np.max(np.abs(new_v - v)) < 1e-10:
            break
        v = new_v
    return q.argmax(axis=1)


def toy_policy(kind: str, state: int, rng: np.random.Generator, n_actions: int, greedy) -> int:
    if kind == "random":
        return int(rng.integers(n_actions))
    if kind == "greedy":
        return int(greedy[state])
    if kind == "eps_greedy":
        return int(rng.integers(n_actions)) if rng.random() < 0.2 else int(greedy[state])
    if kind == "corner":  # FrozenLake: LEFT or UP, hugging the start corner (reaches the time limit)
        return int(rng.choice([0, 3]))
    raise ValueError(kind)


# ---------------------------------------------------------------- recorders


def header(env_id: str, kwargs: dict, env) -> dict:
    return {
        "gymnasium": gym.__version__,
        "id": env_id,
        "kwargs": kwargs,
        "max_episode_steps": env.spec.max_episode_steps,
        "reward_threshold": env.spec.reward_threshold,
        "episodes": [],
    }


def record_cartpole(env_id: str, plan: list[tuple[str, int]], seed0: int) -> dict:
    env = gym.make(env_id)
    data = header(env_id, {}, env)
    for ep, kind in enumerate(k for k, n in plan for _ in range(n)):
        seed = seed0 + ep
        rng = np.random.default_rng(10_000 + seed)
        obs, _ = env.reset(seed=seed)
        init = [exact(v) for v in env.unwrapped.state]
        assert env.unwrapped.state.dtype == np.float64
        rec = {"seed": seed, "policy": kind, "init": init, "init_obs": f32_list(obs),
               "actions": [], "obs": [], "rewards": [], "terminated": [], "truncated": []}
        while True:
            a = cartpole_policy(kind, obs, rng)
            obs, r, term, trunc, _ = env.step(a)
            rec["actions"].append(a)
            rec["obs"].append(f32_list(obs))
            rec["rewards"].append(float(r))
            rec["terminated"].append(int(term))
            rec["truncated"].append(int(trunc))
            if term or trunc:
                break
        data["episodes"].append(rec)
    env.close()
    return data


def record_toy(env_id: str, kwargs: dict, plan: list[tuple[str, int]], seed0: int,
               with_uniforms: bool) -> dict:
    env = gym.make(env_id, **kwargs)
    uw = env.unwrapped
    n_states, n_actions = int(env.observation_space.n), int(env.action_space.n)
    greedy = value_iteration(uw.P, n_states, n_actions)
    data = header(env_id, kwargs, env)
    for ep, kind in enumerate(k for k, n in plan for _ in range(n)):
        seed = seed0 + ep
        rng = np.random.default_rng(20_000 + seed)
        obs, info = env.reset(seed=seed)
        rec = {"seed": seed, "policy": kind, "init": int(obs), "actions": [], "obs": [],
               "rewards": [], "terminated": [], "truncated": [], "probs": []}
        if with_uniforms:
            rec["uniforms"] = []
        state = int(obs)
        for _ in range(STEP_CAP):
            a = toy_policy(kind, state, rng, n_actions, greedy)
            u = peek_uniform(env)
            obs, r, term, trunc, info = env.step(a)
            # The outcome is the first transition whose cumulative probability exceeds u.
            outcomes = uw.P[state][a]
            cum = np.cumsum([t[0] for t in outcomes])
            assert outcomes[int(np.argmax(cum > u))][1] == int(obs)
            if with_uniforms:
                rec["uniforms"].append(exact(u))
            state = int(obs)
            rec["actions"].append(a)
            rec["obs"].append(state)
            rec["rewards"].append(float(r))
            rec["terminated"].append(int(term))
            rec["truncated"].append(int(trunc))
            rec["probs"].append(exact(info["prob"]))
            if term or trunc:
                break
        data["episodes"].append(rec)
    env.close()
    return data


def registry_specs() -> list[dict]:
    out = []
    for env_id, spec in sorted(gym.envs.registry.items()):
        if "/" in env_id or not env_id.startswith(FAMILIES):
            continue
        out.append({"id": env_id, "max_episode_steps": spec.max_episode_steps,
                    "reward_threshold": spec.reward_threshold, "kwargs": spec.kwargs,
                    "entry_point": spec.entry_point})
    return out


def write(name: str, data) -> None:
    path = OUT / name
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    path.write_text(text + "\n")
    print(f"{path.relative_to(OUT.parent.parent.parent.parent)}: {len(text) / 1024:.1f} KiB")


def main() -> None:
    warnings.filterwarnings("ignore", message=".*out of date.*")
    OUT.mkdir(parents=True, exist_ok=True)
    cart_plan = [("random", 24), ("balance", 3), ("balance_noisy", 4), ("balance_drift", 3)]
    write("cartpole_v0.json", record_cartpole("CartPole-v0", cart_plan, 100))
    write("cartpole_v1.json", record_cartpole("CartPole-v1", cart_plan, 200))

    lake_plan = [("random", 20), ("eps_greedy", 10), ("greedy", 3), ("corner", 2)]
    for env_id, name in (("FrozenLake-v1", "frozenlake_4x4"), ("FrozenLake8x8-v1", "frozenlake_8x8")):
        for slippery in (True, False):
            kwargs = {"is_slippery": slippery}
            tag = "slippery" if slippery else "det"
            write(f"{name}_{tag}.json", record_toy(env_id, kwargs, lake_plan, 300, slippery))

    taxi_plan = [("random", 12), ("eps_greedy", 10), ("greedy", 8)]
    write("taxi_v4.json", record_toy("Taxi-v4", {}, taxi_plan, 400, False))

    cliff_plan = [("random", 6), ("eps_greedy", 12), ("greedy", 2)]
    write("cliffwalking_v1.json", record_toy("CliffWalking-v1", {}, cliff_plan, 500, False))
    write("cliffwalking_slippery_v1.json",
          record_toy("CliffWalkingSlippery-v1", {}, cliff_plan, 600, True))

    write("registry.json", {"gymnasium": gym.__version__, "specs": registry_specs()})


if __name__ == "__main__":
    main()
