"""Gap filling and zero-phase filtering."""

from __future__ import annotations

import numpy as np

from hiprom.kinematics.filtering import interpolate_gaps, lowpass, mask_low_visibility, runs

T = np.arange(300) / 30.0


def test_runs():
    np.testing.assert_array_equal(runs(np.array([0, 1, 1, 0, 1], bool)), [[1, 3], [4, 5]])
    assert runs(np.zeros(4, bool)).shape == (0, 2)


def test_short_gaps_filled_long_gaps_kept():
    y = np.sin(T)[:, None] * np.ones((1, 3))
    y[10:13] = np.nan  # 0.13 s gap
    y[100:130] = np.nan  # 1 s gap
    y[:2] = np.nan  # leading gap
    out = interpolate_gaps(y, T, max_gap_s=0.25)
    assert np.isfinite(out[10:13]).all()
    np.testing.assert_allclose(out[10:13, 0], np.sin(T[10:13]), atol=0.01)
    assert np.isnan(out[100:130]).all() and np.isnan(out[:2]).all()


def test_lowpass_has_no_phase_lag_and_removes_noise():
    rng = np.random.default_rng(0)
    clean = 40 * np.sin(2 * np.pi * 0.25 * T)
    noisy = clean + rng.normal(0, 2, T.size)
    out = lowpass(noisy[:, None], T, cutoff_hz=4.0)[:, 0]
    assert np.abs(out - clean)[20:-20].std() < 0.6 * np.abs(noisy - clean).std()
    lag = np.argmax(np.correlate(out - out.mean(), clean - clean.mean(), "full")) - (T.size - 1)
    assert lag == 0


def test_lowpass_keeps_nan_where_it_was_and_filters_each_run():
    y = np.cos(T)
    y[150:160] = np.nan
    out = lowpass(y, T)
    assert np.isnan(out[150:160]).all() and np.isfinite(out[:150]).all() and np.isfinite(out[160:]).all()


def test_shape_is_kept_and_input_untouched():
    y = np.random.default_rng(1).normal(size=(T.size, 4, 2))
    before = y.copy()
    out = lowpass(y, T)
    assert out.shape == y.shape
    np.testing.assert_array_equal(y, before)


def test_mask_low_visibility():
    pts = np.ones((5, 3, 2))
    vis = np.full((5, 3), 0.9)
    vis[2, 1] = 0.1
    vis[3, 0] = np.nan
    out = mask_low_visibility(pts, vis)
    assert np.isnan(out[2, 1]).all() and np.isnan(out[3, 0]).all() and np.isfinite(out[0]).all()
