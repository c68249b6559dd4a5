"""The markerless pelvis cue of one knee-to-chest rep, from the back's outline.

What the raised leg's rep did to the edge of the silhouette under the pelvis
(:mod:`hiprom.kinematics.outline`): its turn against the back and its lift
above the back's line, at the hold, from the still period before the raise.
``bench/markerless.py`` measures how well that separates lumbar borrowing
from a healthy hip on the benchmark; it has not met the targets (held-out
AUC >= 0.9, flags right on >= 90 %; ``docs/knee-to-chest.md``), so hiprom
gives no markerless finding: a rep filmed without the card stays "not
assessed".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hiprom.analysis.events import Baseline, Rep
from hiprom.kinematics.outline import outline_cues
from hiprom.skeleton import pair

__all__ = ["OutlineCue", "rep_outline_cue"]

_MIN_SEEN = 0.5  # a cue needs the outline fitted on at least this share of the rest and of the hold


@dataclass(frozen=True)
class OutlineCue:
    """The outline cue of one rep (NaN: not measurable, ``reason`` says why)."""

    turn_deg: float  # the edge under the pelvis turned against the back's, hold minus rest
    lift: float  # the edge under the pelvis lifted above the back's line, hip-to-shoulder lengths
    rest_sd_deg: float  # the turn's frame-to-frame spread at rest (the cue's noise)
    seen_fraction: float  # share of the hold's frames with both windows of the edge fitted
    reason: str | None = None


def rep_outline_cue(
    outline_px: np.ndarray | None,
    column_x_px: np.ndarray,
    points_px: np.ndarray,
    rep: Rep,
    baseline: Baseline | None,
) -> OutlineCue:
    """The rep's outline cue.

    Parameters
    ----------
    outline_px : (n_frames, n_columns) array or None
        The pose pass's mask edge (``LandmarkSeries.outline_px``).
    column_x_px : (n_columns,) array
    points_px : (n_frames, 33, 2) array
        Landmarks, pixels (the resting hip and shoulder midpoints place the stations).
    rep, baseline
        The rep and the still period before it (:mod:`hiprom.analysis.events`).
    """
    nan = float("nan")
    if outline_px is None:
        return OutlineCue(nan, nan, nan, 0.0, "the pose pass did not take the body's outline")
    if baseline is None:
        return OutlineCue(nan, nan, nan, 0.0, "no still period before the raise to measure the outline from")
    n = outline_px.shape[0]
    rest = np.zeros(n, bool)
    rest[baseline.start_frame : baseline.stop_frame] = True
    hold = np.zeros(n, bool)
    hold[rep.hold_start_frame : rep.hold_stop_frame + 1] = True
    with np.errstate(all="ignore"):
        hip = np.nanmedian(points_px[rest][:, list(pair("hip"))].mean(axis=1), axis=0)
        shoulder = np.nanmedian(points_px[rest][:, list(pair("shoulder"))].mean(axis=1), axis=0)
    if not (np.all(np.isfinite(hip)) and np.all(np.isfinite(shoulder))):
        return OutlineCue(nan, nan, nan, 0.0, "the hips and shoulders were not seen at rest")
    turn, lift = outline_cues(outline_px, column_x_px, hip, shoulder, rest)
    seen_rest = float(np.isfinite(turn[rest]).mean())
    seen = float(np.isfinite(turn[hold]).mean()) if hold.any() else 0.0
    if seen_rest < _MIN_SEEN or seen < _MIN_SEEN:
        return OutlineCue(nan, nan, nan, seen, "the outline under the pelvis and back was not seen at rest "
                          "and at the hold")  # fmt: skip
    with np.errstate(all="ignore"):
        return OutlineCue(
            turn_deg=float(np.nanmedian(turn[hold])),
            lift=float(np.nanmedian(lift[hold])),
            rest_sd_deg=float(np.nanstd(turn[rest])),
            seen_fraction=seen,
        )
