"""Quality gates on a rep (pure numpy)."""

from __future__ import annotations

import numpy as np

from hiprom.analysis.events import detect_reps
from hiprom.analysis.quality import rep_quality_warnings
from hiprom.synth.motion import smooth_profile


def _rep(fps=30.0, raise_s=2.0):
    segments = [(1.0, 0.0), (raise_s, 1.0), (0.5, 1.0), (raise_s, 0.0), (0.5, 0.0)]
    t = np.arange(int(sum(d for d, _ in segments) * fps)) / fps
    thigh = 120 * smooth_profile(t, segments)
    chain = np.tile(np.array([[600.0, 300], [400, 310], [300, 250], [200, 320]]), (t.size, 1, 1))
    vis = np.full((t.size, 4), 0.95)
    (rep,) = detect_reps(t, thigh, 0.0)
    return t, thigh, chain, vis, rep


def test_a_clean_rep_has_no_warnings():
    t, thigh, chain, vis, rep = _rep()
    assert rep_quality_warnings(t, thigh, chain, vis, rep, (1280, 720)) == []


def test_too_fast_for_the_frame_rate():
    t, thigh, chain, vis, rep = _rep(fps=10.0, raise_s=0.6)
    (w,) = rep_quality_warnings(t, thigh, chain, vis, rep, (1280, 720))
    assert "too fast for 10 fps" in w


def test_leg_out_of_frame_and_low_visibility():
    t, thigh, chain, vis, rep = _rep()
    chain[rep.start_frame : rep.end_frame, 3, 0] = -50.0  # the ankle leaves the frame
    vis[:] = 0.3
    warnings = rep_quality_warnings(t, thigh, chain, vis, rep, (1280, 720))
    assert any("out of frame" in w for w in warnings) and any("visibility" in w for w in warnings)
