"""Onset of excess posterior pelvic tilt (lumbar borrowing) on a time series.

Definition (defaults configurable):
the *excess tilt* is posterior tilt minus the normal gradual tilt at the same
hip flexion (:func:`hiprom.kinematics.pelvis.normal_posterior_tilt_deg`);
the onset is the first frame from which the excess stays above
``max(k_sd x baseline SD, min_threshold_deg)`` for at least ``min_duration_s``.
The baseline SD comes from the still period before the movement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiprom.analysis.events import Baseline, Rep
from hiprom.kinematics.filtering import runs
from hiprom.kinematics.pelvis import normal_posterior_tilt_deg

__all__ = [
    "OnsetConfig",
    "excess_tilt_deg",
    "find_onset",
    "first_sustained",
    "judge_borrowing",
    "relative_tilt",
]


@dataclass(frozen=True)
class OnsetConfig:
    """Thresholds of the onset definition (see module docstring)."""

    min_threshold_deg: float = 3.0
    k_sd: float = 3.0
    min_duration_s: float = 0.3

    def threshold_deg(self, baseline_sd_deg: float) -> float:
        sd = baseline_sd_deg if np.isfinite(baseline_sd_deg) else 0.0
        return max(self.k_sd * sd, self.min_threshold_deg)


def excess_tilt_deg(tilt_deg: np.ndarray, hip_flexion_deg: np.ndarray) -> np.ndarray:
    """Posterior tilt above the normal curve, ``(n_frames,)``, degrees."""
    return np.asarray(tilt_deg, dtype=float) - normal_posterior_tilt_deg(hip_flexion_deg)


def first_sustained(time_s: np.ndarray, above: np.ndarray, min_duration_s: float) -> int:
    """Index of the first frame from which ``above`` holds for ``min_duration_s``.

    Parameters
    ----------
    time_s : (n_frames,) array
    above : (n_frames,) bool array
    min_duration_s : float

    Returns
    -------
    index : int
        ``-1`` if no run lasts long enough. A run that reaches the end of the
        series counts when it spans ``min_duration_s``.
    """
    time_s = np.asarray(time_s, dtype=float)
    above = np.asarray(above, dtype=bool)
    if not above.any():
        return -1
    starts, stops = runs(above).T
    spans = time_s[stops - 1] - time_s[starts]
    ok = np.flatnonzero(spans >= min_duration_s - 1e-9)
    return int(starts[ok[0]]) if ok.size else -1


def relative_tilt(tilt: np.ndarray, baseline: Baseline | None, rep: Rep) -> tuple[np.ndarray, float]:
    """Tilt relative to the still baseline (or the frames just before the raise) and its noise SD."""
    if baseline is not None:
        ref = tilt[baseline.start_frame : baseline.stop_frame]
    else:
        ref = tilt[max(0, rep.start_frame - 10) : rep.start_frame + 1]
    ref = ref[np.isfinite(ref)]
    if ref.size == 0:
        return tilt - np.nan, np.nan
    return tilt - float(np.median(ref)), float(np.std(ref))


def find_onset(time_s, hip, tilt, thigh, rep: Rep, sd: float, cfg: OnsetConfig, u: float) -> dict:
    """First sustained excess tilt during the raise of ``rep``, with an interval.

    ``hip``, ``tilt`` and ``thigh`` are ``(n_frames,)`` degrees (femur on
    pelvis, tilt from baseline, thigh against the table); ``sd`` the baseline
    noise; ``u`` the hip-angle measurement uncertainty added on both sides of
    the interval (the onsets found with the threshold +- max(sd, 1 deg)).
    Returns ``dict(hip, thigh, time, ci)``, all ``None`` without an onset.
    """
    raise_part = slice(rep.start_frame, rep.peak_frame + 1)
    excess = excess_tilt_deg(tilt, hip)[raise_part]
    t = time_s[raise_part]
    threshold = cfg.threshold_deg(sd)
    idx = first_sustained(t, excess > threshold, cfg.min_duration_s)
    if idx < 0:
        return dict(hip=None, thigh=None, time=None, ci=None)
    spread = max(sd if np.isfinite(sd) else 0.0, 1.0)  # at least 1 deg: the marker's own resolution
    lo = first_sustained(t, excess > threshold - spread, cfg.min_duration_s)
    hi = first_sustained(t, excess > threshold + spread, cfg.min_duration_s)
    hips = hip[raise_part]
    ci_lo = float(hips[lo]) if lo >= 0 else float(hips[idx])
    ci_hi = float(hips[hi]) if hi >= 0 else float(np.nanmax(hips))
    return dict(hip=float(hips[idx]), thigh=float(thigh[raise_part][idx]), time=float(t[idx]),
                ci=(min(ci_lo, ci_hi) - u, max(ci_lo, ci_hi) + u))  # fmt: skip


def judge_borrowing(
    onset: dict, peak_thigh: float, peak_tilt: float, sd: float, borrowing_hip_deg: float, has_baseline: bool
) -> tuple[bool, str, list[str]]:
    """Lumbar borrowing (onset below ``borrowing_hip_deg``), the confidence and the reasons."""
    if onset["hip"] is None:
        reasons = [f"no posterior tilt above the normal gradual curve (peak tilt {peak_tilt:.0f} deg "
                   f"over {peak_thigh:.0f} deg of thigh lift)"]  # fmt: skip
        return False, ("high" if has_baseline and sd < 1.0 else "moderate"), reasons
    borrowing = onset["hip"] < borrowing_hip_deg
    lo, hi = onset["ci"]
    margin = min(abs(lo - borrowing_hip_deg), abs(hi - borrowing_hip_deg))
    straddles = lo < borrowing_hip_deg < hi
    confidence = (
        "low" if straddles or not has_baseline else ("high" if margin >= 5 and sd < 1.0 else "moderate")
    )
    verb = "began" if borrowing else "only began"
    reasons = [
        f"the pelvis {verb} tilting at {onset['hip']:.0f} deg hip flexion "
        f"(healthy >= {borrowing_hip_deg:.0f} deg); {peak_tilt:.0f} deg of the {peak_thigh:.0f} deg "
        "knee-to-chest came from the pelvis and lumbar spine"
    ]
    return bool(borrowing), confidence, reasons
