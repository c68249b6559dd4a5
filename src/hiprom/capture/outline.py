"""The person's lower outline from MediaPipe's segmentation mask, taken in the pose pass.

For each person the landmarker finds it can return a mask (the probability
that a pixel belongs to that person). hiprom keeps, per frame and person, only
its lower edge: in :data:`OUTLINE_COLUMNS` evenly spaced image columns, the
image y of the lowest pixel whose probability passes 0.5 (NaN where the
column holds none). For a person lying on their back in a side view that
edge is the back's outline against the table, where the buttock lifts as the
pelvis tilts posteriorly (:mod:`hiprom.kinematics.outline`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["OUTLINE_COLUMNS", "column_centres_px", "lower_edge"]

#: image columns sampled (column j is centred at x = (j + 0.5) * width / OUTLINE_COLUMNS)
OUTLINE_COLUMNS = 160


def column_centres_px(width_px: int, n_columns: int = OUTLINE_COLUMNS) -> np.ndarray:
    """(n_columns,) x of each sampled column's centre, pixels."""
    return (np.arange(n_columns) + 0.5) * (width_px / n_columns)


def lower_edge(mask: np.ndarray, n_columns: int = OUTLINE_COLUMNS, threshold: float = 0.5) -> np.ndarray:
    """The lowest pixel of a mask in evenly spaced columns.

    Parameters
    ----------
    mask : (height, width) float array
        The probability that each pixel is the person.
    n_columns : int

    Returns
    -------
    (n_columns,) float32 array
        Image y (pixels, of the centre of the lowest pixel above ``threshold``) in each column;
        NaN where the column has none.
    """
    mask = np.asarray(mask)
    mask = mask[..., 0] if mask.ndim == 3 else mask
    height, width = mask.shape
    cols = np.minimum((column_centres_px(width, n_columns)).astype(int), width - 1)
    inside = mask[:, cols] > threshold  # (height, n_columns)
    lowest = height - 1 - np.argmax(inside[::-1], axis=0)
    return np.where(inside.any(axis=0), lowest + 0.5, np.nan).astype(np.float32)
