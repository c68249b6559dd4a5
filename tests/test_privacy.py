"""Face blurring from the pose's face landmarks."""

from __future__ import annotations

import numpy as np

from hiprom.report.privacy import blur_face


def _frame(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (240, 320, 3), dtype=np.uint8)


def test_the_face_box_is_blurred_and_the_rest_untouched():
    img = _frame()
    original = img.copy()
    pts = np.full((33, 2), np.nan)
    pts[0:11] = np.array([160.0, 60.0]) + np.random.default_rng(1).uniform(-12, 12, (11, 2))
    blur_face(img, pts)
    face = (slice(45, 75), slice(145, 175))
    assert img[face].std() < 0.3 * original[face].std()  # detail gone
    assert np.array_equal(img[200:, :], original[200:, :])  # the body below is untouched
    assert np.array_equal(img[:, :60], original[:, :60])


def test_no_face_points_no_change():
    img = _frame()
    original = img.copy()
    pts = np.full((33, 2), np.nan)
    pts[23:29] = 100.0  # legs only
    blur_face(img, pts)
    assert np.array_equal(img, original)


def test_a_face_at_the_edge_is_clipped_not_an_error():
    img = _frame()
    pts = np.full((33, 2), np.nan)
    pts[0:11] = [[2.0, 3.0]] * 11
    blur_face(img, pts)
    pts[0:11] = [[400.0, 300.0]] * 11  # outside the frame
    blur_face(img, pts)
