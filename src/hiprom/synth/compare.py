"""Line up what the pipeline measured with a synthetic clip's truth (no torch needed).

Used by ``bench/accuracy.py`` and the notebooks, so the comparison lives in
one place. Until the knee-to-chest analysis lands, the "measured" angles are
the raw-landmark angles of :mod:`hiprom.kinematics.angles` (no filtering, no
table-line estimate).
"""

from __future__ import annotations

import numpy as np

from hiprom.kinematics.angles import flexion_from_straight_deg, segment_angle_deg
from hiprom.landmarks import LandmarkSeries

__all__ = ["JOINTS_2D", "joint_errors_px", "raw_knee_to_chest_angles"]

JOINTS_2D = ("hip", "knee", "ankle", "shoulder")


def joint_errors_px(series: LandmarkSeries, truth: dict[str, np.ndarray], side: str) -> dict[str, np.ndarray]:
    """Per-frame distance (px) between each tested-side landmark and its true joint centre."""
    out = {}
    for joint in JOINTS_2D:
        measured = series.point(f"{side}_{joint}")
        true = np.stack([truth[f"{joint}_{side}_x_px"], truth[f"{joint}_{side}_y_px"]], axis=1)
        out[joint] = np.linalg.norm(measured - true, axis=1)
    return out


def raw_knee_to_chest_angles(series: LandmarkSeries, side: str) -> dict[str, np.ndarray]:
    """Thigh vs the image horizontal and trunk-thigh angle from raw landmarks, degrees.

    The thigh angle is measured from the image horizontal pointing towards
    the feet (found as the side of the hip away from the shoulder), positive
    when the knee rises; it assumes a level phone (no roll).
    """
    hip, knee, shoulder = (series.point(f"{side}_{j}") for j in ("hip", "knee", "shoulder"))
    feet = np.sign(np.nanmedian(hip[:, 0] - shoulder[:, 0]))
    # segment_angle_deg is counter-clockwise on screen; with the feet to the left, "up" is clockwise
    thigh = segment_angle_deg(hip, knee, [feet, 0.0]) * feet
    return {"thigh_vs_table_deg": thigh, "trunk_thigh_deg": flexion_from_straight_deg(shoulder, hip, knee)}
