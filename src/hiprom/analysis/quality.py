"""Quality gates on one rep: warnings a clinician can act on (pure numpy)."""

from __future__ import annotations

import numpy as np

from hiprom.analysis.camera import benchmarked_view, off_square
from hiprom.analysis.events import Rep
from hiprom.calibration import DEFAULT, Calibration

__all__ = ["camera_offset_warnings", "rep_quality_warnings"]


def rep_quality_warnings(
    time_s: np.ndarray,
    thigh_deg: np.ndarray,
    chain_px: np.ndarray,
    chain_visibility: np.ndarray,
    rep: Rep,
    image_size_px: tuple[int, int] | None,
    *,
    max_step_deg: float = 6.0,
    max_outside_fraction: float = 0.1,
    min_visibility: float = 0.6,
    segment: str = "thigh",
    body_part: str = "the tested leg or trunk",
) -> list[str]:
    """Warnings for one rep.

    Parameters
    ----------
    time_s, thigh_deg : (n_frames,) arrays
        Time and the moving segment's angle (named ``segment`` in the messages).
    chain_px : (n_frames, k, 2) array
        The landmarks that must stay in view, e.g. the tested side's shoulder,
        hip, knee and ankle (raw landmarks, NaN = unseen).
    chain_visibility : (n_frames, k) array
    rep : Rep
    image_size_px : (width, height) or None

    Returns
    -------
    list of str
        Too fast for the frame rate (the thigh turns more than ``max_step_deg``
        between frames); the leg out of frame or unseen in more than
        ``max_outside_fraction`` of the rep; low landmark visibility.
    """
    warnings: list[str] = []
    window = slice(rep.start_frame, rep.end_frame + 1)
    steps = np.abs(np.diff(thigh_deg[window]))
    if steps.size and np.nanmax(steps) > max_step_deg:
        fps = 1.0 / np.median(np.diff(time_s))
        warnings.append(
            f"movement too fast for {fps:.0f} fps: the {segment} turned up to {np.nanmax(steps):.0f} deg "
            "between frames; move more slowly or film at 60 fps"
        )
    pts = chain_px[window]
    unseen = ~np.isfinite(pts).all(axis=(1, 2))
    if image_size_px is not None:
        w, h = image_size_px
        with np.errstate(invalid="ignore"):
            outside = ((pts[..., 0] < 0) | (pts[..., 0] > w) | (pts[..., 1] < 0) | (pts[..., 1] > h)).any(
                axis=1
            )
        unseen |= outside
    if unseen.mean() > max_outside_fraction:
        warnings.append(
            f"{body_part} was out of frame or not found in {100 * unseen.mean():.0f}% "
            "of the rep; keep the whole body, head included, in frame"
        )
    vis = np.nanmean(chain_visibility[window])
    if np.isfinite(vis) and vis < min_visibility:
        warnings.append(f"low landmark visibility ({vis:.2f}): light the body evenly, wear tight clothing")
    return warnings


def camera_offset_warnings(
    pan_deg: float, tilt_deg: float, *, max_tilt_deg: float = 20.0, cal: Calibration = DEFAULT
) -> list[str]:
    """Warnings for a phone estimated off the square side-on view (see :mod:`hiprom.analysis.camera`).

    Off square = beyond the calibration's ``square_max_pan_deg`` of pan. Tilt
    changes the sagittal angles little (``cos`` of the tilt) until the phone is
    well above the table. Beyond the cameras the benchmark covered, the errors
    are not benchmarked for this view. Every figure is the pose model's (``cal``).
    """
    warnings = []
    est = cal.camera_estimate_error_deg
    pan_err, tilt_err = est["pan"][0], est["tilt"][0]
    if off_square(pan_deg, cal):
        towards = "head" if pan_deg > 0 else "feet"
        square, anycam = cal.k2c_error_deg["square-on"]["thigh"], cal.k2c_error_deg["any camera"]["thigh"]
        warnings.append(
            f"the phone is about {abs(pan_deg):.0f} deg off square to the body's side, turned towards the "
            f"{towards} (estimate +-{pan_err:.0f} deg): off square the benchmark's thigh angle erred "
            f"{anycam[0]} deg (worst {anycam[1]}) against {square[0]} (worst {square[1]}) square-on; "
            "face the hip square-on"
        )
    if not benchmarked_view(pan_deg, tilt_deg, cal):
        (pan_lo, pan_hi), tilt_hi = cal.benchmarked_pan_deg, cal.benchmarked_tilt_deg[1]
        warnings.append(
            f"the phone (pan about {pan_deg:.0f} deg, tilt {tilt_deg:.0f} deg) stood outside the cameras "
            f"the benchmark covered (pan {pan_lo:g} to {pan_hi:g} deg, tilt "
            f"up to {tilt_hi:g} deg): the angles' errors are not benchmarked for this view"
        )
    if np.isfinite(tilt_deg) and tilt_deg > max_tilt_deg:
        warnings.append(
            f"the phone looks down on the body from about {tilt_deg:.0f} deg above the table "
            f"(estimate +-{tilt_err:.0f} deg); lower it to hip height"
        )
    return warnings
