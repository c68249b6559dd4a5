"""The table line of a supine side view, and which way a raised thigh turns (pure numpy).

The knee-to-chest angles are measured against the table. Phones are rarely
level, so the line is estimated from the image: the resting body's long axis
(shoulders' midpoint -> ankles' midpoint) over the frames where neither thigh
is raised. See ``docs/knee-to-chest.md``.
"""

from __future__ import annotations

import numpy as np

from hiprom.errors import BadInputError
from hiprom.kinematics.angles import segment_angle_deg
from hiprom.skeleton import JOINTS

__all__ = ["body_feet_direction", "lift_sign"]

_IDX = JOINTS


def lift_sign(points: np.ndarray, feet_dir: np.ndarray) -> float:
    """+1 if raising a thigh turns it counter-clockwise on screen, else -1.

    Decided from the data (the larger one-sided excursion of either thigh from
    the table line, robust percentiles), so it holds whichever way the person
    lies and however the phone is turned. The excursion is measured from the
    table line, not from the thigh's median: a far-side thigh hidden behind the
    near leg at rest is seen mostly raised, so its median is no rest angle.
    """
    best, sign = 0.0, 1.0
    for k in (0, 1):
        ccw = segment_angle_deg(
            points[:, _IDX["hip"][k]], points[:, _IDX["knee"][k]], np.asarray(feet_dir, float)
        )
        if not np.isfinite(ccw).any():
            continue
        up, down = np.nanpercentile(ccw, 98), -np.nanpercentile(ccw, 2)
        if max(up, down) > best:
            best, sign = max(up, down), (1.0 if up >= down else -1.0)
    return sign


def body_feet_direction(points: np.ndarray, rest_margin_deg: float = 10.0) -> np.ndarray:
    """Direction shoulder-midpoint -> ankle-midpoint: the table line from the resting body.

    Two passes. The first takes the median over every frame; a raised leg lifts
    the ankle midpoint and bends that line, more the longer the raise lasts (a
    4 s longer hold moved the benchmark's peak thigh by 3-6 deg). The second
    takes the median over the resting frames only: those where each thigh lies
    within ``rest_margin_deg`` of its own lowest tenth against the first line.
    The medians are taken over the frames' angles (not their x and y
    separately), so the estimate turns exactly with the image.
    """
    shoulders = _either(points[:, list(_IDX["shoulder"])])
    ankles = _either(points[:, list(_IDX["ankle"])])
    v = ankles - shoulders
    ang = np.arctan2(v[:, 1], v[:, 0])
    if not np.isfinite(ang).any():
        raise BadInputError("cannot find the body's long axis: shoulders and ankles are not visible")
    first = _median_angle(ang[np.isfinite(ang)])
    feet = np.array([np.cos(first), np.sin(first)])
    resting = np.ones(ang.shape, bool)
    for k in (0, 1):
        thigh = points[:, _IDX["knee"][k]] - points[:, _IDX["hip"][k]]
        with np.errstate(invalid="ignore"):
            cos = thigh @ feet / np.linalg.norm(thigh, axis=1)
        off_line = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
        if np.isfinite(off_line).any():
            resting &= ~(off_line > np.nanpercentile(off_line, 10) + rest_margin_deg)  # unseen: no veto
    rest = ang[resting & np.isfinite(ang)]
    a = _median_angle(rest) if rest.size >= 5 else first
    return np.array([np.cos(a), np.sin(a)])


def _either(pair_px: np.ndarray) -> np.ndarray:
    """``(n_frames, 2)`` midpoint of a left/right pair ``(n_frames, 2, 2)``, or the one side seen.

    In a side view the far shoulder or ankle is often hidden; the seen one lies
    on the same body line, so a frame is not lost with it.
    """
    seen = np.isfinite(pair_px).all(axis=-1)
    total = np.where(seen[..., None], pair_px, 0.0).sum(axis=1)
    count = seen.sum(axis=1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _median_angle(ang: np.ndarray) -> float:
    """The median of angles (radians), taken around their circular mean."""
    ref = np.angle(np.mean(np.exp(1j * ang)))
    return float(ref + np.median(np.angle(np.exp(1j * (ang - ref)))))
