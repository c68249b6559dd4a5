"""The phone's pan and tilt, and the pose model's pan-dependent flexion error undone.

:func:`hiprom.kinematics.camera_view.raw_camera_angles_deg` reads the raw
slopes from the pose model's 3D landmarks; MediaPipe's depth is compressed,
so both are mapped by lines fitted on the synthetic benchmark
(``hiprom.calibration.PAN_MAP`` and ``TILT_MAP``; their errors, in and out of
sample, are ``CAMERA_ESTIMATE_ERROR_DEG``).

**The pan also bends the angles the pose model reads.** Viewed from towards
the head it reads a flexed hip as less flexed; from towards the feet, more:
on the benchmark by ``PAN_FLEXION_SLOPE_PER_DEG`` of the angle per degree of
pan, far more than the projection alone explains. :func:`flexion_scale`
undoes that. Both are learnt on rendered bodies; real-clip validation is
still to come.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hiprom.calibration import DEFAULT, Calibration
from hiprom.kinematics.camera_view import raw_camera_angles_deg

__all__ = ["CameraOffset", "benchmarked_view", "estimate_camera_offset", "flexion_scale", "off_square"]


def off_square(pan_deg: float | None, cal: Calibration = DEFAULT) -> bool:
    """True when an estimated pan is known and beyond the calibration's ``square_max_pan_deg``."""
    return pan_deg is not None and bool(np.isfinite(pan_deg)) and abs(pan_deg) > cal.square_max_pan_deg


def benchmarked_view(pan_deg: float | None, tilt_deg: float | None, cal: Calibration = DEFAULT) -> bool:
    """True when the estimated pan and tilt lie within the cameras the benchmark covered (with the pose
    model ``cal`` was measured with).

    An unknown estimate counts as covered (its result already says so); a
    tilt below the range (the lens at table height) is the ideal view.
    """
    pan_lo, pan_hi = cal.benchmarked_pan_deg
    pan_ok = pan_deg is None or not np.isfinite(pan_deg) or pan_lo <= pan_deg <= pan_hi
    tilt_ok = tilt_deg is None or not np.isfinite(tilt_deg) or tilt_deg <= cal.benchmarked_tilt_deg[1]
    return bool(pan_ok and tilt_ok)


@dataclass(frozen=True)
class CameraOffset:
    """The phone's estimated offset from the square side-on view, degrees (NaN if unseen)."""

    pan_deg: float  # + towards the head, - towards the feet
    tilt_deg: float  # + above the table looking down
    #: the pose model's calibration the estimate and the judgements below use
    calibration: Calibration = field(default=DEFAULT, repr=False, compare=False)

    @property
    def off_square(self) -> bool:
        return off_square(self.pan_deg, self.calibration)

    @property
    def square_on(self) -> bool:
        """The pan is known and within the calibration's ``square_max_pan_deg``."""
        return bool(np.isfinite(self.pan_deg)) and not self.off_square

    @property
    def benchmarked(self) -> bool:
        """See :func:`benchmarked_view`."""
        return benchmarked_view(self.pan_deg, self.tilt_deg, self.calibration)

    @property
    def flexion_scale(self) -> float:
        """See :func:`flexion_scale`."""
        return flexion_scale(self.pan_deg, self.calibration)


def flexion_scale(pan_deg: float | None, cal: Calibration = DEFAULT) -> float:
    """Factor that undoes the pose model's pan-dependent flexion error (1.0 when the pan is unknown).

    Multiply a thigh or trunk-thigh angle read at this estimated pan by it:
    ``1 - slope * pan`` (the calibration's ``pan_flexion_slope_per_deg``), the pan clipped to
    +-``pan_correction_max_deg``.
    """
    if pan_deg is None or not np.isfinite(pan_deg):
        return 1.0
    pan = float(np.clip(pan_deg, -cal.pan_correction_max_deg, cal.pan_correction_max_deg))
    return 1.0 - cal.pan_flexion_slope_per_deg * pan


def estimate_camera_offset(
    world_m: np.ndarray, visibility: np.ndarray, min_visibility: float = 0.5, cal: Calibration = DEFAULT
) -> CameraOffset:
    """Pan and tilt of the camera from still-pose 3D landmarks: the raw slopes of
    :func:`~hiprom.kinematics.camera_view.raw_camera_angles_deg` (same parameters) through the maps
    calibrated for the pose model (``cal``). NaN angles when the shoulders or hips are not seen."""
    raw_pan, raw_tilt = raw_camera_angles_deg(world_m, visibility, min_visibility)
    (pan_gain, pan_offset), (tilt_gain, tilt_offset) = cal.pan_map, cal.tilt_map
    return CameraOffset(
        float(pan_gain * raw_pan + pan_offset), float(tilt_gain * raw_tilt + tilt_offset), cal
    )
