"""Where the phone stood: its pan and tilt off the square side-on view (pure numpy).

For the knee-to-chest test the ideal camera looks square at the body's side:
its optical axis along the body's left-right axis, the lens at table height.
Two errors are common with a phone on a tripod or in a helper's hand:

- **pan**: the phone swung about the vertical, towards the head (positive) or
  the feet (negative). The body's long axis then recedes in depth;
- **tilt**: the phone raised above the table, looking down (positive). The
  body's left-right axis then shows up and down on screen.

Both are read from the pose model's 3D landmarks (MediaPipe's ``world_m``:
metres, hip-centred, axes along the camera's x right, y down, z away from the
lens) over the still frames before a raise:

- pan from the trunk (hip midpoint -> shoulder midpoint): its depth slope;
- tilt from the body's left-right axis (shoulders and hips, the pair nearer
  the camera minus the farther one): its slope down the picture, across the
  trunk.

MediaPipe's depth is compressed (it under-reads the slopes), so these raw
angles are not the phone's pan and tilt: :mod:`hiprom.analysis.camera` maps
them with lines fitted on the synthetic benchmark (``hiprom.calibration``),
and undoes the pan-dependent flexion error the pose model shows. This module
is the geometry only.
"""

from __future__ import annotations

import numpy as np

from hiprom.skeleton import JOINTS

__all__ = ["raw_camera_angles_deg"]

_SHOULDERS, _HIPS = JOINTS["shoulder"], JOINTS["hip"]


def raw_camera_angles_deg(
    world_m: np.ndarray, visibility: np.ndarray, min_visibility: float = 0.5
) -> tuple[float, float]:
    """The trunk's depth slope and the left-right axis's slope down the picture, from still-pose 3D landmarks.

    Parameters
    ----------
    world_m : (n_frames, 33, 3) array
        The pose model's metric landmarks over still frames (camera-aligned
        axes: x right, y down, z away from the camera).
    visibility : (n_frames, 33) array
        Landmarks below ``min_visibility`` are ignored.

    Returns
    -------
    raw_pan_deg, raw_tilt_deg : float
        NaN when the shoulders or hips are not seen.
    """
    w = np.array(world_m, dtype=float, copy=True)
    w[np.asarray(visibility) < min_visibility] = np.nan
    shoulders, hips = w[:, list(_SHOULDERS)], w[:, list(_HIPS)]
    trunk = _median_rows(shoulders.mean(axis=1) - hips.mean(axis=1))
    lateral = _median_rows((shoulders[:, 0] - shoulders[:, 1]) + (hips[:, 0] - hips[:, 1]))
    if lateral[2] > 0:  # point it at the camera (the nearer side minus the farther one)
        lateral = -lateral
    raw_pan = np.degrees(np.arctan2(-trunk[2], np.hypot(trunk[0], trunk[1])))
    # "down" in the picture: the image-plane perpendicular to the trunk, the one pointing down the
    # frame (so a phone rolled about its lens, as far as the side-view check allows, reads the same)
    down = np.array([-trunk[1], trunk[0]])
    down = down / np.hypot(*down) * (1.0 if down[1] >= 0 else -1.0)
    raw_tilt = np.degrees(np.arctan2(lateral[:2] @ down, -lateral[2]))
    return float(raw_pan), float(raw_tilt)


def _median_rows(v: np.ndarray) -> np.ndarray:
    """Median of the fully finite rows of ``(n, 3)`` (NaN if none)."""
    ok = np.isfinite(v).all(axis=1)
    return np.median(v[ok], axis=0) if ok.any() else np.full(v.shape[1], np.nan)
