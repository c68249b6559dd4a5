"""Small synthetic landmark series and pose candidates for unit tests."""

from __future__ import annotations

import numpy as np

import hiprom.skeleton as sk
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


def rotation_profile(fps: float = 30.0, ir_deg: float = 30.0, er_deg: float = 25.0) -> tuple:
    """Time and a rest -> IR hold -> rest -> ER hold -> rest rotation series (deg, IR positive)."""
    knots_s = [0.0, 1.2, 2.2, 3.4, 4.4, 5.0, 6.0, 7.2, 8.2, 9.0]
    knots_deg = [0.0, 0.0, ir_deg, ir_deg, 0.0, 0.0, -er_deg, -er_deg, 0.0, 0.0]
    time_s = np.arange(0.0, knots_s[-1], 1.0 / fps)
    return time_s, np.interp(time_s, knots_s, knots_deg)


def ir_pose(position: str, rotation_deg: dict, n_frames: int) -> np.ndarray:
    """``(n_frames, 33, 2)`` landmarks of a hip-rotation test seen from its position's ideal view.

    ``rotation_deg`` maps a side to its ``(n_frames,)`` rotation (IR positive);
    other legs rest at 0. Joint centres only (no noise): supine 90/90 from
    overhead (head at the left, the person's left side at the top), seated from
    the front (the person's left on the image's right), prone from the foot
    end (the back seen, the person's left on the image's left, shanks upright).
    """
    pts = np.full((n_frames, N_LANDMARKS, 2), np.nan)
    if position == "seated":
        shoulder = {"left": (680, 200), "right": (520, 200)}
        hip = {"left": (650, 400), "right": (550, 400)}
        thigh = (0.0, 25.0)
        rest, lateral = (0.0, 1.0), {"left": (1.0, 0.0), "right": (-1.0, 0.0)}
        shank_px = 250.0  # pelvis width / shank 0.40 (benchmark's seated views 0.39-0.44)
    elif position == "supine":
        shoulder = {"left": (300, 300), "right": (300, 420)}
        hip = {"left": (560, 310), "right": (560, 410)}
        thigh = (18.0, 0.0)
        rest, lateral = (1.0, 0.0), {"left": (0.0, -1.0), "right": (0.0, 1.0)}
        shank_px = 300.0  # pelvis width / shank 0.33, as on the benchmark's overhead views
    elif position == "prone":
        shoulder = {"left": (560, 150), "right": (720, 150)}
        hip = {"left": (590, 300), "right": (690, 300)}
        thigh = (0.0, 110.0)
        rest, lateral = (0.0, -1.0), {"left": (-1.0, 0.0), "right": (1.0, 0.0)}
        shank_px = 200.0
    else:
        raise ValueError(position)
    for side, k in (("left", 0), ("right", 1)):
        angle = np.radians(rotation_deg.get(side, np.zeros(n_frames)))
        knee = np.add(hip[side], thigh)
        if position == "prone" and side not in rotation_deg:
            shank = np.tile([0.0, 200.0], (n_frames, 1))  # the untested leg lies flat, towards the camera
        else:
            shank = shank_px * (np.cos(angle)[:, None] * rest + np.sin(angle)[:, None] * lateral[side])
        pts[:, sk.JOINTS["shoulder"][k]] = shoulder[side]
        pts[:, sk.JOINTS["hip"][k]] = hip[side]
        pts[:, sk.JOINTS["knee"][k]] = knee
        pts[:, sk.JOINTS["ankle"][k]] = knee + shank
    return pts


K2C_JOINTS = {j: sk.JOINTS[j] for j in ("shoulder", "hip", "knee", "ankle")}


def truth_landmarks(truth: dict) -> tuple[np.ndarray, np.ndarray]:
    """(n, 33, 2) landmarks and visibility from a truth file's joint-centre projections."""
    n = truth["frame"].shape[0]
    pts = np.full((n, 33, 2), np.nan)
    vis = np.zeros((n, 33))
    for joint, (li, ri) in K2C_JOINTS.items():
        for side, idx in (("left", li), ("right", ri)):
            pts[:, idx] = np.stack([truth[f"{joint}_{side}_x_px"], truth[f"{joint}_{side}_y_px"]], axis=1)
            vis[:, idx] = 1.0
    return pts, vis


def model_series(time_s: np.ndarray, pts: np.ndarray, vis: np.ndarray, model: str) -> LandmarkSeries:
    """Landmarks ``pts`` as the bundled pose model ``model`` would have given them (its file and SHA-256 in
    the meta; no 3D landmarks), for tests of what a result states per pose model."""
    from hiprom.capture.model import BUNDLED_MODELS

    file, sha = BUNDLED_MODELS[model]
    n = pts.shape[0]
    return LandmarkSeries(
        time_s=time_s, image_px=pts, depth_px=np.zeros((n, N_LANDMARKS)), visibility=vis,
        presence=np.ones((n, N_LANDMARKS)), world_m=np.full((n, N_LANDMARKS, 3), np.nan),
        meta={"clip_name": "clip.mp4", "width_px": 1280, "height_px": 720, "model_name": file,
              "model_sha256": sha},
    )  # fmt: skip
