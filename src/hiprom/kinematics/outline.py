"""The back's outline against the table: markerless pelvis cues (knee-to-chest, side view).

Pure numpy over the pose pass's mask edge (``LandmarkSeries.outline_px``,
:mod:`hiprom.capture.outline`): for a person lying on their back, filmed from
the side, the lowest edge of their silhouette in each image column is the
back, the buttock and the lying thigh against the table. As the pelvis tilts
posteriorly the buttock rolls up off the table and the lumbar curve
flattens, so the edge under the pelvis turns against the edge under the back.

Positions along the body are *stations*: fractions of the resting
hip-to-shoulder distance from the hip (0) towards the shoulders (1),
negative towards the feet. Two cues per frame, each relative to the
resting frames:

- :func:`outline_turn_deg`: the angle between the edge under the pelvis
  and the edge under the back (positive: the caudal end lifting, as a
  posterior tilt turns it);
- :func:`buttock_lift`: the height of the edge under the pelvis above the
  line of the back, in hip-to-shoulder lengths (positive: lifted).

``bench/markerless.py`` measures how well they separate lumbar borrowing
from a healthy hip; ``docs/knee-to-chest.md`` reports it.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BACK_STATIONS",
    "PELVIS_STATIONS",
    "buttock_lift",
    "outline_at",
    "outline_cues",
    "outline_turn_deg",
    "station_x_px",
    "window_fit",
]

#: the edge under the pelvis (buttock to sacrum) and under the back (lumbar to shoulder blades), stations
PELVIS_STATIONS = (-0.25, 0.25)
BACK_STATIONS = (0.45, 1.0)
_STEP = 0.05  # stations are sampled this far apart (about 1 cm on an adult)


def station_x_px(hip_px: np.ndarray, shoulder_px: np.ndarray, stations: np.ndarray) -> np.ndarray:
    """Image x of each station on the resting body's hip-to-shoulder line.

    Parameters
    ----------
    hip_px, shoulder_px : (2,) arrays
        The resting hip and shoulder midpoints, pixels.
    stations : (n_stations,) array
        Fractions of the hip-to-shoulder distance from the hip.

    Returns
    -------
    (n_stations,) array of x, pixels.
    """
    return hip_px[0] + np.asarray(stations, float) * (shoulder_px[0] - hip_px[0])


def outline_at(outline_px: np.ndarray, column_x_px: np.ndarray, x_px: np.ndarray) -> np.ndarray:
    """The outline's y at ``x_px``, linearly interpolated between sampled columns.

    Parameters
    ----------
    outline_px : (n_frames, n_columns) array
        Lower edge y per column, pixels (NaN: no edge there).
    column_x_px : (n_columns,) increasing array
        The columns' x, pixels.
    x_px : (n_stations,) array

    Returns
    -------
    (n_frames, n_stations) array; NaN outside the columns or next to a missing one.
    """
    x = np.asarray(x_px, float)
    cols = np.asarray(column_x_px, float)
    right = np.clip(np.searchsorted(cols, x), 1, cols.size - 1)
    left = right - 1
    w = (x - cols[left]) / (cols[right] - cols[left])
    y = np.asarray(outline_px, float)
    out = y[:, left] * (1 - w) + y[:, right] * w
    out[:, (x < cols[0]) | (x > cols[-1])] = np.nan
    return out


def window_fit(y_px: np.ndarray, along_px: np.ndarray, min_points: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares line ``y = a + b * along`` through each frame's finite points.

    Parameters
    ----------
    y_px : (n_frames, n_points) array
    along_px : (n_points,) array
        Signed distance along the body (pixels, positive towards the head).

    Returns
    -------
    level_px, slope : (n_frames,) arrays
        The line's y at the points' mean position and its slope (dy per pixel along); NaN where a
        frame has fewer than ``min_points`` finite points.
    """
    ok = np.isfinite(y_px)
    n = ok.sum(axis=1)
    x = np.where(ok, along_px[None, :], 0.0)
    y = np.where(ok, y_px, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx, my = x.sum(1) / n, y.sum(1) / n
        dx = np.where(ok, x - mx[:, None], 0.0)
        slope = (dx * (y - my[:, None])).sum(1) / (dx**2).sum(1)
    bad = n < min_points
    return np.where(bad, np.nan, my), np.where(bad, np.nan, slope)


def outline_cues(
    outline_px: np.ndarray,
    column_x_px: np.ndarray,
    hip_px: np.ndarray,
    shoulder_px: np.ndarray,
    rest: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Both cues, from one fit of the edge under the pelvis and under the back.

    Parameters
    ----------
    outline_px : (n_frames, n_columns) array
    column_x_px : (n_columns,) array
    hip_px, shoulder_px : (2,) arrays
        Resting hip and shoulder midpoints (they set the stations and the body's direction).
    rest : (n_frames,) bool array
        The resting frames the cues are measured from.

    Returns
    -------
    turn_deg, lift : (n_frames,) arrays
        :func:`outline_turn_deg` and :func:`buttock_lift`; NaN where either window has too few
        points or no resting frame has a value.
    """
    length = float(np.hypot(*(np.asarray(shoulder_px, float) - hip_px)))
    fits = []
    for lo, hi in (PELVIS_STATIONS, BACK_STATIONS):
        stations = np.arange(lo, hi + _STEP / 2, _STEP)
        y = outline_at(outline_px, column_x_px, station_x_px(hip_px, shoulder_px, stations))
        fits.append((*window_fit(y, stations * length), float(stations.mean())))
    (pelvis_level, pelvis_slope, pelvis_at), (back_level, back_slope, back_at) = fits
    # slope = dy per pixel towards the head; the caudal end lifting (smaller y) makes it positive
    turn = np.degrees(np.arctan(pelvis_slope)) - np.degrees(np.arctan(back_slope))
    line_at_pelvis = back_level + back_slope * (pelvis_at - back_at) * length
    lift = (line_at_pelvis - pelvis_level) / length
    return _from_rest(turn, rest), _from_rest(lift, rest)


def _from_rest(values: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """``values`` less their median over the resting frames (all NaN when none has a value)."""
    with np.errstate(all="ignore"):
        base = np.nanmedian(values[rest]) if np.isfinite(values[rest]).any() else np.nan
    return values - base


def outline_turn_deg(
    outline_px: np.ndarray,
    column_x_px: np.ndarray,
    hip_px: np.ndarray,
    shoulder_px: np.ndarray,
    rest: np.ndarray,
) -> np.ndarray:
    """The edge under the pelvis turned against the edge under the back, from rest (degrees).

    Parameters as :func:`outline_cues`. Returns ``(n_frames,)``: positive when the caudal end of the
    edge under the pelvis lifts (image y down; a posterior tilt turns it so).
    """
    return outline_cues(outline_px, column_x_px, hip_px, shoulder_px, rest)[0]


def buttock_lift(
    outline_px: np.ndarray,
    column_x_px: np.ndarray,
    hip_px: np.ndarray,
    shoulder_px: np.ndarray,
    rest: np.ndarray,
) -> np.ndarray:
    """The edge under the pelvis lifted above the line of the back, from rest (hip-to-shoulder lengths).

    Parameters as :func:`outline_cues`. The back's line is extended to the pelvis window's centre;
    the lift is how far above it the edge under the pelvis lies (positive: lifted, image y smaller).
    """
    return outline_cues(outline_px, column_x_px, hip_px, shoulder_px, rest)[1]
