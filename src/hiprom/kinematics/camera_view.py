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

MediaPipe's depth is compressed (it under-reads the slopes), so both raw
angles are mapped by a line fitted on the synthetic benchmark
(``bench/accuracy.py``, 28 knee-to-chest clips, pans -25..25 deg, tilts
5..15 deg, the model shown the body head-right as the pipeline does; pan:
1.67 x raw - 2.6 deg, tilt: 0.69 x raw - 1.0 deg). Leaving each camera set-up
and side out of the fit in turn, the pan estimate was off by 3.0 deg (worst
7.4 deg); on the 8 held-out clips 3.4 deg (worst 5.5 deg); tilt 1.2 deg
(worst 3.4 deg), held out 1.6 deg (worst 4.7 deg).

**The pan also bends the angles the pose model reads.** Viewed from towards
the head, it reads a flexed hip as less flexed; from towards the feet, more:
on the benchmark the peak thigh and trunk-thigh angles were off by about
-0.40 % of the angle per degree of pan (the same for both), far more than the
projection alone explains (0.4-2 deg). :func:`flexion_scale` undoes that
(``CameraOffset.flexion_scale``). Fitted on the 28 main clips (both peaks
pooled), applied to the 8 held-out clips: peak thigh MAE 4.9 -> 2.2 deg,
trunk-thigh 4.2 -> 3.5 deg; refitted leaving each set-up out, 6.2 -> 2.9 and
6.1 -> 3.6 deg (``bench/last_accuracy_run.txt``, "pan correction"). It is
learnt on rendered bodies: real-clip validation is still to come.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiprom.skeleton import JOINTS

__all__ = [
    "PAN_CORRECTION_MAX_DEG",
    "PAN_FLEXION_SLOPE_PER_DEG",
    "PAN_GAIN",
    "SQUARE_MAX_PAN_DEG",
    "TILT_GAIN",
    "CameraOffset",
    "estimate_camera_offset",
    "flexion_scale",
    "off_square",
]

PAN_GAIN, PAN_OFFSET_DEG = 1.67, -2.6  # fitted: true pan = gain * raw trunk depth slope + offset
TILT_GAIN, TILT_OFFSET_DEG = 0.69, -1.0  # fitted: true tilt = gain * raw + offset
#: mean and worst error of the estimate, leave-one-camera-out on the benchmark (deg)
PAN_ERROR_DEG, PAN_ERROR_MAX_DEG = 3.0, 7.4
TILT_ERROR_DEG, TILT_ERROR_MAX_DEG = 1.2, 3.4

#: the pose model's flexion error per degree of pan, as a fraction of the angle (fitted on the benchmark's
#: peak thigh and trunk-thigh angles: measured - true = slope * pan * measured)
PAN_FLEXION_SLOPE_PER_DEG = -0.0040
#: the pans the slope was fitted over; beyond them the correction is not extrapolated
PAN_CORRECTION_MAX_DEG = 25.0

#: an estimated pan within this counts as square-on. Uncorrected, the benchmark's thigh-angle error
#: doubled from pan 0 to pan 10 deg; with the pan correction the onset still errs almost twice as much
#: beyond this (5.9 deg MAE) as within it (3.5 deg), and the correction leans on the pan estimate.
SQUARE_MAX_PAN_DEG = 8.0

_SHOULDERS, _HIPS = JOINTS["shoulder"], JOINTS["hip"]


def off_square(pan_deg: float | None) -> bool:
    """True when an estimated pan is known and beyond ``SQUARE_MAX_PAN_DEG``."""
    return pan_deg is not None and bool(np.isfinite(pan_deg)) and abs(pan_deg) > SQUARE_MAX_PAN_DEG


@dataclass(frozen=True)
class CameraOffset:
    """The phone's estimated offset from the square side-on view, degrees (NaN if unseen)."""

    pan_deg: float  # + towards the head, - towards the feet
    tilt_deg: float  # + above the table looking down

    @property
    def off_square(self) -> bool:
        return off_square(self.pan_deg)

    @property
    def square_on(self) -> bool:
        """The pan is known and within ``SQUARE_MAX_PAN_DEG``."""
        return bool(np.isfinite(self.pan_deg)) and not self.off_square

    @property
    def flexion_scale(self) -> float:
        """See :func:`flexion_scale`."""
        return flexion_scale(self.pan_deg)


def flexion_scale(pan_deg: float) -> float:
    """Factor that undoes the pose model's pan-dependent flexion error (1.0 when the pan is unknown).

    Multiply a thigh or trunk-thigh angle read at this estimated pan by it:
    ``1 - PAN_FLEXION_SLOPE_PER_DEG * pan``, the pan clipped to
    +-``PAN_CORRECTION_MAX_DEG`` (1.04 at 10 deg towards the head, 0.96 at 10
    deg towards the feet).
    """
    if pan_deg is None or not np.isfinite(pan_deg):
        return 1.0
    pan = float(np.clip(pan_deg, -PAN_CORRECTION_MAX_DEG, PAN_CORRECTION_MAX_DEG))
    return 1.0 - PAN_FLEXION_SLOPE_PER_DEG * pan


def estimate_camera_offset(world_m: np.ndarray, visibility: np.ndarray, min_visibility: float = 0.5):
    """Pan and tilt of the camera from still-pose 3D landmarks.

    Parameters
    ----------
    world_m : (n_frames, 33, 3) array
        The pose model's metric landmarks over still frames (camera-aligned
        axes: x right, y down, z away from the camera).
    visibility : (n_frames, 33) array
        Landmarks below ``min_visibility`` are ignored.

    Returns
    -------
    CameraOffset
        NaN angles when the shoulders or hips are not seen.
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
    return CameraOffset(
        float(PAN_GAIN * raw_pan + PAN_OFFSET_DEG), float(TILT_GAIN * raw_tilt + TILT_OFFSET_DEG)
    )


def _median_rows(v: np.ndarray) -> np.ndarray:
    """Median of the fully finite rows of ``(n, 3)`` (NaN if none)."""
    ok = np.isfinite(v).all(axis=1)
    return np.median(v[ok], axis=0) if ok.any() else np.full(v.shape[1], np.nan)
