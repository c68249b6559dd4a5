"""Where the shank turns in a hip-rotation clip: the knee, or the body's proportions when the knee slid.

In every hip-rotation position the femur stays still, so the shank turns
about a fixed point, the knee's centre. MediaPipe's knee point is close to it
on bare legs, but on trousers and leggings it slides down the shank (its
rest shank 54-80 % of the true one on the realistic suite's clothed legs
that read high), and a pivot too close to the ankle inflates every angle
(a 22 deg hold read as 39). The ankle stays accurate. So the pivot is checked
against the shank length the pelvis predicts (the hip-to-hip distance on
screen over :data:`hiprom.calibration.HIP_WIDTH_PER_SHANK`); when the knee
point sits shorter than :data:`hiprom.calibration.KNEE_SLID_FRACTION` of it,
the pivot is placed on the rest shank's line at the predicted length
instead, and the result says so (its stated error is then the clothed
benchmark's). Pure numpy over the rest frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from hiprom.calibration import HIP_WIDTH_PER_SHANK, KNEE_SLID_FRACTION

__all__ = ["ShankPivot", "shank_pivot"]

PivotSource = Literal["knee", "proportions"]


@dataclass(frozen=True)
class ShankPivot:
    """The point the shank is measured about, and why it was chosen."""

    point_px: np.ndarray  # (2,) image position of the pivot
    source: PivotSource  # "knee": the knee point at rest; "proportions": moved along the shank
    knee_shank_px: float  # rest ankle to the knee point
    expected_shank_px: float  # rest shank length the pelvis width predicts (NaN: not predictable)
    hip_width_px: float  # rest hip-to-hip distance on screen (NaN: a hip unseen)

    @property
    def knee_fraction(self) -> float:
        """The knee point's shank over the predicted one (NaN when not predictable)."""
        return self.knee_shank_px / self.expected_shank_px

    def warning(self) -> str | None:
        if self.source == "knee":
            return None
        return (
            f"the knee point sat {100 * (1 - self.knee_fraction):.0f}% short of the shank length the pelvis "
            "width predicts (clothing over the knee?): the shank is measured about a knee placed from the "
            "body's proportions; the clothed-leg error applies (film the shank bare for the best accuracy)"
        )


def shank_pivot(knee_px: np.ndarray, ankle_px: np.ndarray, hips_px: np.ndarray, position: str) -> ShankPivot:
    """The pivot of the shank's rotation from the rest frames.

    Parameters
    ----------
    knee_px, ankle_px : (n_rest, 2) arrays
        The tested leg's knee and ankle over the rest frames (NaN where unseen).
    hips_px : (n_rest, 2, 2) array
        Both hips over the rest frames.
    position : str
        The test position; one without a fitted proportion keeps the knee point.

    Returns
    -------
    ShankPivot
    """
    knee = np.nanmedian(np.asarray(knee_px, float), axis=0)
    ankle = np.nanmedian(np.asarray(ankle_px, float), axis=0)
    widths = np.linalg.norm(np.asarray(hips_px, float)[:, 0] - np.asarray(hips_px, float)[:, 1], axis=-1)
    hip_width = float(np.median(widths[np.isfinite(widths)])) if np.isfinite(widths).any() else np.nan
    knee_shank = float(np.hypot(*(knee - ankle)))
    ratio = HIP_WIDTH_PER_SHANK.get(position)
    expected = hip_width / ratio if ratio else np.nan
    if np.isfinite(expected) and knee_shank > 0 and knee_shank < KNEE_SLID_FRACTION * expected:
        point = ankle + (knee - ankle) * (expected / knee_shank)
        return ShankPivot(point, "proportions", knee_shank, expected, hip_width)
    return ShankPivot(knee, "knee", knee_shank, expected, hip_width)
