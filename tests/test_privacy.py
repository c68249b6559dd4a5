"""Face blurring from the pose's face landmarks."""

from __future__ import annotations

import numpy as np

import hiprom.skeleton as sk
from hiprom.report.privacy import blur_face
from hiprom.skeleton import FACE


def _frame(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (240, 320, 3), dtype=np.uint8)


def test_the_face_box_is_blurred_and_the_rest_untouched():
    img = _frame()
    original = img.copy()
    pts = np.full((33, 2), np.nan)
    pts[FACE] = np.array([160.0, 60.0]) + np.random.default_rng(1).uniform(-12, 12, (11, 2))
    blur_face(img, pts)
    face = (slice(45, 75), slice(145, 175))
    assert img[face].std() < 0.3 * original[face].std()  # detail gone
    assert np.array_equal(img[200:, :], original[200:, :])  # the body below is untouched
    assert np.array_equal(img[:, :60], original[:, :60])


def test_no_face_points_no_change():
    img = _frame()
    original = img.copy()
    pts = np.full((33, 2), np.nan)
    pts[sk.LEFT_HIP : sk.RIGHT_ANKLE + 1] = 100.0  # legs only
    blur_face(img, pts)
    assert np.array_equal(img, original)


def test_a_face_at_the_edge_is_clipped_not_an_error():
    img = _frame()
    original = img.copy()
    pts = np.full((33, 2), np.nan)
    pts[FACE] = [[2.0, 3.0]] * 11  # a face in the top-left corner: the box is clipped to the frame
    blur_face(img, pts)
    assert img[:20, :20].std() < 0.3 * original[:20, :20].std()  # blurred there
    assert np.array_equal(img[60:, 60:], original[60:, 60:])  # and only there
    outside = original.copy()
    pts[FACE] = [[400.0, 300.0]] * 11  # beyond the frame: nothing to blur, no error
    blur_face(outside, pts)
    assert np.array_equal(outside, original)
