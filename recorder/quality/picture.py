"""Pure picture checks on a luma plane (numpy only): black, covered, obstructed, defocus, moved, frozen.

No PyAV, no database: the quality job decodes keyframes and calls these.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recorder.constants import BLACK, COVERED, DEFOCUS, MOVED, OBSTRUCTED

WORK_H, WORK_W = 240, 320  # every frame is compared at this size
TILES = 8  # TILES × TILES grid for flatness
FLAT_STD = 6.0  # a tile this uniform shows nothing
BLACK_MEAN, BLACK_P99 = 24.0, 40.0
COVERED_FLAT = 0.9  # share of flat tiles that means the lens is covered
OBSTRUCTED_NEW_FLAT = 0.35  # share of tiles flat now but textured in the reference
OBSTRUCTED_REL = 0.3  # a tile lost this much more texture than the picture as a whole
NOISE_PCT = 10  # the quietest tiles' Laplacian variance is taken as sensor noise
SCENE_GAIN_PCT = 90  # the picture's contrast change vs the reference: this percentile of tiles
DEFOCUS_RATIO = 0.25  # sharpness (Laplacian variance per unit of picture variance) vs the reference
DEFOCUS_ABS = 15.0  # without a reference
MOVED_NCC = 0.5  # normalised cross-correlation with the reference view
MOVED_PX = 8.0  # a view shifted this far (at WORK_W) has moved
SHIFT_PEAK = 0.15  # phase-correlation peak that makes a shift estimate trustworthy
FROZEN_DIFF = 0.3  # mean absolute luma difference between keyframes that counts as "same"


def to_work(luma: np.ndarray) -> np.ndarray:
    """Resample a luma plane to WORK_H × WORK_W (nearest), as float32."""
    h, w = luma.shape
    rows = (np.arange(WORK_H) * h // WORK_H).clip(0, h - 1)
    cols = (np.arange(WORK_W) * w // WORK_W).clip(0, w - 1)
    return luma[rows][:, cols].astype(np.float32)


def laplacian(img: np.ndarray) -> np.ndarray:
    """The 4-neighbour Laplacian (interior pixels)."""
    return (-4 * img[1:-1, 1:-1] + img[:-2, 1:-1] + img[2:, 1:-1]
            + img[1:-1, :-2] + img[1:-1, 2:])


def laplacian_var(img: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian: low means out of focus (or nothing to see)."""
    return float(laplacian(img).var())


def noise_floor(lap: np.ndarray) -> float:
    """The Laplacian variance of the quietest tiles: sensor noise, not detail."""
    return float(np.percentile(tile_std(lap) ** 2, NOISE_PCT))


def tile_std(img: np.ndarray) -> np.ndarray:
    h, w = img.shape
    th, tw = h // TILES, w // TILES
    tiles = img[: th * TILES, : tw * TILES].reshape(TILES, th, TILES, tw)
    return tiles.std(axis=(1, 3))


@dataclass
class FrameStats:
    """What the checks need from one picture."""

    work: np.ndarray
    mean: float
    p99: float
    lap_var: float
    tiles: np.ndarray
    var: float = 0.0
    noise: float = 0.0

    @property
    def sharpness(self) -> float:
        """Laplacian variance above the noise, per unit of picture variance: the same
        view keeps it when the light dims (noise grows at night, detail does not)."""
        return max(0.0, self.lap_var - self.noise) / self.var if self.var > 0 else 0.0

    @property
    def flat_share(self) -> float:
        return float((self.tiles < FLAT_STD).mean())


def stats(luma: np.ndarray) -> FrameStats:
    work = to_work(luma)
    lap = laplacian(work)
    return FrameStats(work, float(work.mean()), float(np.percentile(work, 99)),
                      float(lap.var()), tile_std(work), float(work.var()), noise_floor(lap))


def newly_flat(s: FrameStats, ref: FrameStats) -> np.ndarray:
    """Tiles flat now, textured in the reference, and darker in texture than the scene's
    overall change explains: dusk, night or fog dim every tile alike, a board only some."""
    textured = ref.tiles >= FLAT_STD
    if not textured.any():
        return np.zeros_like(textured)
    ratios = s.tiles[textured] / ref.tiles[textured]
    gain = float(np.percentile(ratios, SCENE_GAIN_PCT))
    return (s.tiles < FLAT_STD) & textured & (s.tiles < OBSTRUCTED_REL * gain * ref.tiles)


def ncc(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised cross-correlation of two pictures' coarse views (1: same view)."""
    a, b = _coarse(a), _coarse(b)
    a, b = a - a.mean(), b - b.mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return 1.0 if den == 0 else float((a * b).sum() / den)


def _coarse(img: np.ndarray) -> np.ndarray:
    return img.reshape(WORK_H // 8, 8, WORK_W // 8, 8).mean(axis=(1, 3))


def shift(ref: np.ndarray, img: np.ndarray) -> tuple[int, int, float]:
    """Translation of `img` against `ref` by phase correlation: (dy, dx, peak strength)."""
    window = np.outer(np.hanning(ref.shape[0]), np.hanning(ref.shape[1]))
    fa = np.fft.rfft2((ref - ref.mean()) * window)
    fb = np.fft.rfft2((img - img.mean()) * window)
    cross = fa * np.conj(fb)
    cross /= np.abs(cross) + 1e-9
    surface = np.fft.irfft2(cross, s=ref.shape)
    iy, ix = np.unravel_index(int(np.argmax(surface)), surface.shape)
    dy = iy if iy <= ref.shape[0] // 2 else iy - ref.shape[0]
    dx = ix if ix <= ref.shape[1] // 2 else ix - ref.shape[1]
    return int(dy), int(dx), float(surface.max())


def has_moved(s: FrameStats, ref: FrameStats) -> bool:
    """The view shifted against the reference, or shows another scene altogether."""
    dy, dx, peak = shift(ref.work, s.work)
    if peak >= SHIFT_PEAK:
        return float(np.hypot(dy, dx)) >= MOVED_PX
    return ncc(s.work, ref.work) < MOVED_NCC


def classify(s: FrameStats, ref: FrameStats | None) -> str | None:
    """The one defect a keyframe shows, most severe first; None for a normal picture."""
    if s.mean < BLACK_MEAN and s.p99 < BLACK_P99:
        return BLACK
    if s.flat_share >= COVERED_FLAT:
        return COVERED
    if ref is not None:
        if float(newly_flat(s, ref).mean()) >= OBSTRUCTED_NEW_FLAT:
            return OBSTRUCTED
        if ref.sharpness > 0 and s.sharpness < DEFOCUS_RATIO * ref.sharpness:
            return DEFOCUS
        if has_moved(s, ref):
            return MOVED
    elif s.lap_var < DEFOCUS_ABS:
        return DEFOCUS
    return None


def same_picture(a: FrameStats, b: FrameStats) -> bool:
    """Two keyframes with (almost) no change: a frozen picture repeats exactly."""
    return float(np.abs(a.work - b.work).mean()) < FROZEN_DIFF


def good_reference(s: FrameStats) -> bool:
    """Whether a picture may serve as a camera's reference view."""
    return classify(s, None) is None
