"""Onset of excess posterior pelvic tilt (lumbar borrowing) on a time series.

The definition (:mod:`hiprom.kinematics.tilt_onset`, shared with the
synthetic truth) applied to a measured rep: the baseline SD comes from the
still period before the movement, and the onset gets an interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiprom.analysis.events import Baseline, Rep
from hiprom.analysis.hinge import fit_hinge
from hiprom.kinematics.filtering import interpolate_gaps, lowpass, runs
from hiprom.kinematics.pelvis import normal_posterior_tilt_deg
from hiprom.kinematics.tilt_onset import OnsetConfig, excess_tilt_deg, first_sustained

__all__ = [
    "CardGap",
    "card_gap",
    "card_tilts",
    "early_raise_baseline",
    "find_onset",
    "judge_borrowing",
    "peak_tilt_read",
    "relative_tilt",
    "unseen_card",
    "widen",
]


def peak_tilt_read(time_s, tilt, rep: Rep, cfg: OnsetConfig) -> float | None:
    """The rep's largest tilt from baseline, or None when the card went unread for ``min_duration_s``
    or more between the start of the raise and the end of the hold (the peak may have been hidden)."""
    part = _raise_and_hold(rep)
    if _first_long_stretch(time_s[part], ~np.isfinite(tilt[part]), cfg.min_duration_s) is not None:
        return None
    window = tilt[rep.start_frame : rep.end_frame + 1]
    read = window[np.isfinite(window)]
    return float(read.max()) if read.size else None


@dataclass(frozen=True)
class CardGap:
    """The first stretch of a raise where the pelvis card was not read."""

    start_s: float
    hidden_s: float
    lift_deg: float  # the thigh's lift from its rest when the card was lost (NaN: unknown)


def card_gap(time_s, tilt, lift, rep: Rep, borrowing_hip_deg: float, cfg: OnsetConfig) -> CardGap | None:
    """Where the card went unread over the part of ``rep`` that decides the finding, or None.

    ``tilt`` is ``(n_frames,)`` tilt from baseline, NaN where the card was not read (gaps up to
    0.5 s are already bridged); ``lift`` the thigh's lift from its rest. The deciding part is the
    raise and hold up to the lift where even a normal pelvis puts the hip past the borrowing cut
    (the cut plus the normal tilt there plus the onset threshold): an onset below the cut would
    show there, so a card unread there leaves the finding open.
    """
    part = _raise_and_hold(rep)
    t, seen, up = time_s[part], np.isfinite(tilt[part]), np.asarray(lift, float)[part]
    deciding = borrowing_hip_deg + float(normal_posterior_tilt_deg(borrowing_hip_deg)) + cfg.min_threshold_deg
    # a stretch shorter than an onset lasts hides none
    stretch = _first_long_stretch(t, ~seen & ~(up > deciding), cfg.min_duration_s)
    if stretch is None:
        return None
    start, hidden_s = stretch
    return CardGap(float(t[start]), hidden_s, float(up[start]))


def _raise_and_hold(rep: Rep) -> slice:
    return slice(rep.start_frame, max(rep.peak_frame, rep.hold_stop_frame) + 1)


def _first_long_stretch(t: np.ndarray, mask: np.ndarray, min_s: float) -> tuple[int, float] | None:
    """``(first index, seconds)`` of the first run of ``mask`` lasting ``min_s`` (to the frame after it,
    or the last frame), or None."""
    for start, stop in runs(mask):
        end_s = t[stop] if stop < t.size else t[-1]
        if end_s - t[start] >= min_s - 1e-9:
            return int(start), float(end_s - t[start])
    return None


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


#: a card unread at rest takes its resting angle from its reads over this first part of the raise
EARLY_LIFT_DEG = 40.0
EARLY_MIN_FRAMES = 6


def early_raise_baseline(tilt_read: np.ndarray, lift_deg: np.ndarray, rep: Rep) -> tuple[float, float] | None:
    """The card's resting angle when it was not read at rest (a hand or the arm over it), or None.

    Taken from the card's reads over the first :data:`EARLY_LIFT_DEG` of the thigh's lift in
    ``rep``'s raise, each less the normal gradual tilt there (:func:`normal_posterior_tilt_deg`,
    0.5-2 deg): an onset of borrowing before that much hip flexion would be taken for the rest.
    ``tilt_read``: ``(n_frames,)`` the card's oriented angle, NaN where not read; ``lift_deg``: the
    thigh's lift from its rest. Returns ``(angle at rest, its SD)`` from at least
    :data:`EARLY_MIN_FRAMES` reads, else None.
    """
    part = slice(rep.start_frame, rep.peak_frame + 1)
    tilt, lift = np.asarray(tilt_read, float)[part], np.asarray(lift_deg, float)[part]
    early = np.isfinite(tilt) & np.isfinite(lift) & (lift < EARLY_LIFT_DEG)
    if early.sum() < EARLY_MIN_FRAMES:
        return None
    rest = tilt[early] - normal_posterior_tilt_deg(np.maximum(lift[early], 0.0))
    return float(np.median(rest)), float(np.std(rest))


def find_onset(
    time_s, hip, tilt, thigh, rep: Rep, sd: float, cfg: OnsetConfig, error_range: tuple[float, float]
) -> dict:
    """The onset of excess tilt during the raise of ``rep``, with an interval.

    ``hip``, ``tilt`` and ``thigh`` are ``(n_frames,)`` degrees (femur on
    pelvis, tilt from baseline, thigh against the table); ``sd`` the baseline
    noise; ``error_range`` the onset's measured error range ``(most under-read,
    most over-read)``, signed measured - true (deg). *Whether* there is an onset
    is the shared rule's call (the excess stays above the threshold); *where*
    is the hinge fitted over the whole raise (:mod:`hiprom.analysis.hinge`),
    with its bootstrap interval; with too few frames for a fit, the rule's own
    first crossing (interval: the crossings of the threshold +- max(sd, 1 deg)).
    The bootstrap covers the fit's noise on the hip angle as read; the pose
    model's error in reading it is not noise but a per-clip bias, so the
    interval is extended by the error range: down by the largest over-read,
    up by the largest under-read (:func:`widen`).
    Returns ``dict(hip, thigh, time, ci, excess, threshold)``: the first four ``None``
    without an onset; ``excess`` the largest excess tilt over the raise and hold, against
    ``threshold``.
    """
    # the raise and the hold: a pelvis that goes on rolling once the thigh stops is the same borrowing
    raise_part = _raise_and_hold(rep)
    excess = excess_tilt_deg(tilt, hip)[raise_part]
    t = time_s[raise_part]
    threshold = cfg.threshold_deg(sd)
    idx = first_sustained(t, excess > threshold, cfg.min_duration_s)
    peak_excess = float(np.nanmax(excess)) if np.isfinite(excess).any() else np.nan
    if idx < 0:
        return dict(hip=None, thigh=None, time=None, ci=None, excess=peak_excess, threshold=threshold)
    hips, thighs = hip[raise_part], thigh[raise_part]
    lift = hips + tilt[raise_part]  # the thigh's lift from rest: it keeps rising past a stiff hip's hinge
    fit = fit_hinge(lift, excess)
    if fit is not None and fit.lift_deg <= lift[idx] + 1.0:  # the hinge lies before the rule fired
        at = _crossing(lift, fit.lift_deg)
        lo, hi = _crossing(lift, fit.lift_lo_deg), _crossing(lift, fit.lift_hi_deg)
        ci_lo, ci_hi = _value_at(hips, lo), _value_at(hips, hi)
        return dict(hip=_value_at(hips, at), thigh=_value_at(thighs, at), time=_value_at(t, at),
                    ci=widen(ci_lo, ci_hi, error_range), excess=peak_excess,
                    threshold=threshold)  # fmt: skip
    # too few frames for a fit (or a fit that disagrees with the rule): the rule's own timing
    spread = max(sd if np.isfinite(sd) else 0.0, 1.0)  # at least 1 deg: the marker's own resolution
    lo = first_sustained(t, excess > threshold - spread, cfg.min_duration_s)
    hi = first_sustained(t, excess > threshold + spread, cfg.min_duration_s)
    ci_lo = float(hips[lo]) if lo >= 0 else float(hips[idx])
    ci_hi = float(hips[hi]) if hi >= 0 else float(np.nanmax(hips))
    return dict(hip=float(hips[idx]), thigh=float(thighs[idx]), time=float(t[idx]),
                ci=widen(ci_lo, ci_hi, error_range), excess=peak_excess,
                threshold=threshold)  # fmt: skip


def widen(lo: float, hi: float, error_range: tuple[float, float]) -> tuple[float, float]:
    """The interval ``(lo, hi)`` of an angle as read, extended by the reading's error range.

    ``error_range`` is ``(most under-read, most over-read)``, signed measured - true: a reading
    that may be up to ``over`` high puts the truth up to ``over`` below it, so the lower end moves
    down by the over-read and the upper end up by the under-read (neither end moves inwards).
    """
    under, over = error_range
    return min(lo, hi) - max(over, 0.0), max(lo, hi) + max(-under, 0.0)


def _crossing(lift: np.ndarray, value: float) -> float:
    """The fractional index where ``lift`` first reaches ``value`` (0 if it starts above)."""
    above = np.flatnonzero(np.nan_to_num(lift, nan=-np.inf) >= value)
    if above.size == 0:
        return float(lift.size - 1)
    k = int(above[0])
    if k == 0 or not np.isfinite(lift[k - 1]):
        return float(k)
    return k - 1 + float(np.clip((value - lift[k - 1]) / (lift[k] - lift[k - 1]), 0.0, 1.0))


def _value_at(values: np.ndarray, index: float) -> float:
    """``values`` linearly interpolated at a fractional index (finite neighbours only)."""
    k = int(np.floor(index))
    w = index - k
    if w == 0 or k + 1 >= values.size or not np.isfinite(values[k + 1]):
        return float(values[min(k, values.size - 1)])
    return float(values[k] + w * (values[k + 1] - values[k]))


def judge_borrowing(
    onset: dict, peak_thigh: float, peak_tilt: float, sd: float, borrowing_hip_deg: float, has_baseline: bool
) -> tuple[bool | None, str | None, list[str]]:
    """Lumbar borrowing (onset below ``borrowing_hip_deg``), the confidence and the reasons."""
    if onset["hip"] is None:
        if np.isfinite(onset.get("excess", np.nan)) and onset["excess"] > onset.get("threshold", np.inf):
            # tilt above the normal curve, too briefly to time an onset: not a "no"
            reasons = [
                f"lumbar borrowing not assessed: the pelvis tilted {onset['excess']:.0f} deg beyond the "
                "normal gradual curve too briefly to time an onset; hold the raise 1-2 s and repeat"
            ]
            return None, None, reasons
        reasons = [f"no posterior tilt above the normal gradual curve (peak tilt {peak_tilt:.0f} deg "
                   f"over {peak_thigh:.0f} deg of thigh lift)"]  # fmt: skip
        return False, ("high" if has_baseline and sd < 1.0 else "moderate"), reasons
    borrowing = onset["hip"] < borrowing_hip_deg
    lo, hi = onset["ci"]
    margin = min(abs(lo - borrowing_hip_deg), abs(hi - borrowing_hip_deg))
    straddles = lo < borrowing_hip_deg < hi
    if straddles and not borrowing:  # a "no" claims the hip reached the cut-off: its interval must say so
        why = (
            f"lumbar borrowing not assessed: the pelvis began tilting at {onset['hip']:.0f} deg hip "
            f"flexion, but the onset's interval ({lo:.0f}-{hi:.0f} deg) reaches below the "
            f"{borrowing_hip_deg:.0f} deg cut-off, so a stiff hip is not ruled out; repeat the raise "
            "slowly with the card in full view"
        )
        return None, None, [why]
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


def unseen_card(gap: CardGap | None, sd: float, onset: dict, borrowing, confidence, reasons: list[str]):
    """Not seen is never "no": a card unread at rest, or over the deciding part of the raise with no
    onset before the gap, leaves the finding not assessed; a gap before an onset found lowers it."""
    if not np.isfinite(sd):
        why = (
            "lumbar borrowing not assessed: the pelvis card was not read during the rest before this rep "
            f"nor over the first {EARLY_LIFT_DEG:.0f} deg of the raise (hidden by a hand or the arm?), so "
            "its tilt has no baseline; keep the arms off the card"
        )
        return None, None, [why]
    if gap is None:
        return borrowing, confidence, reasons
    where = f"from {gap.lift_deg:.0f} deg of thigh lift" if np.isfinite(gap.lift_deg) else ""
    hidden = (f"the pelvis card was not read {where} on, for {gap.hidden_s:.1f} s (at {gap.start_s:.1f} s; "
              "hidden by the raised thigh or a hand? a card only followed by image alignment does not answer "
              "'no')")  # fmt: skip
    if onset["hip"] is None or (onset["time"] is not None and onset["time"] > gap.start_s):
        if onset["hip"] is None:
            return None, None, [f"lumbar borrowing not assessed: {hidden}: the onset is not measurable; "
                                "place the card where the thigh does not cover it and repeat"]  # fmt: skip
        return borrowing, "low", [*reasons, f"{hidden}: the pelvis may have begun tilting earlier"]
    return borrowing, confidence, reasons


def card_tilts(time_s, tilt_ccw_deg, tilt_followed, up_sign: float, cfg):
    """``(tilt, tilt_read)`` oriented and filtered: with the followed frames, and without; or None."""
    if tilt_ccw_deg is None:
        return None
    oriented = np.asarray(tilt_ccw_deg, float) * up_sign
    tilt = lowpass(interpolate_gaps(oriented, time_s, 0.5), time_s, cfg.cutoff_hz)
    if tilt_followed is None or not np.any(tilt_followed):
        return tilt, tilt
    read = np.where(np.asarray(tilt_followed, bool), np.nan, oriented)
    return tilt, lowpass(interpolate_gaps(read, time_s, 0.5), time_s, cfg.cutoff_hz)
