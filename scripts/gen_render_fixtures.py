#!/usr/bin/env python3
"""Render reference CartPole frames with the real Gymnasium for deepq-env's render test.

Rerun (from the repository root):

    scripts/setup_python.sh                             # .venv-ref with gymnasium + pygame
    .venv-ref/bin/python scripts/gen_render_fixtures.py # rewrites tests/fixtures/render/

Each state is injected with ``env.unwrapped.state = ...`` into a ``CartPole-v1`` made with
``render_mode="rgb_array"``, and the returned 400x600x3 array is saved losslessly as an 8-bit
RGB PNG (``frame_<i>.png``). ``states.json`` lists, per frame, the PNG's file name and the state
``[x, x_dot, theta, theta_dot]`` as float64 decimal strings that round-trip exactly.
``crates/deepq-env/tests/render_conformance.rs`` renders the same states with deepq's
rasteriser and measures per-pixel agreement.
"""

from __future__ import annotations

import json
import os
import pathlib
import struct
import zlib

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # no display needed for rgb_array
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
import pygame  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates" / "deepq-env" / "tests" / "fixtures" / "render"

# [x, x_dot, theta, theta_dot]; velocities do not affect the picture but are kept for realism.
STATES = [
    ("centred upright", [0.0, 0.0, 0.0, 0.0]),
    ("fractional position, slight right tilt", [0.1234567, 0.3, 0.0789, -0.2]),
    ("left of centre, tilted left", [-0.7, -0.5, -0.2, 0.1]),
    ("near the left edge, tilted right", [-2.3, 0.1, 0.15, 0.0]),
    ("near the right edge, tilted left", [2.35, 0.2, -0.18, 0.0]),
    ("past the right edge (cart clipped)", [2.55, 0.0, 0.05, 0.0]),
    ("past the left edge (cart clipped)", [-2.45, 0.0, -0.1, 0.0]),
    ("pole falling far to the right", [0.9, 0.0, 1.1, 0.0]),
]


def write_png(path: pathlib.Path, rgb: np.ndarray) -> None:
    """A minimal 8-bit RGB PNG writer (filter type 0 on every row)."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[row].astype(np.uint8).tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    path.write_bytes(png)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    env = gym.make("CartPole-v1", render_mode="rgb_array")
    env.reset(seed=0)
    frames = []
    for i, (label, state) in enumerate(STATES):
        env.unwrapped.state = np.array(state, dtype=np.float64)
        rgb = env.render()
        assert rgb.shape == (400, 600, 3) and rgb.dtype == np.uint8, (rgb.shape, rgb.dtype)
        name = f"frame_{i}.png"
        write_png(OUT / name, rgb)
        frames.append({"file": name, "label": label, "state": [repr(float(v)) for v in state]})
    env.close()
    meta = {
        "gymnasium": gym.__version__,
        "pygame": pygame.version.ver,
        "env_id": "CartPole-v1",
        "width": 600,
        "height": 400,
        "frames": frames,
    }
    (OUT / "states.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {len(frames)} frames to {OUT}")


if __name__ == "__main__":
    main()
