"""Planar joint and segment angles from 2D landmark tracks (vectorised).

All functions take ``(n_frames, 2)`` pixel tracks (x right, y down, as in the
image) and return ``(n_frames,)`` angles in degrees; NaN in, NaN out.
"""

from __future__ import annotations

import numpy as np

__all__ = ["angle_between_deg", "flexion_from_straight_deg", "included_angle_deg", "segment_angle_deg"]


def _as_tracks(*arrays: np.ndarray) -> list[np.ndarray]:
    out = []
    for a in arrays:
        a = np.asarray(a, dtype=float)
        if a.ndim != 2 or a.shape[-1] != 2:
            raise ValueError(f"Expected a (n_frames, 2) track, but got shape {a.shape}.")
        out.append(a)
    return out


def segment_angle_deg(start: np.ndarray, end: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Signed angle of the segment ``start -> end`` from ``reference``, degrees.

    Parameters
    ----------
    start, end : (n_frames, 2) arrays
        Pixel tracks (y down).
    reference : (2,) or (n_frames, 2) array
        Direction the angle is measured from (e.g. along the table towards
        the feet), in pixel coordinates.

    Returns
    -------
    angle : (n_frames,) array
        In (-180, 180]; positive when the segment is rotated from the
        reference towards image-up (counter-clockwise as seen).
    """
    start, end = _as_tracks(start, end)
    ref = np.broadcast_to(np.asarray(reference, dtype=float), start.shape)
    seg = end - start
    # y is down in the image: flip it so counter-clockwise on screen is positive
    cross = ref[:, 0] * -seg[:, 1] - -ref[:, 1] * seg[:, 0]
    dot = ref[:, 0] * seg[:, 0] + ref[:, 1] * seg[:, 1]
    return np.degrees(np.arctan2(cross, dot))


def included_angle_deg(a: np.ndarray, vertex: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unsigned angle ``a - vertex - b`` at ``vertex`` (0..180), degrees."""
    a, vertex, b = _as_tracks(a, vertex, b)
    u, v = a - vertex, b - vertex
    return angle_between_deg(u, v)


def angle_between_deg(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Unsigned angle between two ``(n_frames, 2)`` vector tracks, degrees."""
    u, v = _as_tracks(u, v)
    cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    dot = np.sum(u * v, axis=1)
    return np.degrees(np.abs(np.arctan2(cross, dot)))


def flexion_from_straight_deg(proximal: np.ndarray, joint: np.ndarray, distal: np.ndarray) -> np.ndarray:
    """Goniometer-style flexion: 180 minus the included angle at ``joint``.

    Notes
    -----
    Trunk-thigh angle (the goniometer's hip flexion in the knee-to-chest
    test): ``proximal`` = shoulder, ``joint`` = hip, ``distal`` = knee; the
    stationary arm along the trunk, the moving arm along the femur, so it
    includes the pelvis's contribution. Knee flexion: hip, knee, ankle.
    """
    return 180.0 - included_angle_deg(proximal, joint, distal)
