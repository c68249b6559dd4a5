"""Marker mode over one knee-to-chest rep: the pelvis card's tilt, the onset, the peak tilt and the finding.

Pure numpy, called by :func:`hiprom.analysis.knee_to_chest.analyze_knee_to_chest` for each rep
when a card was read (see ``docs/knee-to-chest.md``).
"""

from __future__ import annotations

import numpy as np

from hiprom.analysis.events import Rep
from hiprom.analysis.onset import (
    EARLY_LIFT_DEG,
    card_gap,
    early_raise_baseline,
    find_onset,
    judge_borrowing,
    peak_tilt_read,
    relative_tilt,
    unseen_card,
)

__all__ = ["EARLY_BASELINE_NOTE", "THIGH_CARD_NOTE", "marker_finding"]


def marker_finding(time_s, thigh, base_thigh, card, baseline, rep: Rep, camera, peak_thigh: float, cfg,
                   thigh_card: bool = False):  # fmt: skip
    """The card's tilt over one rep: the onset, the peak tilt and the peak hip flexion on the pelvis (None
    when the card was not known through the raise), and the finding.

    ``card`` is ``(tilt, tilt_read)``: the tilt with the followed frames, and with only the frames
    the card was read in (the peak tilt and a "no" answer rest on these). ``thigh_card``: ``thigh``
    is the thigh card's lift from ``base_thigh`` (:mod:`hiprom.analysis.thigh_card`), so hip flexion
    counts from the hip's resting angle (``cfg.card_rest_hip_deg``) with the card's error range."""
    tilt, tilt_read = card
    rel_tilt, sd = relative_tilt(tilt, baseline, rep)
    early = None if np.isfinite(sd) else early_raise_baseline(tilt_read, thigh - base_thigh, rep)
    if early is not None:  # unread at rest (a hand over it): its rest angle from the raise's first reads
        rel_tilt, sd = tilt - early[0], early[1]
    rel_read = tilt_read - (tilt - rel_tilt)  # the same baseline
    if thigh_card:
        rest, error_range = base_thigh - cfg.card_rest_hip_deg, cfg.card_onset_error_range_deg
    else:
        rest = base_thigh if cfg.rest_thigh_deg is None else cfg.rest_thigh_deg
        error_range = cfg.onset_error_range_deg
    hip = (thigh - rest) - rel_tilt
    # the peak, when the card's angle is known (read, or followed between reads) through the raise and hold
    peak_tilt = peak_tilt_read(time_s, rel_tilt, rep, cfg.onset)
    window = hip[rep.start_frame : rep.end_frame + 1]
    peak_hip = float(np.nanmax(window)) if peak_tilt is not None and np.isfinite(window).any() else None
    off_square = camera is not None and camera.off_square
    onset = find_onset(time_s, hip, rel_tilt, thigh, rep, sd, cfg.onset, error_range)
    borrowing, confidence, reasons = judge_borrowing(
        onset, peak_thigh, np.nan if peak_tilt is None else peak_tilt, sd, cfg.borrowing_hip_deg,
        baseline is not None and early is None,
    )  # fmt: skip
    if early is not None and borrowing is not None:
        confidence = "moderate" if confidence == "high" else confidence
        reasons.append(EARLY_BASELINE_NOTE)
    gap = card_gap(time_s, rel_read, thigh - base_thigh, rep, cfg.borrowing_hip_deg, cfg.onset)
    if gap is None and borrowing is None:  # tilting "too briefly", or hidden past the deciding lift?
        gap = card_gap(time_s, rel_read, thigh - base_thigh, rep, np.inf, cfg.onset)
    borrowing, confidence, reasons = unseen_card(gap, sd, onset, borrowing, confidence, reasons)
    if peak_tilt is not None and peak_tilt_read(time_s, rel_read, rep, cfg.onset) is None:
        reasons.append(
            "the peak tilt includes frames where the card was followed by image alignment, not read"
        )
    if onset["time"] is not None and not np.isfinite(rel_read[np.searchsorted(time_s, onset["time"])]):
        confidence = "moderate" if confidence == "high" else confidence
        reasons.append("the onset was timed where the card was followed by image alignment, not read")
    if thigh_card:
        reasons.append(THIGH_CARD_NOTE)
    if off_square and thigh_card:  # the card's lift is not the pose model's: its errors below do not apply
        confidence = "moderate" if confidence == "high" else confidence
        reasons.append(f"the phone was about {abs(camera.pan_deg):.0f} deg off square, so the confidence is "
                       "at most moderate")  # fmt: skip
    elif off_square:
        confidence = "moderate" if confidence == "high" else confidence
        err = cfg.calibration.k2c_error_deg
        anycam, square = err["any camera"]["onset"], err["square-on"]["onset"]
        reasons.append(
            f"the phone was about {abs(camera.pan_deg):.0f} deg off square: the benchmark's onset error over "
            f"every camera is {anycam[0]} deg (worst {anycam[1]}; square-on {square[0]}, worst {square[1]}), "
            "so the confidence is at most moderate"
        )
    return onset, peak_tilt, peak_hip, borrowing, confidence, reasons


THIGH_CARD_NOTE = (
    "the thigh's lift was read from the thigh card (its rotation from rest), not from the pose model's knee; "
    "hip flexion counts from 0 deg lying with the legs straight"
)
EARLY_BASELINE_NOTE = (
    "the pelvis card was not read at rest (a hand or the arm over it?): its resting angle was taken from its "
    f"reads over the first {EARLY_LIFT_DEG:.0f} deg of the raise, less the normal gradual tilt there, so an "
    "onset before that would not be seen and the confidence is at most moderate; keep the arms off the card"
)
