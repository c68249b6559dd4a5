"""The hinge fit that times the onset over the whole raise (no model, exact series)."""

from __future__ import annotations

import numpy as np
import pytest

from hiprom.analysis.hinge import fit_hinge


def _raise(breakpoint_deg=100.0, slope=0.85, noise=0.0, n=120, seed=0):
    lift = np.linspace(20.0, 125.0, n)
    excess = slope * np.maximum(lift - breakpoint_deg, 0.0)
    return lift, excess + np.random.default_rng(seed).normal(0.0, noise, n)


@pytest.mark.parametrize("breakpoint_deg", [70.0, 95.0, 110.0])
def test_the_breakpoint_of_an_exact_hinge_is_found(breakpoint_deg):
    fit = fit_hinge(*_raise(breakpoint_deg))
    assert fit.lift_deg == pytest.approx(breakpoint_deg, abs=0.5)
    assert fit.slope == pytest.approx(0.85, rel=0.05)


@pytest.mark.parametrize("seed", range(5))
def test_noise_widens_the_bootstrap_interval_around_the_truth(seed):
    fit = fit_hinge(*_raise(95.0, noise=0.8, seed=seed))
    assert abs(fit.lift_deg - 95.0) < 3.0
    assert fit.lift_lo_deg <= fit.lift_deg <= fit.lift_hi_deg
    assert fit.lift_lo_deg - 2.0 <= 95.0 <= fit.lift_hi_deg + 2.0
    exact = fit_hinge(*_raise(95.0))
    assert (fit.lift_hi_deg - fit.lift_lo_deg) > (exact.lift_hi_deg - exact.lift_lo_deg)


def test_a_noise_spike_before_the_hinge_does_not_time_it():
    """A threshold crossing fires on a spike; the fit over the whole raise does not."""
    lift, excess = _raise(100.0)
    excess[30:33] += 6.0  # a 3-frame spike at a lift of about 47 deg
    assert fit_hinge(lift, excess).lift_deg == pytest.approx(100.0, abs=1.5)


def test_unread_frames_are_left_out_and_too_few_give_none():
    lift, excess = _raise(100.0)
    excess[60:80] = np.nan  # the card hidden for a stretch
    assert fit_hinge(lift, excess).lift_deg == pytest.approx(100.0, abs=1.0)
    assert fit_hinge(lift[:8], excess[:8]) is None


def test_no_rise_past_any_breakpoint_gives_none():
    lift, _ = _raise()
    assert fit_hinge(lift, -0.01 * lift) is None  # the pelvis never tilts beyond the curve


def test_the_same_series_gives_the_same_interval():
    a, b = fit_hinge(*_raise(95.0, noise=0.8)), fit_hinge(*_raise(95.0, noise=0.8))
    assert a == b


def _raise_and_hold(breakpoint_deg=100.0, top_deg=125.0, slope=0.85, seed=0):
    """A raise to ``top_deg`` then a 1.5 s hold in which the pose model's thigh wanders by +-8 deg
    while the thigh and the pelvis stay put: the excess is flat there, whatever the lift reads."""
    rng = np.random.default_rng(seed)
    lift_up = np.linspace(20.0, top_deg, 40)
    lift_hold = top_deg + 8.0 * np.sin(np.linspace(0.0, 3 * np.pi, 45)) + rng.normal(0.0, 1.0, 45)
    excess_up = slope * np.maximum(lift_up - breakpoint_deg, 0.0)
    excess_hold = np.full(45, excess_up[-1])
    return np.concatenate([lift_up, lift_hold]), np.concatenate([excess_up, excess_hold])


@pytest.mark.parametrize("seed", range(3))
def test_a_wandering_hold_does_not_pull_the_breakpoint_early(seed):
    """The hold's frames sit on a plateau wherever the thigh reading wanders; the fit gives them one."""
    lift, excess = _raise_and_hold(100.0, seed=seed)
    fit = fit_hinge(lift, excess)
    assert fit.lift_deg == pytest.approx(100.0, abs=1.5)
    assert fit.top_lift_deg == pytest.approx(125.0, abs=6.0)
    assert fit.lift_lo_deg - 1.0 <= 100.0 <= fit.lift_hi_deg + 1.0


def test_a_raise_without_a_hold_is_the_plain_hinge():
    fit = fit_hinge(*_raise(95.0))
    assert fit.top_lift_deg >= 124.0  # no plateau short of the highest lift
