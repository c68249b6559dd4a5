"""Directions and signed rotations of 2D segments (vectorised).

Used by the hip-rotation analysis: the shank's on-screen direction against a
neutral direction, signed so that turning towards a given side is positive.
Pixel coordinates (x right, y down); NaN in, NaN out.
"""

from __future__ import annotations

import numpy as np

__all__ = ["direction_deg", "median_direction", "perpendicular_towards", "signed_rotation_deg"]


def _vectors(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    if v.shape[-1] != 2:
        raise ValueError(f"Expected 2D vectors (..., 2), but got shape {v.shape}.")
    return v


def direction_deg(v: np.ndarray) -> np.ndarray:
    """On-screen direction of vectors ``(..., 2)`` in degrees, ``atan2(y, x)`` (y down)."""
    v = _vectors(v)
    return np.degrees(np.arctan2(v[..., 1], v[..., 0]))


def median_direction(v: np.ndarray) -> np.ndarray:
    """Unit vector of the median direction of ``(n, 2)`` vectors (NaN rows ignored).

    The median is taken over angles around their circular mean, so it turns
    exactly with the image and ignores the vectors' lengths. Returns
    ``[nan, nan]`` when no row is finite.
    """
    ang = np.radians(direction_deg(v))
    ang = ang[np.isfinite(ang)]
    if ang.size == 0:
        return np.full(2, np.nan)
    ref = np.angle(np.mean(np.exp(1j * ang)))
    a = ref + np.median(np.angle(np.exp(1j * (ang - ref))))
    return np.array([np.cos(a), np.sin(a)])


def perpendicular_towards(line: np.ndarray, towards: np.ndarray) -> np.ndarray:
    """Unit vector perpendicular to ``line`` (2,), on the side of ``towards`` (2,)."""
    line, towards = _vectors(line), _vectors(towards)
    perp = np.array([-line[1], line[0]]) / np.hypot(*line)
    return perp if perp @ towards >= 0 else -perp


def signed_rotation_deg(segment: np.ndarray, neutral: np.ndarray, positive_towards: np.ndarray) -> np.ndarray:
    """Angle of ``segment`` from ``neutral``, positive when turned towards ``positive_towards``.

    Parameters
    ----------
    segment : (n_frames, 2) array
        The moving segment's vector per frame (e.g. ankle - knee), pixels.
    neutral : (2,) array
        The direction the angle is measured from.
    positive_towards : (2,) array
        A direction on the positive side of ``neutral`` (e.g. lateral, for
        hip internal rotation, where the foot swings laterally).

    Returns
    -------
    angle : (n_frames,) array
        In (-180, 180] degrees; independent of the image's rotation, scale
        and mirroring (mirroring flips ``positive_towards`` with the segment).
    """
    segment = _vectors(segment)
    neutral, positive_towards = _vectors(neutral), _vectors(positive_towards)
    cross = neutral[0] * segment[..., 1] - neutral[1] * segment[..., 0]
    dot = segment @ neutral
    side = np.sign(neutral[0] * positive_towards[1] - neutral[1] * positive_towards[0])
    if side == 0:
        raise ValueError("positive_towards must not be parallel to neutral")
    return np.degrees(np.arctan2(side * cross, dot))
