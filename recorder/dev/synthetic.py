"""Synthetic H.264 made with PyAV: a static scene with a moving object, plus defects.

Used by the demo, the tests and the benchmark; no camera needed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import av
import numpy as np


@dataclass
class Scene:
    """What the picture shows; each defect is (from_s, to_s) on the clip's own timeline."""

    width: int = 320
    height: int = 240
    fps: int = 10
    gop: int = 10  # frames between keyframes
    black: tuple[float, float] | None = None
    frozen: tuple[float, float] | None = None
    covered: tuple[float, float] | None = None
    obstructed: tuple[float, float] | None = None
    defocus: tuple[float, float] | None = None
    moved: tuple[float, float] | None = None
    seed: int = 7
    extra: dict = field(default_factory=dict)


def background(width: int, height: int, seed: int = 7, shift: int = 0) -> np.ndarray:
    """A textured, static RGB scene (the 'street'); `shift` pans it sideways."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    xx = xx + shift
    img = np.empty((height, width, 3), np.uint8)
    img[..., 0] = (xx * 255 // max(1, width)) % 256
    img[..., 1] = (yy * 255 // max(1, height))
    img[..., 2] = np.where(((xx // 16) + (yy // 16)) % 2 == 0, 200, 40)
    for _ in range(12):  # buildings and signs
        x0, y0 = int(rng.integers(0, width)) - shift, int(rng.integers(0, height))
        w, h = int(rng.integers(10, width // 4)), int(rng.integers(10, height // 4))
        colour = rng.integers(0, 256, 3)
        img[max(0, y0):y0 + h, max(0, x0):max(0, x0 + w)] = colour
    return img


def _in(window: tuple[float, float] | None, t: float) -> bool:
    return window is not None and window[0] <= t < window[1]


def _blur(img: np.ndarray, k: int = 9) -> np.ndarray:
    out = img.astype(np.float32)
    kernel = np.ones(k, np.float32) / k
    for axis in (0, 1):
        out = np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="same"), axis, out)
    return out.clip(0, 255).astype(np.uint8)


def frame_at(scene: Scene, i: int, cache: dict) -> np.ndarray:
    """The RGB picture of frame `i`."""
    t = i / scene.fps
    if _in(scene.black, t):
        return np.zeros((scene.height, scene.width, 3), np.uint8)
    if _in(scene.frozen, t):
        i = int(scene.frozen[0] * scene.fps)
    shift = scene.width // 6 if _in(scene.moved, t) else 0
    key = ("bg", shift)
    if key not in cache:
        cache[key] = background(scene.width, scene.height, scene.seed, shift)
    img = cache[key].copy()
    size = max(8, scene.height // 6)  # a bright object crossing the street
    x = (i * 7) % max(1, scene.width - size)
    y = scene.height // 2 + int(scene.height // 5 * np.sin(i / 9))
    img[y:y + size, x:x + size] = (250, 250, 60)
    if _in(scene.covered, t):
        img[:] = (70, 62, 58)  # a hand or cloth over the lens
    if _in(scene.obstructed, t):
        img[:, : scene.width * 2 // 3] = (90, 90, 90)  # a board in front of most of the view
    if _in(scene.defocus, t):
        if "blur" not in cache or cache["blur"][0] != i:
            cache["blur"] = (i, _blur(img, 15))
        img = cache["blur"][1]
    return img


def encode_h264(path: str | Path, frames: Iterable[np.ndarray], fps: int, gop: int,
                options: dict[str, str | None] | None = None, fmt: str = "mpegts") -> Path:
    """Encode RGB frames with libx264 (no B-frames, fixed GOP) to `path`; the one encoder loop.

    `options` add to or override the defaults; an option set to None is left out."""
    settings = {"preset": "ultrafast", "tune": "zerolatency", "g": str(gop), "keyint_min": str(gop),
                "sc_threshold": "0", "bf": "0", **(options or {})}
    settings = {k: v for k, v in settings.items() if v is not None}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format=fmt) as out:
        stream = None
        for i, img in enumerate(frames):
            if stream is None:
                stream = out.add_stream("libx264", rate=fps, options=settings)
                stream.height, stream.width = img.shape[:2]
                stream.pix_fmt = "yuv420p"
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        if stream is not None:
            for packet in stream.encode():
                out.mux(packet)
    return path


def make_h264(path: str | Path, seconds: float, scene: Scene | None = None,
              fmt: str = "mpegts") -> Path:
    """Encode `seconds` of the scene to `path`."""
    scene = scene or Scene()
    cache: dict = {}
    frames = (frame_at(scene, i, cache) for i in range(int(seconds * scene.fps)))
    return encode_h264(path, frames, scene.fps, scene.gop, fmt=fmt)
