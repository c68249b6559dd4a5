"""Where the pelvis leaves the normal curve: a hinge fitted over the whole raise (pure numpy).

The threshold rule (:mod:`hiprom.kinematics.tilt_onset`) says *whether* the
pelvis tilted beyond the normal gradual curve; it times the onset at the
first frame the excess stays above a threshold, which fires late by the
time the excess takes to reach it, early on a noise spike, and late again
after a gap. This module times it from every frame of the raise instead: the
excess tilt (the card's tilt minus the normal tilt at the same hip flexion)
is fitted as ``c + s * clip(h - b, 0, p - b)`` against the hip flexion ``h``
(femur on pelvis), and the breakpoint ``b`` is the onset. ``p`` is where the
rise stops: the hold, when the thigh and the pelvis stay put while the pose
model's thigh wanders by several degrees; without that plateau those frames
would pull a plain ramp flat and its breakpoint early (on the benchmark by
up to 9 deg). ``p`` may lie at the highest lift, which is the plain hinge. A
moving-block bootstrap of the residuals (with ``p`` held) gives the
breakpoint's interval (the noise part; the caller adds the hip angle's own
measurement uncertainty).

Past the hinge a stiff hip gains little flexion while the pelvis rolls, so
the excess rises steeply against ``h``; the fit is run against the thigh's
lift ``L = h + tilt``, which keeps moving, and ``b`` is mapped back to hip
flexion at the frames where the lift crosses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["HingeFit", "fit_hinge"]


@dataclass(frozen=True)
class HingeFit:
    """A fitted hinge: the breakpoint (in lift), its bootstrap spread, the rise past it and where it stops."""

    lift_deg: float  # the breakpoint, in thigh lift
    lift_lo_deg: float  # 5th and 95th percentile of the bootstrap breakpoints
    lift_hi_deg: float
    slope: float  # excess tilt per degree of lift past the breakpoint
    n_frames: int
    top_lift_deg: float = np.inf  # the lift where the rise stops (the plateau of the hold); inf: none


def _best_fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares ``c + s * x`` (``s >= 0``) for each candidate row of ``x``: the best per series.

    ``x`` is ``(m, n)``, ``y`` ``(..., n)``; returns the best row's index and its slope, each ``(...)``.
    """
    n = x.shape[1]
    sx, sxx = x.sum(1), (x * x).sum(1)  # (m,)
    sy = y.sum(-1)[..., None]  # (..., 1)
    sxy = y @ x.T  # (..., m)
    det = n * sxx - sx * sx
    ok = det > 1e-9
    s = np.where(ok, (n * sxy - sx * sy) / np.where(ok, det, 1.0), 0.0)
    c = (sy - s * sx) / n
    s = np.maximum(s, 0.0)  # the pelvis rolls posteriorly past the hinge, never less
    c = np.where(s == 0.0, sy / n, c)
    syy = (y * y).sum(-1)[..., None]
    sse = syy + n * c * c + s * s * sxx - 2 * c * sy - 2 * s * sxy + 2 * c * s * sx
    sse = np.where(ok, sse, np.inf)
    best = np.argmin(sse, axis=-1)
    return best, np.take_along_axis(s, best[..., None], -1)[..., 0]


def _ramps(lift: np.ndarray, breaks: np.ndarray, tops: np.ndarray) -> np.ndarray:
    """``clip(lift - b, 0, p - b)`` for each pair ``(b, p)``: ``(m, n)``."""
    return np.clip(lift[None, :] - breaks[:, None], 0.0, (tops - breaks)[:, None])


def fit_hinge(
    lift_deg: np.ndarray,
    excess_deg: np.ndarray,
    *,
    step_deg: float = 0.5,
    top_step_deg: float = 1.0,
    n_boot: int = 200,
    block: int = 8,
    seed: int = 0,
) -> HingeFit | None:
    """Fit the hinge of ``excess_deg`` against ``lift_deg`` over one raise.

    Parameters
    ----------
    lift_deg, excess_deg : (n_frames,) arrays
        The thigh's lift from rest and the excess tilt over the normal curve
        over the raise and hold; NaN frames (the card unread) are left out.
    step_deg, top_step_deg : float
        Spacing of the candidate breakpoints and of the candidate tops of the rise.
    n_boot, block, seed : int
        Moving-block bootstrap of the residuals (blocks of ``block`` frames,
        seeded: the same clip gives the same interval).

    Returns
    -------
    HingeFit or None
        None with fewer than 10 usable frames, or no rise past any breakpoint.
    """
    lift, y = np.asarray(lift_deg, float), np.asarray(excess_deg, float)
    lift = np.fmax.accumulate(lift)  # the highest lift so far: a hold's dips are the reading, not the thigh
    ok = np.isfinite(lift) & np.isfinite(y)
    lift, y = lift[ok], y[ok]
    if lift.size < 10 or np.ptp(lift) < 5 * step_deg:
        return None
    lo, hi = np.min(lift), np.max(lift)
    cands = np.arange(lo + step_deg, hi - step_deg, step_deg)
    if cands.size == 0:
        return None
    tops = np.append(np.arange(lo + 2 * step_deg, hi, top_step_deg), np.inf)  # inf: the plain hinge
    b_idx, p_idx = np.nonzero(tops[None, :] > cands[:, None] + step_deg)
    best, slope = _best_fit(_ramps(lift, cands[b_idx], tops[p_idx]), y)
    if slope <= 0:
        return None
    brk, top = float(cands[b_idx[best]]), float(tops[p_idx[best]])
    x = np.clip(lift - brk, 0.0, top - brk)
    c = float(np.mean(y - slope * x))
    fitted = c + slope * x
    resid = y - fitted
    rng = np.random.default_rng(seed)
    n = lift.size
    starts = rng.integers(0, max(n - block, 0) + 1, size=(n_boot, -(-n // block)))
    idx = (starts[..., None] + np.arange(block)).reshape(n_boot, -1)[:, :n] % n
    below = cands[cands < top - step_deg / 2]  # the interval's breakpoints, with the top held
    boot, _ = _best_fit(_ramps(lift, below, np.full(below.size, top)), fitted[None, :] + resid[idx])
    b_lo, b_hi = np.percentile(below[boot], [5.0, 95.0])
    return HingeFit(brk, float(b_lo), float(b_hi), float(slope), int(n), top)
