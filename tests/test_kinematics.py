"""Planar angles and the normal pelvic curve: invariants and known values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiprom.kinematics.angles import (
    angle_between_deg,
    flexion_from_straight_deg,
    included_angle_deg,
    segment_angle_deg,
)
from hiprom.kinematics.pelvis import normal_posterior_tilt_deg

rng = np.random.default_rng(3)
N = 7


def _tracks(n=N):
    return [rng.uniform(0, 500, (n, 2)) for _ in range(3)]


def _rotate(p, deg, centre=(250.0, 250.0)):
    a = np.radians(deg)
    r = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return (p - centre) @ r.T + centre


@settings(max_examples=40, deadline=None)
@given(
    angle=st.floats(-180, 180),
    shift=st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)),
    scale=st.floats(0.05, 20),
)
def test_joint_angles_ignore_rotation_translation_scale(angle, shift, scale):
    a, b, c = _tracks()
    before = flexion_from_straight_deg(a, b, c)
    moved = [_rotate(p, angle) * scale + np.array(shift) for p in (a, b, c)]
    np.testing.assert_allclose(flexion_from_straight_deg(*moved), before, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(angle=st.floats(-170, 170), scale=st.floats(0.1, 10))
def test_segment_angle_turns_with_the_skeleton_unless_the_reference_turns_too(angle, scale):
    a, b, _ = _tracks()
    ref = np.array([1.0, 0.0])
    base = segment_angle_deg(a, b, ref)
    ra, rb = _rotate(a, angle) * scale, _rotate(b, angle) * scale
    ref_rot = _rotate(ref[None], angle, centre=(0.0, 0.0))[0]
    np.testing.assert_allclose(segment_angle_deg(ra, rb, ref_rot), base, atol=1e-6)


def test_mirroring_flips_signed_angles_not_joint_angles():
    a, b, c = _tracks()
    mirror = np.array([-1.0, 1.0])
    np.testing.assert_allclose(
        included_angle_deg(a * mirror, b * mirror, c * mirror), included_angle_deg(a, b, c)
    )
    ref = np.array([1.0, 0.0])
    np.testing.assert_allclose(
        segment_angle_deg(a * mirror, b * mirror, ref * mirror), -segment_angle_deg(a, b, ref)
    )


def test_known_values_and_image_up_is_positive():
    hip = np.array([[100.0, 100.0]] * 3)
    knee = np.array([[200.0, 100.0], [100.0, 0.0], [200.0, 200.0]])  # right, up (y down), down-right
    np.testing.assert_allclose(segment_angle_deg(hip, knee, [1.0, 0.0]), [0.0, 90.0, -45.0])
    shoulder = np.array([[0.0, 100.0]] * 3)
    np.testing.assert_allclose(flexion_from_straight_deg(shoulder, hip, knee), [0.0, 90.0, 45.0])
    np.testing.assert_allclose(angle_between_deg(knee - hip, shoulder - hip), [180.0, 90.0, 135.0])


def test_nan_stays_in_its_frame():
    a, b, c = _tracks()
    b[3] = np.nan
    out = flexion_from_straight_deg(a, b, c)
    assert np.isnan(out[3]) and np.isfinite(np.delete(out, 3)).all()


def test_shape_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"Expected a \(n_frames, 2\) track, but got shape \(7, 3\)"):
        included_angle_deg(np.zeros((7, 3)), np.zeros((7, 2)), np.zeros((7, 2)))


def test_takei_curve():
    np.testing.assert_allclose(
        normal_posterior_tilt_deg([0, 15, 30, 45, 61, 128]), [0, 0.5, 1.5, 2.4, 3.9, 11.4]
    )
    assert normal_posterior_tilt_deg(-10.0) == 0.0
    assert normal_posterior_tilt_deg(140.0) > 11.4
    assert np.isnan(normal_posterior_tilt_deg(np.nan))
    grid = np.linspace(0, 150, 301)
    assert (np.diff(normal_posterior_tilt_deg(grid)) >= 0).all()


def test_signed_rotation_is_positive_towards_the_given_side():
    from hiprom.kinematics.rotation import signed_rotation_deg

    angles = np.radians([0.0, 30.0, -45.0, 170.0])
    seg = np.stack([np.cos(angles), np.sin(angles)], axis=1) * 80.0
    np.testing.assert_allclose(signed_rotation_deg(seg, np.array([1.0, 0.0]), np.array([0.0, 1.0])),
                               [0.0, 30.0, -45.0, 170.0], atol=1e-9)  # fmt: skip
    np.testing.assert_allclose(signed_rotation_deg(seg, np.array([1.0, 0.0]), np.array([0.3, -2.0])),
                               [0.0, -30.0, 45.0, -170.0], atol=1e-9)  # fmt: skip
    assert np.isnan(signed_rotation_deg(np.array([[np.nan, 1.0]]), np.array([1.0, 0.0]), np.array([0, 1.0])))[
        0
    ]
    with pytest.raises(ValueError, match="parallel"):
        signed_rotation_deg(seg, np.array([1.0, 0.0]), np.array([-2.0, 0.0]))


def test_median_direction_ignores_length_and_nan_and_wraps():
    from hiprom.kinematics.rotation import median_direction, perpendicular_towards

    a = np.radians([179.0, -179.0, 178.0, np.nan])
    v = np.stack([np.cos(a), np.sin(a)], axis=1) * np.array([[1.0], [50.0], [3.0], [1.0]])
    d = median_direction(v)
    assert np.degrees(np.arctan2(d[1], d[0])) == pytest.approx(179.0, abs=1e-6)
    assert np.isnan(median_direction(np.full((3, 2), np.nan))).all()
    p = perpendicular_towards(np.array([2.0, 0.0]), np.array([0.1, -5.0]))
    np.testing.assert_allclose(p, [0.0, -1.0], atol=1e-12)
