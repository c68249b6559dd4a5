"""A clinician's correction of a measured onset: the numbers recomputed at the moment they chose.

Pure numpy: a rep's per-frame series in (as ``frames.csv`` holds them), the
onset's numbers at the chosen time out. The measured onset is kept beside it
by the store; this module only reads the series at one frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiprom.errors import BadInputError

__all__ = ["OnsetCorrection", "onset_at"]


@dataclass(frozen=True)
class OnsetCorrection:
    """The onset placed by a clinician, and what follows from it.

    Attributes
    ----------
    time_s : float
        The frame chosen (the nearest frame to the time asked for).
    hip_flexion_deg : float
        The hip's own flexion (femur on pelvis, thigh - rest - tilt) at that frame.
    thigh_angle_deg : float
        The thigh against the table at that frame.
    tilt_from_rest_deg : float
        The pelvis's posterior tilt from the rep's rest at that frame (NaN: unknown).
    borrowing : bool
        The onset came before ``cut_deg`` of hip flexion: early posterior tilt.
    """

    time_s: float
    hip_flexion_deg: float
    thigh_angle_deg: float
    tilt_from_rest_deg: float
    borrowing: bool


def onset_at(
    time_s: np.ndarray,
    hip_flexion_deg: np.ndarray,
    thigh_angle_deg: np.ndarray,
    tilt_from_rest_deg: np.ndarray,
    onset_time_s: float,
    rep_window_s: tuple[float, float],
    cut_deg: float,
) -> OnsetCorrection:
    """The onset's numbers at the frame nearest ``onset_time_s`` within one rep.

    Parameters
    ----------
    time_s : (n_frames,) array
        Frame times, seconds, increasing.
    hip_flexion_deg, thigh_angle_deg, tilt_from_rest_deg : (n_frames,) arrays
        The rep's side: hip flexion on the pelvis, thigh against the table, tilt from the rep's
        rest (NaN where not measured).
    onset_time_s : float
        The moment the clinician saw the pelvis begin to tilt.
    rep_window_s : (start_s, end_s)
        The rep; an onset outside it is refused.
    cut_deg : float
        Hip flexion below which an onset is early posterior tilt (lumbar borrowing).

    Raises
    ------
    BadInputError
        The time is not a number or lies outside the rep, or the hip's flexion on the pelvis is not
        known at that frame (the card was not read or followed there).
    """
    time_s = np.asarray(time_s, float)
    start_s, end_s = rep_window_s
    if not np.isfinite(onset_time_s) or not start_s <= onset_time_s <= end_s:
        raise BadInputError(
            f"the onset must lie within the rep, from {start_s:.2f} s to {end_s:.2f} s", option="onset"
        )
    frame = int(np.argmin(np.abs(time_s - onset_time_s)))
    hip = float(np.asarray(hip_flexion_deg, float)[frame])
    if not np.isfinite(hip):
        raise BadInputError(
            f"the hip's flexion on the pelvis is not known at {time_s[frame]:.2f} s (the pelvis card was "
            "not read there): choose a moment where it was",
            option="onset",
        )
    return OnsetCorrection(
        time_s=float(time_s[frame]),
        hip_flexion_deg=hip,
        thigh_angle_deg=float(np.asarray(thigh_angle_deg, float)[frame]),
        tilt_from_rest_deg=float(np.asarray(tilt_from_rest_deg, float)[frame]),
        borrowing=bool(hip < cut_deg),
    )
