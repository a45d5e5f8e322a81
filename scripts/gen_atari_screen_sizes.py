#!/usr/bin/env python3
"""Records the screen size of every Atari game as ale-py 0.12.1 reports it, for
crates/deepq-atari/tests/screen_sizes.rs.

Run in the reference venv after scripts/setup_atari.sh:

    .venv-ref/bin/python scripts/gen_atari_screen_sizes.py

For every game that ale-py registers (`ALE/<Game>-v5`; the few ROMs without a registered id,
such as the two-player-only Combat, are left out), the script makes it with `obs_type="rgb"`
(the v4 ids, where they exist, have the same observation space) and keeps the height and width of
`env.observation_space.shape` (H, W, 3), checked against the ALE's own `getScreenDims()`.
Most games are 210x160; a few (AirRaid, Carnival, Pooyan, ...) are taller. The output is one
line per game so that a changed size shows up as a one-line diff.
"""

import json
import os

import ale_py
import gymnasium as gym

gym.register_envs(ale_py)

OUT = os.path.join(
    os.path.dirname(__file__), "..", "crates", "deepq-atari", "tests", "fixtures", "screen_sizes.json"
)


def registered_games():
    """(ROM name, id) of every registered `ALE/<Game>-v5` id (not the `-ram` ones)."""
    games = {}
    for env_id, spec in gym.registry.items():
        if spec.namespace == "ALE" and spec.version == 5 and not env_id.endswith("-ram-v5"):
            games[spec.kwargs["game"]] = env_id
    return sorted(games.items())


def screen_size(rom, env_id):
    env = gym.make(env_id, obs_type="rgb")
    try:
        h, w, c = env.observation_space.shape
        assert c == 3, (rom, env.observation_space.shape)
        dims = tuple(int(d) for d in env.unwrapped.ale.getScreenDims())
        assert dims == (h, w), f"{rom}: observation space {h}x{w}, ALE screen {dims}"
        return int(h), int(w)
    finally:
        env.close()


def main():
    sizes = {rom: screen_size(rom, env_id) for rom, env_id in registered_games()}
    lines = [f'    "{rom}": [{h}, {w}]' for rom, (h, w) in sizes.items()]
    header = {
        "source": "env.observation_space.shape[:2] of ALE/<Game>-v5, obs_type='rgb'",
        "ale_py": ale_py.__version__,
        "gymnasium": gym.__version__,
    }
    text = "{\n"
    text += "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in header.items())
    text += '  "sizes": {\n' + ",\n".join(lines) + "\n  }\n}\n"
    json.loads(text)  # well-formed
    with open(OUT, "w") as f:
        f.write(text)
    tall = {rom: hw for rom, hw in sizes.items() if hw != (210, 160)}
    print(f"{len(sizes)} games; not 210x160: {tall}")


if __name__ == "__main__":
    main()
