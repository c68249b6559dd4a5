"""The phone's pan/tilt estimate from 3D landmarks, on exact geometry (no model needed)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import hiprom.skeleton as sk
from hiprom.analysis import camera
from hiprom.analysis.camera import estimate_camera_offset, flexion_scale
from hiprom.analysis.knee_to_chest import KneeToChestConfig, analyze_knee_to_chest
from hiprom.calibration import BENCHMARKED_PAN_DEG, DEFAULT, PAN_MAP, TILT_MAP
from hiprom.kinematics.camera_view import raw_camera_angles_deg
from hiprom.synth.camera import place_camera
from hiprom.synth.truthfile import load_truth
from tests.factories import truth_landmarks

N = 20


def _filmed(pan_deg=0.0, tilt_deg=0.0, roll_deg=0.0, depth_gain=1.0, n=N, head=+1.0):
    """``(n, 33, 3)`` camera-aligned landmarks of a supine body filmed from its left side.

    The body lies along the world's x axis (head towards ``head``), its left
    side facing the camera; depth is divided by ``depth_gain`` (the pose
    model's depth is compressed; 1 = exact geometry).
    """
    body = {11: (0.5, 0.2), 12: (0.5, -0.2), 23: (0.0, 0.1), 24: (0.0, -0.1)}  # (along head, towards left)
    world = np.full((33, 3), np.nan)
    for i, (along, left) in body.items():
        world[i] = (head * along, 0.1, left)
    cam = place_camera(np.zeros(3), "side", distance_m=2.0, pan_deg=pan_deg * head, tilt_deg=tilt_deg,
                       roll_deg=roll_deg)  # fmt: skip
    hip_mid = (world[sk.LEFT_HIP] + world[sk.RIGHT_HIP]) / 2
    pts = (world - hip_mid) @ cam.rotation.T
    pts[:, 2] /= depth_gain
    return np.repeat(pts[None], n, axis=0), np.ones((n, 33))


def world_landmarks(pan_deg=0.0, tilt_deg=0.0, roll_deg=0.0, n=N, head=+1.0):
    """Landmarks whose *estimated* pan and tilt are ``pan_deg`` and ``tilt_deg`` (for analysis tests).

    Filmed at the raw angles the calibrated maps turn into these, so an
    analysis test can ask for an estimated pan without depending on the map.
    """
    raw_pan = (pan_deg - PAN_MAP[1]) / PAN_MAP[0]
    raw_tilt = (tilt_deg - TILT_MAP[1]) / TILT_MAP[0]
    return _filmed(raw_pan, raw_tilt, roll_deg, n=n, head=head)


@pytest.mark.parametrize("pan", [-25.0, -10.0, 0.0, 10.0, 25.0])
@pytest.mark.parametrize("head", [+1.0, -1.0])
def test_the_raw_pan_is_the_trunks_depth_slope_towards_the_head_positive(pan, head):
    raw_pan, _ = raw_camera_angles_deg(*_filmed(pan_deg=pan, head=head))
    assert raw_pan == pytest.approx(pan, abs=1e-6)


@pytest.mark.parametrize("gain", [1.5, 2.0])
def test_compressed_depth_reads_the_flatter_slope_geometry_predicts(gain):
    raw_pan, _ = raw_camera_angles_deg(*_filmed(pan_deg=20.0, depth_gain=gain))
    expected = np.degrees(np.arctan(np.tan(np.radians(20.0)) / gain))  # depth / gain, in-plane unchanged
    assert raw_pan == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("tilt", [5.0, 15.0])
def test_the_raw_tilt_is_the_lateral_axis_slope_down_the_picture(tilt):
    _, raw_tilt = raw_camera_angles_deg(*_filmed(tilt_deg=tilt))
    assert raw_tilt == pytest.approx(tilt, abs=0.5)


def test_the_estimate_applies_the_calibrated_maps_to_the_raw_slopes():
    w, vis = _filmed(pan_deg=11.0, tilt_deg=7.0, depth_gain=1.7)
    raw_pan, raw_tilt = raw_camera_angles_deg(w, vis)
    off = estimate_camera_offset(w, vis)
    assert off.pan_deg == pytest.approx(PAN_MAP[0] * raw_pan + PAN_MAP[1])
    assert off.tilt_deg == pytest.approx(TILT_MAP[0] * raw_tilt + TILT_MAP[1])


def test_views_outside_the_benchmarked_cameras_are_said_so():
    lo, hi = BENCHMARKED_PAN_DEG
    assert camera.benchmarked_view(lo, 5.0) and camera.benchmarked_view(hi, 5.0)
    assert not camera.benchmarked_view(lo - 3, 5.0) and not camera.benchmarked_view(hi + 3, 5.0)
    assert not camera.benchmarked_view(0.0, 40.0) and camera.benchmarked_view(float("nan"), float("nan"))


def test_phone_rolled_about_its_lens_reads_the_same():
    level = estimate_camera_offset(*world_landmarks(pan_deg=12.0, tilt_deg=10.0))
    rolled = estimate_camera_offset(*world_landmarks(pan_deg=12.0, tilt_deg=10.0, roll_deg=20.0))
    assert rolled.pan_deg == pytest.approx(level.pan_deg, abs=1e-6)
    assert rolled.tilt_deg == pytest.approx(level.tilt_deg, abs=1e-6)


def test_the_far_side_tested_changes_nothing():
    """Swapping the left/right labels (the other side facing the camera) gives the same view."""
    w, vis = world_landmarks(pan_deg=15.0, tilt_deg=8.0)
    order = np.arange(33)
    order[sk.pair("shoulder") + sk.pair("hip")] = [
        sk.RIGHT_SHOULDER,
        sk.LEFT_SHOULDER,
        sk.RIGHT_HIP,
        sk.LEFT_HIP,
    ]
    swapped = w[:, order]
    a, b = estimate_camera_offset(w, vis), estimate_camera_offset(swapped, vis)
    assert (a.pan_deg, a.tilt_deg) == pytest.approx((b.pan_deg, b.tilt_deg))


def test_unseen_trunk_gives_nan():
    w, vis = world_landmarks()
    vis[:, sk.pair("shoulder")] = 0.1
    off = estimate_camera_offset(w, vis)
    assert np.isnan(off.pan_deg) and np.isnan(off.tilt_deg)


@pytest.fixture(scope="module")
def k2c(samples_dir):
    truth = load_truth(samples_dir / "k2c_left_early_tilt.truth.csv")
    return (truth["time_s"], *truth_landmarks(truth))


@pytest.mark.parametrize(("pan", "warned"), [(3.0, False), (20.0, True), (-20.0, True)])
def test_knee_to_chest_warns_about_an_off_square_phone(k2c, pan, warned):
    time_s, pts, vis = k2c
    world, _ = world_landmarks(pan_deg=pan, n=time_s.size)
    rep = analyze_knee_to_chest(time_s, pts, vis, world_m=world).reps[0]
    assert rep.camera.pan_deg == pytest.approx(pan, abs=0.05)
    messages = [w for w in rep.warnings if "off square" in w]
    assert bool(messages) == warned
    if warned:
        assert ("towards the head" if pan > 0 else "towards the feet") in messages[0]


def test_knee_to_chest_without_3d_landmarks_has_no_camera_estimate(k2c):
    assert analyze_knee_to_chest(*k2c).reps[0].camera is None


@pytest.mark.parametrize(("pan", "off_square"), [(2.0, False), (18.0, True)])
def test_off_square_caps_the_confidence_and_keeps_the_interval(samples_dir, pan, off_square):
    """The interval's error range is measured over every camera of the held-out suites (pans of -18 to
    17 deg), so an off-square phone no longer widens it; it caps the confidence and says why."""
    cfg = KneeToChestConfig(
        calibration=dataclasses.replace(DEFAULT, pan_flexion_slope_per_deg=0.0)
    )  # the cap
    truth = load_truth(samples_dir / "k2c_left_early_tilt.truth.csv")
    pts, vis = truth_landmarks(truth)
    ccw = -(truth["pelvic_tilt_deg"] + 7.0)  # the card, as in test_knee_to_chest
    world, _ = world_landmarks(pan_deg=pan, n=pts.shape[0])
    plain = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=ccw).reps[0]
    rep = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=ccw, world_m=world, config=cfg).reps[
        0
    ]
    assert rep.onset_hip_flexion_deg == pytest.approx(plain.onset_hip_flexion_deg)
    assert rep.onset_ci_deg == pytest.approx(plain.onset_ci_deg)
    assert any("off square: the benchmark's onset error" in r for r in rep.reasons) == off_square
    if off_square:
        assert rep.confidence in ("moderate", "low")
    else:
        assert rep.confidence == plain.confidence


def test_flexion_scale_undoes_the_pan_error_within_the_fitted_range():
    slope = DEFAULT.pan_flexion_slope_per_deg
    assert slope < 0  # seen from towards the head the model reads less flexion: scale it up
    assert flexion_scale(0.0) == 1.0 and flexion_scale(float("nan")) == 1.0 and flexion_scale(None) == 1.0
    assert flexion_scale(10.0) == pytest.approx(1 - slope * 10)
    assert flexion_scale(10.0) > 1 > flexion_scale(-10.0)
    assert flexion_scale(60.0) == flexion_scale(DEFAULT.pan_correction_max_deg)  # not extrapolated
    assert flexion_scale(-60.0) == flexion_scale(-DEFAULT.pan_correction_max_deg)
    steeper = dataclasses.replace(DEFAULT, pan_flexion_slope_per_deg=2 * slope)  # another model's own slope
    assert flexion_scale(10.0, steeper) == pytest.approx(1 - 2 * slope * 10)


@pytest.mark.parametrize("pan", [-20.0, 12.0])
def test_the_reps_angles_are_scaled_for_the_estimated_pan(k2c, pan):
    """Peaks and the per-frame series inside the rep carry the rep's flexion_scale; outside, as read."""
    time_s, pts, vis = k2c
    world, _ = world_landmarks(pan_deg=pan, n=time_s.size)
    plain = analyze_knee_to_chest(time_s, pts, vis)
    seen = analyze_knee_to_chest(time_s, pts, vis, world_m=world)
    rep, plain_rep = seen.reps[0], plain.reps[0]
    scale = rep.camera.flexion_scale
    assert scale == pytest.approx(flexion_scale(rep.camera.pan_deg)) and abs(scale - 1) > 0.03
    assert rep.peak_thigh_angle_deg == pytest.approx(plain_rep.peak_thigh_angle_deg * scale)
    assert rep.peak_trunk_thigh_angle_deg == pytest.approx(plain_rep.peak_trunk_thigh_angle_deg * scale)
    inside = slice(rep.rep.start_frame, rep.rep.end_frame + 1)
    for name in ("thigh_vs_table_deg", "trunk_thigh_deg"):
        a, b = getattr(seen.angles[rep.side], name), getattr(plain.angles[rep.side], name)
        np.testing.assert_allclose(a[inside], b[inside] * scale)
        np.testing.assert_array_equal(a[: rep.rep.start_frame], b[: rep.rep.start_frame])


@pytest.mark.parametrize(
    ("pan", "where"),
    [(0.3, "phone square to the body"), (-0.4, "phone square to the body"),
     (6.0, "phone about 6 deg towards the head"), (-12.0, "phone about 12 deg towards the feet")],
)  # fmt: skip
def test_the_accuracy_line_says_where_the_phone_stood(pan, where):
    from hiprom.protocols.knee_to_chest import accuracy_line

    err = {
        "basis": "synthetic benchmark, camera square-on",
        "peak_thigh_angle": 2.6,
        "peak_thigh_angle_max": 8.5,
        "peak_trunk_thigh_angle": 3.0,
        "peak_trunk_thigh_angle_max": 7.5,
    }
    line = accuracy_line({"test": "knee-to-chest", "camera": {"pan_deg": pan, "tilt_deg": 7.0},
                          "measurement_error_deg": err})  # fmt: skip
    assert line.startswith(f"{where} and 7 deg above the table; benchmark error (square-on): thigh 2.6 deg")
