"""Events of a repeated raise-hold-return movement on an angle time series.

Pure numpy over ``(n_frames,)`` series (time first, NaN for missing). The
knee-to-chest analysis runs these on the thigh angle; each function returns
new frozen objects and never changes its input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiprom.kinematics.filtering import runs

__all__ = ["Baseline", "Rep", "detect_baseline", "detect_reps"]


@dataclass(frozen=True)
class Baseline:
    """A still period before the first movement."""

    start_frame: int
    stop_frame: int  # exclusive
    start_s: float
    stop_s: float
    value: float  # median angle
    sd: float  # standard deviation of the angle (noise)


@dataclass(frozen=True)
class Rep:
    """One raise-hold-return cycle (frames are indices into the series; stop is inclusive)."""

    start_frame: int  # start of the raise
    peak_frame: int
    hold_start_frame: int
    hold_stop_frame: int
    end_frame: int  # back down
    start_s: float
    peak_s: float
    end_s: float
    peak_value: float


def _speed(time_s: np.ndarray, angle: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.abs(np.gradient(angle, time_s))


def detect_baseline(
    time_s: np.ndarray,
    angle: np.ndarray,
    *,
    max_speed_deg_s: float = 8.0,
    min_duration_s: float = 1.0,
    before_frame: int | None = None,
    after_frame: int = 0,
    max_angle: float | None = None,
) -> Baseline | None:
    """The longest still stretch (angular speed below ``max_speed_deg_s``) in ``[after_frame, before_frame)``.

    ``max_angle``: only frames at or below it count (a still hold of a raise
    is not a rest). Returns ``None`` when no still stretch lasts ``min_duration_s``.
    """
    time_s = np.asarray(time_s, float)
    angle = np.asarray(angle, float)
    end = angle.size if before_frame is None else max(0, before_frame)
    still = _speed(time_s, angle) < max_speed_deg_s
    if max_angle is not None:
        with np.errstate(invalid="ignore"):
            still &= angle <= max_angle
    still[: max(0, after_frame)] = False
    still = still[:end]
    best = None
    for start, stop in runs(still):
        duration = time_s[stop - 1] - time_s[start]
        if duration >= min_duration_s - 1e-9 and (best is None or duration > best[2]):
            best = (start, stop, duration)
    if best is None:
        return None
    start, stop, _ = best
    window = angle[start:stop]
    return Baseline(int(start), int(stop), float(time_s[start]), float(time_s[stop - 1]),
                    float(np.nanmedian(window)), float(np.nanstd(window)))  # fmt: skip


def _bridge_nan(angle: np.ndarray) -> np.ndarray:
    """Linear fill of NaN between finite samples (for event timing only)."""
    good = np.isfinite(angle)
    if good.all() or good.sum() < 2:
        return angle
    idx = np.arange(angle.size)
    filled = np.interp(idx, idx[good], angle[good])
    inside = (idx > idx[good][0]) & (idx < idx[good][-1])
    return np.where(good | ~inside, angle, filled)


def detect_reps(
    time_s: np.ndarray,
    angle: np.ndarray,
    rest_value: float,
    *,
    min_excursion_deg: float = 30.0,
    start_margin_deg: float = 5.0,
    hold_tolerance_deg: float = 5.0,
) -> list[Rep]:
    """Raise-hold-return cycles of ``angle`` away from ``rest_value``.

    A rep is a stretch above ``rest_value + min_excursion_deg / 2`` whose peak
    reaches ``rest_value + min_excursion_deg``; it starts at the last frame
    before it within ``start_margin_deg`` of rest and ends at the first frame
    after it back within that margin. The hold is the stretch around the peak
    within ``hold_tolerance_deg`` of it.
    """
    time_s = np.asarray(time_s, float)
    angle = _bridge_nan(np.asarray(angle, float))
    lifted = np.nan_to_num(angle - rest_value, nan=-np.inf)
    near_rest = lifted <= start_margin_deg
    reps: list[Rep] = []
    for start, stop in runs(lifted > min_excursion_deg / 2):
        peak = start + int(np.argmax(lifted[start:stop]))
        if lifted[peak] < min_excursion_deg:
            continue
        before = np.flatnonzero(near_rest[:start])
        after = np.flatnonzero(near_rest[stop:])
        first = int(before[-1]) if before.size else 0
        last = int(stop + after[0]) if after.size else angle.size - 1
        if reps and first < reps[-1].end_frame:
            # no return to rest since the previous stretch: the same rep, peaking twice
            prev = reps.pop()
            first = prev.start_frame
            if lifted[prev.peak_frame] >= lifted[peak]:
                peak = prev.peak_frame
        holding = lifted >= lifted[peak] - hold_tolerance_deg
        hold_runs = runs(holding)
        h0, h1 = next((int(a), int(b) - 1) for a, b in hold_runs if a <= peak < b)
        reps.append(
            Rep(
                first,
                peak,
                h0,
                h1,
                last,
                float(time_s[first]),
                float(time_s[peak]),
                float(time_s[last]),
                float(angle[peak]),
            )
        )
    return reps
