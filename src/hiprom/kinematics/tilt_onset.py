"""The onset of excess posterior pelvic tilt: the definition the analysis and the synthetic truth share.

Definition (defaults configurable; clinical notes, "onset detection that labs
use"): the *excess tilt* is posterior tilt minus the normal gradual tilt at
the same hip flexion (:func:`hiprom.kinematics.pelvis.normal_posterior_tilt_deg`,
after Takei et al. 2002); the onset is the first frame from which the excess
stays above ``max(k_sd x baseline SD, min_threshold_deg)`` (3 x SD, 3 deg) for
at least ``min_duration_s`` (0.3 s).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiprom.kinematics.filtering import runs
from hiprom.kinematics.pelvis import normal_posterior_tilt_deg

__all__ = ["OnsetConfig", "excess_tilt_deg", "first_sustained"]


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
