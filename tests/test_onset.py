"""The onset definition on synthetic series."""

from __future__ import annotations

import numpy as np

from hiprom.kinematics.pelvis import normal_posterior_tilt_deg
from hiprom.kinematics.tilt_onset import OnsetConfig, excess_tilt_deg, first_sustained


def test_first_sustained_needs_the_duration():
    t = np.arange(20) / 10.0  # 10 Hz
    above = np.zeros(20, bool)
    above[3:5] = True  # 0.1 s: too short
    above[10:15] = True  # 0.4 s
    assert first_sustained(t, above, 0.3) == 10
    assert first_sustained(t, above, 0.5) == -1
    assert first_sustained(t, np.zeros(20, bool), 0.3) == -1


def test_run_reaching_the_end_counts():
    t = np.arange(10) / 10.0
    above = np.zeros(10, bool)
    above[6:] = True
    assert first_sustained(t, above, 0.3) == 6


def test_excess_is_zero_on_the_normal_curve():
    hip = np.linspace(0, 120, 50)
    np.testing.assert_allclose(excess_tilt_deg(normal_posterior_tilt_deg(hip), hip), 0.0)


def test_threshold_rule():
    cfg = OnsetConfig()
    assert cfg.threshold_deg(0.2) == 3.0
    assert cfg.threshold_deg(2.0) == 6.0
    assert cfg.threshold_deg(np.nan) == 3.0
