"""Synthetic-test schedules and the camera (pure numpy; no torch needed)."""

from __future__ import annotations

import numpy as np
import pytest

from hiprom.kinematics.pelvis import normal_posterior_tilt_deg
from hiprom.synth.camera import place_camera
from hiprom.synth.motion import KneeToChestMotion, hinge_split, knee_to_chest_schedule, smooth_profile


def test_smooth_profile_hits_its_targets():
    t = np.linspace(0, 6, 601)
    p = smooth_profile(t, [(1.0, 0.0), (2.0, 1.0), (1.0, 1.0), (2.0, 0.0)])
    assert p[0] == 0 and p[np.searchsorted(t, 3.0)] == pytest.approx(1.0) and p[-1] == pytest.approx(0.0)
    assert np.all(np.abs(np.diff(p)) < 0.02)  # no jumps


def test_healthy_hip_follows_the_normal_curve():
    lift = np.linspace(0, 130, 100)
    hip, tilt = hinge_split(lift, None)
    np.testing.assert_allclose(hip + tilt, lift, atol=1e-9)
    np.testing.assert_allclose(tilt, normal_posterior_tilt_deg(hip), atol=0.02)


def test_stiff_hip_stops_and_the_pelvis_takes_over():
    lift = np.linspace(0, 130, 261)
    hip, tilt = hinge_split(lift, 90.0, give=0.1)
    np.testing.assert_allclose(hip + tilt, lift, atol=1e-9)
    assert hip.max() < 90.0 + 0.1 * 40 + 0.01
    past = hip > 90.0
    assert (tilt[past] - normal_posterior_tilt_deg(hip[past]) > 0).all()


def test_schedule_lengths_and_reps():
    motion = KneeToChestMotion(reps=2)
    t = np.arange(int(motion.duration_s * 30)) / 30
    s = knee_to_chest_schedule(motion, t)
    rising = np.flatnonzero(np.diff((s["progress"] > 0.5).astype(int)) == 1)
    assert rising.size == 2
    assert s["lift_deg"].max() == pytest.approx(motion.peak_lift_deg, abs=0.1)


def test_camera_projects_the_target_to_the_centre_and_keeps_distance():
    target = np.array([0.2, 0.3, -0.1])
    for view in ("side", "front", "overhead", "foot_end"):
        cam = place_camera(
            target, view, distance_m=2.5, pan_deg=10, tilt_deg=12, width_px=1280, height_px=720
        )
        np.testing.assert_allclose(cam.project(target), [640, 360], atol=1e-6)
        assert np.linalg.norm(cam.position - target) == pytest.approx(2.5)
        np.testing.assert_allclose(cam.rotation @ cam.rotation.T, np.eye(3), atol=1e-9)


def test_side_camera_pan_and_tilt_geometry():
    target = np.zeros(3)
    cam = place_camera(target, "side", distance_m=2.0, pan_deg=0, tilt_deg=0)
    np.testing.assert_allclose(cam.position, [0, 0, 2.0], atol=1e-9)
    up = cam.project(np.array([[0, 0.1, 0]]))[0]
    assert up[1] < 360  # world up is image up
    tilted = place_camera(target, "side", distance_m=2.0, tilt_deg=30)
    assert tilted.position[1] == pytest.approx(1.0)  # raised by sin(30) x 2 m
    panned = place_camera(target, "side", distance_m=2.0, pan_deg=20)
    assert np.degrees(np.arctan2(panned.position[0], panned.position[2])) == pytest.approx(20)


def test_arms_resting_on_the_thighs_only_change_the_rest_shoulder():
    t = np.linspace(0, 8, 241)
    side = knee_to_chest_schedule(KneeToChestMotion(), t)
    thighs = knee_to_chest_schedule(KneeToChestMotion(arms_rest="thighs"), t)
    np.testing.assert_allclose(side["shoulder_deg"], 55.0 * side["progress"])  # the clips rendered before
    assert thighs["shoulder_deg"][0] == pytest.approx(9.0)
    assert thighs["shoulder_deg"].max() == pytest.approx(side["shoulder_deg"].max())


def test_an_insert_is_painted_among_the_faces_at_its_distance():
    from hiprom.synth.camera import Camera
    from hiprom.synth.render import Mesh, render

    cam = Camera(np.zeros(3), np.eye(3), 100.0, 64, 64)
    far = Mesh([[-1, -1, 3], [1, -1, 3], [0, 1, 3]], [[0, 2, 1]], [[255, 0, 0]], cull=False)
    near = Mesh([[-0.1, -0.1, 1], [0.1, -0.1, 1], [0, 0.1, 1]], [[0, 2, 1]], [[0, 0, 255]], cull=False)
    backdrop = np.zeros((64, 64, 3), np.uint8)

    def white(img):
        img = img.copy()
        img[28:36, 28:36] = 255
        return img

    def centre(inserts):
        return render([far, near], cam, backdrop, inserts=inserts)[32, 32].tolist()

    blue = centre([])
    assert blue[2] > 100 and blue[0] < 50  # the near triangle in front
    assert centre([(2.0, white)]) == blue  # between the two: hidden by the near one
    assert centre([(0.5, white)]) == [255, 255, 255]  # nearer than both
    assert centre([(0.0, white)]) == [255, 255, 255]  # 0: painted last
