"""Events on synthetic raise-hold-return series with known timing."""

from __future__ import annotations

import numpy as np
import pytest

from hiprom.analysis.events import detect_baseline, detect_reps
from hiprom.synth.motion import smooth_profile

FPS = 30.0


def _series(reps=2, noise=0.3, seed=0):
    segments = [(1.5, 0.0)]
    for _ in range(reps):
        segments += [(2.0, 1.0), (1.0, 1.0), (1.5, 0.0), (1.0, 0.0)]
    duration = sum(d for d, _ in segments)
    t = np.arange(int(duration * FPS)) / FPS
    angle = 5.0 + 110.0 * smooth_profile(t, segments)
    return t, angle + np.random.default_rng(seed).normal(0, noise, t.size)


def test_baseline_found_before_the_first_rep():
    t, a = _series()
    base = detect_baseline(t, a, before_frame=int(1.6 * FPS), max_speed_deg_s=25)
    assert base is not None
    assert base.start_s == pytest.approx(0.0) and base.stop_s > 1.0
    assert base.value == pytest.approx(5.0, abs=0.2) and base.sd < 0.6


def test_no_baseline_when_the_clip_starts_moving():
    t, a = _series()
    assert detect_baseline(t[45:], a[45:], min_duration_s=1.0, before_frame=20) is None


def test_reps_timing():
    t, a = _series(reps=2)
    reps = detect_reps(t, a, rest_value=5.0)
    assert len(reps) == 2
    first = reps[0]
    assert 1.3 < first.start_s < 2.0  # raise starts at 1.5 s
    assert 3.4 < first.peak_s < 4.6  # the hold is 3.5-4.5 s
    assert first.peak_value == pytest.approx(115.0, abs=1.5)
    assert t[first.hold_start_frame] < 3.6 and t[first.hold_stop_frame] > 4.4
    assert 5.5 < first.end_s < 6.5
    assert reps[1].start_s > first.end_s


def test_a_raise_peaking_twice_without_returning_to_rest_is_one_rep():
    segments = [(1.5, 0.0), (2.0, 1.0), (1.0, 0.11), (1.0, 0.9), (1.5, 0.0), (1.0, 0.0)]
    t = np.arange(int(sum(d for d, _ in segments) * FPS)) / FPS
    a = 5.0 + 110.0 * smooth_profile(t, segments)
    reps = detect_reps(t, a, rest_value=5.0)
    assert len(reps) == 1
    assert reps[0].peak_value == pytest.approx(115.0, abs=0.5)
    assert reps[0].start_s < 2.0 and reps[0].end_s > 6.0


def test_small_wiggles_are_not_reps():
    t = np.arange(300) / FPS
    a = 5 + 8 * np.sin(t)
    assert detect_reps(t, a, rest_value=5.0) == []


def test_nan_frames_do_not_break_reps():
    t, a = _series(reps=1)
    a[80:85] = np.nan
    assert len(detect_reps(t, a, rest_value=5.0)) == 1
