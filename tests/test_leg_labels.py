"""The pose model's exchanged and merged leg labels in a one-leg raise (hiprom.analysis.leg_labels)."""

from __future__ import annotations

import numpy as np

from hiprom.analysis.leg_labels import leg_label_notes, repair_leg_labels
from hiprom.skeleton import N_LANDMARKS, joint


def _raise(side: str = "left", n: int = 120):
    """Both hips at (500, 400), both knees resting 250 px towards the feet; ``side``'s knee swings up
    over frames 20-50 to 130 deg of lift, holds to frame 80, and comes down by frame 100."""
    pts = np.full((n, N_LANDMARKS, 2), np.nan)
    vis = np.full((n, N_LANDMARKS), 0.9)
    lift = np.radians(np.interp(np.arange(n), [0, 20, 50, 80, 100, n - 1], [0, 0, 130, 130, 0, 0]))
    raised = np.c_[500 - 250 * np.cos(lift), 400 - 250 * np.sin(lift)]
    rest = np.tile([250.0, 400.0], (n, 1))
    other = "right" if side == "left" else "left"
    for s in ("left", "right"):
        pts[:, joint("hip", s)] = [500.0, 400.0]
    for name, drop in (("knee", 0.0), ("ankle", 60.0), ("heel", 70.0), ("foot_index", 80.0)):
        pts[:, joint(name, side)] = raised + np.array([0.0, drop])
        pts[:, joint(name, other)] = rest + np.array([-drop, 0.0])
    return pts, vis


def _exchange(pts, vis, frames):
    out, v = pts.copy(), vis.copy()
    for name in ("knee", "ankle", "heel", "foot_index"):
        a, b = joint(name, "left"), joint(name, "right")
        out[frames, a], out[frames, b] = pts[frames, b], pts[frames, a]
        v[frames, a], v[frames, b] = vis[frames, b], vis[frames, a]
    return out, v


def test_an_exchanged_hold_gets_the_raised_sides_label_back():
    truth, vis = _raise("left")
    flicker = np.r_[55, 57, 58, 60:80]  # the model calls the raised knee "right" over most of the hold
    pts, v = _exchange(truth, vis, flicker)
    fixed = repair_leg_labels(pts, v)
    assert np.flatnonzero(fixed.exchanged).tolist() == flicker.tolist()
    np.testing.assert_array_equal(fixed.points_px, truth)
    assert not fixed.merged.any()
    notes = leg_label_notes(fixed, np.arange(truth.shape[0]) / 30.0)
    assert len(notes) == 1 and "exchanged the legs' labels" in notes[0] and "on 23 frames" in notes[0]


def test_the_other_leg_raised_is_left_as_the_other_leg():
    """A right leg raised when the left was to be tested stays the right leg: never relabelled."""
    pts, vis = _raise("right")
    fixed = repair_leg_labels(pts, vis)
    assert not fixed.exchanged.any() and not fixed.merged.any()
    np.testing.assert_array_equal(fixed.points_px, pts)


def test_merged_knees_in_a_raise_are_dropped_and_a_double_raise_is_left_alone():
    pts, vis = _raise("left")
    merged = np.arange(62, 66)  # the far knee put on the raised one
    pts[merged, joint("knee", "right")] = pts[merged, joint("knee", "left")] + [3.0, 2.0]
    fixed = repair_leg_labels(pts, vis)
    assert np.flatnonzero(fixed.merged).tolist() == merged.tolist()
    below = [joint(j, s) for j in ("knee", "ankle", "heel", "foot_index") for s in ("left", "right")]
    assert (fixed.visibility[np.ix_(merged, below)] == 0).all()
    assert (fixed.visibility[np.ix_(np.r_[:62, 66:120], below)] == 0.9).all()
    both = pts.copy()  # both legs raised together: not a merge to drop, the plausibility checks' call
    both[:, joint("knee", "right")] = both[:, joint("knee", "left")] + [2.0, 2.0]
    fixed = repair_leg_labels(both, vis)
    assert not fixed.merged.any() and not fixed.exchanged.any()


def test_knees_never_both_seen_change_nothing():
    pts, vis = _raise("left")
    pts[:, joint("knee", "right")] = np.nan
    fixed = repair_leg_labels(pts, vis)
    assert not fixed.exchanged.any() and not fixed.merged.any()
    np.testing.assert_array_equal(fixed.points_px, pts)
    assert leg_label_notes(None, np.zeros(0)) == []
