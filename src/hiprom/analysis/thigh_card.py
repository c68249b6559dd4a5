"""The thigh card over one knee-to-chest rep: the femur's lift read from a printed card, not the pose model.

Pure numpy over ``(n_frames,)`` series. The card (``hiprom marker --card thigh``) is strapped on the lateral
thigh, rigid with the femur, so in a side view its in-plane rotation from its angle at rest is the thigh's
lift against the table, as the pelvis card's is the pelvic tilt. The pose model's thigh puts the knee
20-50 px low at deep flexion on the benchmark's clips, and that per-clip bias is most of the onset's error;
the card does not share it. Hip flexion on the pelvis is then the card's lift less the pelvis card's tilt,
counted from the hip's angle at rest (:attr:`KneeToChestConfig.card_rest_hip_deg`).

The card stands for a rep's thigh only when it was read at rest before the rep, is known over
:data:`MIN_KNOWN_SHARE` of the raise, and rose with that thigh (the pose model's lift at the peak agrees
within :func:`_agrees`'s bounds: a card worn on the other leg, or turned away, does not).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiprom.analysis.events import Baseline, Rep

__all__ = ["MIN_KNOWN_SHARE", "ThighCardLift", "card_rest_frames", "thigh_card_lift"]

#: the card must be known (read, or followed between reads) on this share of the raise's frames
MIN_KNOWN_SHARE = 0.9
#: the card's peak lift and the pose model's may differ by this much (deg) or this share of the pose lift,
#: whichever is larger: the pose model's peak thigh erred by up to 14 deg on the benchmark
_AGREE_DEG, _AGREE_SHARE = 20.0, 0.35


@dataclass(frozen=True)
class ThighCardLift:
    """The thigh card over one rep: its lift, or why it does not stand for the thigh (``lift_deg`` None)."""

    lift_deg: np.ndarray | None  # (n_frames,) the card's rotation from its rest angle; NaN where unknown
    known_share: float  # of the raise's frames (NaN: no card)
    note: str | None  # why the card was not used (None when it was)
    rest_frames: np.ndarray | None = None  # the frames its rest angle was taken from
    rest_deg: float | None = None  # that rest angle (the lift is the card's angle less it)


def thigh_card_lift(card_deg: np.ndarray | None, rep: Rep, baseline: Baseline | None,
                    pose_lift_deg: np.ndarray) -> ThighCardLift:  # fmt: skip
    """The thigh card's lift over ``rep``, checked against the pose model's.

    Parameters
    ----------
    card_deg : (n_frames,) array or None
        The thigh card's angle, oriented (positive as the knee rises) and filtered, NaN where unknown;
        None when no thigh card was seen.
    rep : Rep
    baseline : Baseline or None
        The still rest before the rep; None: the card's own steady reading before the raise
        (:func:`card_rest_frames`).
    pose_lift_deg : (n_frames,) array
        The pose model's thigh lift from its rest (deg).
    """
    if card_deg is None:
        return ThighCardLift(None, np.nan, None)
    card = np.asarray(card_deg, float)
    frames = card_rest_frames(card, rep, baseline)
    rest = float(np.median(card[frames])) if frames.size else np.nan
    if not np.isfinite(rest):
        return ThighCardLift(None, np.nan, "the thigh card was not read at rest before this rep: the thigh "
                             "angle is the pose model's")  # fmt: skip
    lift = card - rest
    raising = lift[rep.start_frame : rep.peak_frame + 1]
    known = float(np.isfinite(raising).mean()) if raising.size else 0.0
    if known < MIN_KNOWN_SHARE:
        return ThighCardLift(None, known, f"the thigh card was known over only {100 * known:.0f}% of the "
                             "raise: the thigh angle is the pose model's")  # fmt: skip
    window = slice(rep.start_frame, rep.end_frame + 1)
    card_peak, pose_peak = _peak(lift[window]), _peak(np.asarray(pose_lift_deg, float)[window])
    if not _agrees(card_peak, pose_peak):
        return ThighCardLift(None, known, f"the thigh card turned {card_peak:.0f} deg while this thigh rose "
                             f"{pose_peak:.0f} deg (worn on the other leg, or turned away from the phone?): "
                             "the thigh angle is the pose model's")  # fmt: skip
    return ThighCardLift(lift, known, None, frames, rest)


#: without a still baseline the rest is looked for over this many frames before the raise (1 s at 30 fps),
#: among the card's lowest readings there (within REST_BAND_DEG of their 10th percentile)
REST_WINDOW_FRAMES, REST_BAND_DEG = 30, 2.0


def card_rest_frames(card_deg: np.ndarray, rep: Rep, baseline: Baseline | None) -> np.ndarray:
    """Indices of the frames the thigh card's rest is taken from: the baseline's where it was read;
    without a baseline, its lowest readings in the :data:`REST_WINDOW_FRAMES` before the raise (the pose
    model's thigh can time the raise's start late, when the card has already turned: the frames just
    before it are not all at rest)."""
    card = np.asarray(card_deg, float)
    if baseline is not None:
        idx = np.arange(baseline.start_frame, baseline.stop_frame)
        return idx[np.isfinite(card[idx])]
    idx = np.arange(max(0, rep.start_frame - REST_WINDOW_FRAMES), rep.start_frame + 1)
    idx = idx[np.isfinite(card[idx])]
    if not idx.size:
        return idx
    return idx[card[idx] <= np.percentile(card[idx], 10) + REST_BAND_DEG]


def _peak(values: np.ndarray) -> float:
    return float(np.nanmax(values)) if np.isfinite(values).any() else np.nan


def _agrees(card_peak: float, pose_peak: float) -> bool:
    """The card rose with the thigh: both peaks known and within the larger of the two bounds."""
    if not (np.isfinite(card_peak) and np.isfinite(pose_peak)) or pose_peak <= 0:
        return False
    return abs(card_peak - pose_peak) <= max(_AGREE_DEG, _AGREE_SHARE * pose_peak)
