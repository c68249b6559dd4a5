"""Gap filling and zero-phase low-pass filtering of landmark time series.

Functions take time as the first axis: ``values (n_frames, ...)`` with NaN for
missing samples, and ``time_s (n_frames,)``. Only short gaps are bridged;
long gaps stay NaN, and each finite run is filtered on its own, so a missing
stretch never smears into its neighbours.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, sosfiltfilt

__all__ = ["clean_tracks", "clean_tracks_with", "interpolate_gaps", "lowpass", "mask_low_visibility", "runs"]


def runs(mask: np.ndarray) -> np.ndarray:
    """``(n_runs, 2)`` start (inclusive) and stop (exclusive) indices of True runs in a 1-D mask."""
    padded = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return edges.reshape(-1, 2)


def mask_low_visibility(
    points: np.ndarray, visibility: np.ndarray, min_visibility: float = 0.5
) -> np.ndarray:
    """Set points whose visibility is below ``min_visibility`` to NaN.

    Parameters
    ----------
    points : (n_frames, n_points, d) array
    visibility : (n_frames, n_points) array
    """
    points = np.array(points, dtype=float, copy=True)
    low = ~(np.asarray(visibility) >= min_visibility)
    points[low] = np.nan
    return points


def interpolate_gaps(values: np.ndarray, time_s: np.ndarray, max_gap_s: float = 0.25) -> np.ndarray:
    """Linearly bridge NaN gaps no longer than ``max_gap_s``, per column.

    Parameters
    ----------
    values : (n_frames, ...) array
    time_s : (n_frames,) array
    max_gap_s : float
        Longest gap (time between the last good sample before and the first
        after) that is filled. Leading and trailing gaps are never filled.

    Returns
    -------
    filled : array shaped like ``values``
    """
    values = np.asarray(values, dtype=float)
    flat = values.reshape(values.shape[0], -1).copy()
    t = np.asarray(time_s, dtype=float)
    for col in range(flat.shape[1]):
        y = flat[:, col]
        good = np.isfinite(y)
        if good.sum() < 2 or good.all():
            continue
        for start, stop in runs(~good):
            if start == 0 or stop == y.size:
                continue
            if t[stop] - t[start - 1] <= max_gap_s:
                y[start:stop] = np.interp(t[start:stop], [t[start - 1], t[stop]], [y[start - 1], y[stop]])
    return flat.reshape(values.shape)


def lowpass(values: np.ndarray, time_s: np.ndarray, cutoff_hz: float = 4.0, order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth low-pass (forward-backward), per finite run and column.

    The sampling rate is the median frame rate of ``time_s`` (phones vary it
    slightly; the filter assumes near-uniform sampling). Runs too short for
    the filter's padding are left unfiltered.

    Parameters
    ----------
    values : (n_frames, ...) array
    time_s : (n_frames,) array
    cutoff_hz : float
        -3 dB frequency of each pass; 3-6 Hz suits slow clinical movements.
    order : int
        Butterworth order per pass (the forward-backward filter doubles it).
    """
    values = np.asarray(values, dtype=float)
    t = np.asarray(time_s, dtype=float)
    if values.shape[0] < 2:
        return values.copy()
    fs = 1.0 / np.median(np.diff(t))
    if cutoff_hz >= fs / 2:
        return values.copy()
    sos = butter(order, cutoff_hz, btype="low", fs=fs, output="sos")
    pad = 3 * (2 * len(sos) + 1)
    flat = values.reshape(values.shape[0], -1).copy()
    finite_rows = np.isfinite(flat)
    for col in range(flat.shape[1]):
        for start, stop in runs(finite_rows[:, col]):
            if stop - start > pad:
                flat[start:stop, col] = sosfiltfilt(sos, flat[start:stop, col])
    return flat.reshape(values.shape)


def clean_tracks(
    points: np.ndarray,
    visibility: np.ndarray,
    time_s: np.ndarray,
    *,
    min_visibility: float,
    max_gap_s: float,
    cutoff_hz: float,
) -> np.ndarray:
    """The analyses' landmark cleaning: drop low-visibility points, bridge short gaps, zero-phase low-pass.

    ``points`` is ``(n_frames, n_landmarks, 2)``, ``visibility`` ``(n_frames, n_landmarks)``.
    """
    pts = mask_low_visibility(points, visibility, min_visibility)
    pts = interpolate_gaps(pts, time_s, max_gap_s)
    return lowpass(pts, time_s, cutoff_hz)


def clean_tracks_with(config, points: np.ndarray, visibility: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """:func:`clean_tracks` with the settings of an analysis config.

    ``config`` is any object with ``min_visibility``, ``max_gap_s`` and
    ``cutoff_hz`` (``KneeToChestConfig``, ``HipIRConfig``).
    """
    return clean_tracks(points, visibility, time_s, min_visibility=config.min_visibility,
                        max_gap_s=config.max_gap_s, cutoff_hz=config.cutoff_hz)  # fmt: skip
