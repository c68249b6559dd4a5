"""Small synthetic landmark series and pose candidates for unit tests."""

from __future__ import annotations

import numpy as np

from hiprom.landmarks import N_LANDMARKS, LandmarkSeries


def make_series(n_frames: int = 7, seed: int = 0, missing: tuple[int, ...] = (2,)) -> LandmarkSeries:
    """A random but valid series; frames in ``missing`` are undetected (NaN)."""
    rng = np.random.default_rng(seed)
    time_s = np.cumsum(rng.uniform(0.02, 0.05, n_frames))
    image = rng.uniform(0, 600, (n_frames, N_LANDMARKS, 2))
    depth = rng.normal(0, 50, (n_frames, N_LANDMARKS))
    vis = rng.uniform(0, 1, (n_frames, N_LANDMARKS))
    pres = rng.uniform(0, 1, (n_frames, N_LANDMARKS))
    world = rng.normal(0, 0.5, (n_frames, N_LANDMARKS, 3))
    for arr in (image, depth, vis, pres, world):
        arr[list(missing)] = np.nan
    return LandmarkSeries(time_s, image, depth, vis, pres, world, meta={"width_px": 640, "height_px": 480})


def person_pose(
    centre_xy: tuple[float, float], height_px: float, width_px: float | None = None
) -> np.ndarray:
    """(33, 2) landmarks spread over a box centred at ``centre_xy``."""
    width_px = width_px if width_px is not None else height_px * 0.4
    grid = np.linspace(-0.5, 0.5, N_LANDMARKS)
    xs = centre_xy[0] + width_px * np.sin(np.arange(N_LANDMARKS)) * 0.5
    ys = centre_xy[1] + height_px * grid
    return np.stack([xs, ys], axis=-1)


def two_people_candidates(n_frames: int = 40, swap_every: int = 3, k: int = 3):
    """Person A walks right slowly (large, central); person B small at the left edge.

    Candidate order swaps every ``swap_every`` frames, as MediaPipe's does.
    Returns ``cand_px (n, k, 33, 2)``, ``cand_vis (n, k, 33)``, and the true
    identity of each candidate ``truth (n, k)`` (0 = A, 1 = B, -1 absent).
    """
    cand = np.full((n_frames, k, N_LANDMARKS, 2), np.nan)
    vis = np.full((n_frames, k, N_LANDMARKS), np.nan)
    truth = np.full((n_frames, k), -1)
    for f in range(n_frames):
        poses = [person_pose((300 + 2 * f, 240), 300), person_pose((40, 200), 120)]
        order = [1, 0] if (f // swap_every) % 2 else [0, 1]
        for slot, who in enumerate(order):
            cand[f, slot] = poses[who]
            vis[f, slot] = 0.9
            truth[f, slot] = who
    return cand, vis, truth
