"""Hip-rotation analysis on exact landmark series built per position (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

import hiprom.skeleton as sk
from hiprom.analysis.hip_ir import analyze_hip_ir
from hiprom.errors import BadInputError
from hiprom.norms import IR_MDC_DEG
from tests.factories import ir_pose, rotation_profile

POSITIONS = ("supine", "seated", "prone")


def _run(position, rotations, time_s, **kwargs):
    pts = ir_pose(position, rotations, time_s.size)
    vis = np.ones(pts.shape[:2])
    return analyze_hip_ir(time_s, pts, vis, position, **kwargs)


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("side", ["left", "right"])
def test_peak_ir_and_er_recovered_in_each_position(position, side):
    time_s, rotation = rotation_profile(ir_deg=32.0, er_deg=24.0)
    result = _run(position, {side: rotation}, time_s)
    assert [s.side for s in result.sides] == [side]
    s = result.sides[0]
    assert s.peak_ir_deg == pytest.approx(32.0, abs=0.5)
    assert s.peak_er_deg == pytest.approx(24.0, abs=0.5)
    assert s.limited is False
    assert [h.kind for h in s.holds] == ["ir", "er"]
    assert s.holds[0].rep.start_s == pytest.approx(1.2, abs=0.3)
    assert np.nanmax(np.abs(result.rotation_deg[side] - rotation)) < 0.5
    assert abs(s.rest_offset_deg) < 1.0
    if position == "prone":
        assert len(s.warnings) == 1 and "accuracy is not established" in s.warnings[0]
    else:
        assert not s.warnings


def test_limited_ir_is_flagged_at_or_below_20_deg():
    time_s, rotation = rotation_profile(ir_deg=15.0, er_deg=35.0)
    s = _run("seated", {"left": rotation}, time_s).sides[0]
    assert s.limited is True
    assert s.peak_ir_deg == pytest.approx(15.0, abs=0.5)


def test_both_sides_and_asymmetry_finding():
    time_s, left = rotation_profile(ir_deg=42.0, er_deg=30.0)
    _, right = rotation_profile(ir_deg=18.0, er_deg=30.0)
    result = _run("supine", {"left": left, "right": right}, time_s)
    assert sorted(s.side for s in result.sides) == ["left", "right"]
    assert result.asymmetry_deg == pytest.approx(24.0, abs=1.0)
    assert result.asymmetric is True
    assert any("SIDE-TO-SIDE DIFFERENCE 24 deg" in f and "right hip" in f for f in result.findings)
    assert any(f"{IR_MDC_DEG['supine']:.1f} deg" in f for f in result.findings)
    _, right_close = rotation_profile(ir_deg=35.0, er_deg=30.0)
    close = _run("supine", {"left": left, "right": right_close}, time_s)
    assert close.asymmetric is False


def _transform(pts: np.ndarray, angle_deg: float, scale: float, shift) -> np.ndarray:
    a = np.radians(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return pts @ rot.T * scale + np.asarray(shift)


@pytest.mark.parametrize("position", POSITIONS)
def test_rotating_scaling_translating_the_image_changes_nothing(position):
    time_s, rotation = rotation_profile(ir_deg=28.0, er_deg=33.0)
    pts = ir_pose(position, {"right": rotation}, time_s.size)
    vis = np.ones(pts.shape[:2])
    base = analyze_hip_ir(time_s, pts, vis, position).sides[0]
    moved = analyze_hip_ir(time_s, _transform(pts, 37.0, 1.7, (-300, 90)), vis, position).sides[0]
    assert moved.peak_ir_deg == pytest.approx(base.peak_ir_deg, abs=1e-6)
    assert moved.peak_er_deg == pytest.approx(base.peak_er_deg, abs=1e-6)


def test_mirroring_the_image_swaps_the_sides():
    time_s, rotation = rotation_profile(ir_deg=28.0, er_deg=33.0)
    pts = ir_pose("seated", {"left": rotation}, time_s.size)
    mirrored = pts.copy()
    mirrored[..., 0] = 1280 - mirrored[..., 0]
    # a mirror image of a left leg is a right leg: the model labels it so
    swap = np.arange(33)
    for a, b in (sk.JOINTS[j] for j in ("shoulder", "hip", "knee", "ankle")):
        swap[a], swap[b] = b, a
    mirrored = mirrored[:, swap]
    vis = np.ones(pts.shape[:2])
    s = analyze_hip_ir(time_s, mirrored, vis, "seated").sides[0]
    assert s.side == "right"
    assert s.peak_ir_deg == pytest.approx(28.0, abs=0.5)
    assert s.peak_er_deg == pytest.approx(33.0, abs=0.5)


def test_short_gaps_are_bridged():
    time_s, rotation = rotation_profile()
    pts = ir_pose("supine", {"left": rotation}, time_s.size)
    pts[50:54] = np.nan
    s = analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), "supine").sides[0]
    assert s.peak_ir_deg == pytest.approx(30.0, abs=0.5)


def test_requested_side_only():
    time_s, rotation = rotation_profile()
    result = _run("seated", {"left": rotation, "right": rotation}, time_s, side="right")
    assert [s.side for s in result.sides] == ["right"]


def test_no_rotation_is_refused():
    time_s, rotation = rotation_profile()
    with pytest.raises(BadInputError, match="no hip rotation found"):
        _run("seated", {"left": rotation * 0.05}, time_s)


def test_unknown_position_is_refused():
    time_s, rotation = rotation_profile()
    pts = ir_pose("seated", {"left": rotation}, time_s.size)
    with pytest.raises(BadInputError, match="position must be one of"):
        analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), "standing")


@pytest.mark.parametrize(
    ("filmed", "declared", "message"),
    [("seated", "prone", "points away from the head"), ("prone", "seated", "points towards the head")],
)
def test_wrong_position_for_the_view_is_refused(filmed, declared, message):
    time_s, rotation = rotation_profile()
    pts = ir_pose(filmed, {"left": rotation}, time_s.size)
    with pytest.raises(BadInputError, match=message):
        analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), declared)


def test_shank_pointing_at_the_camera_is_refused():
    """A supine 90/90 test filmed from the foot end: the shank is a short stub on screen."""
    time_s, rotation = rotation_profile()
    pts = ir_pose("supine", {"left": rotation}, time_s.size)
    for k in (0, 1):
        pts[:, sk.JOINTS["ankle"][k]] = (
            pts[:, sk.JOINTS["knee"][k]]
            + (pts[:, sk.JOINTS["ankle"][k]] - pts[:, sk.JOINTS["knee"][k]]) * 0.25
        )
    with pytest.raises(BadInputError, match="shank points at the camera"):
        analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), "supine")


def test_hips_seen_edge_on_are_refused():
    """A seated test filmed from the side: the hips overlap."""
    time_s, rotation = rotation_profile()
    pts = ir_pose("seated", {"left": rotation}, time_s.size)
    pts[:, sk.LEFT_HIP, 0] = pts[:, sk.RIGHT_HIP, 0] + 8.0
    pts[:, sk.LEFT_SHOULDER, 0] = pts[:, sk.RIGHT_SHOULDER, 0] + 8.0
    with pytest.raises(BadInputError, match="hips overlap"):
        analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), "seated")


@pytest.mark.parametrize("position", ["supine", "seated"])
def test_trunk_foreshortened_is_refused(position):
    """Filmed along the body (from the foot or head end): the trunk is short next to the pelvis."""
    time_s, rotation = rotation_profile()
    pts = ir_pose(position, {"left": rotation}, time_s.size)
    hip_mid = pts[:, sk.pair("hip")].mean(axis=1, keepdims=True)
    trunk = pts[:, sk.pair("shoulder")].mean(axis=1, keepdims=True) - hip_mid
    pts[:, sk.pair("shoulder")] -= (
        trunk * 0.75
    )  # the shoulders slide towards the hips: 1/4 of the trunk's length
    with pytest.raises(BadInputError, match="camera looks along the body"):
        analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), position)


@pytest.mark.parametrize("position", POSITIONS)
def test_hip_line_along_the_trunk_is_refused(position):
    """Mislabelled body (seen from a raised foot-end phone): the 'hips' lie one above the other."""
    time_s, rotation = rotation_profile()
    pts = ir_pose(position, {"left": rotation}, time_s.size)
    hip_mid = pts[:, sk.pair("hip")].mean(axis=1)
    trunk = pts[:, sk.pair("shoulder")].mean(axis=1) - hip_mid
    trunk_unit = trunk / np.linalg.norm(trunk, axis=-1, keepdims=True)
    half = np.linalg.norm(pts[:, sk.LEFT_HIP] - pts[:, sk.RIGHT_HIP], axis=-1, keepdims=True) / 2
    pts[:, sk.LEFT_HIP], pts[:, sk.RIGHT_HIP] = hip_mid + trunk_unit * half, hip_mid - trunk_unit * half
    with pytest.raises(BadInputError, match="hips do not line up across the trunk"):
        analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), position)


def test_a_leg_the_model_loses_is_refused():
    """The shank's landmarks flip to the other side of the knee for a third of a second."""
    time_s, rotation = rotation_profile()
    pts = ir_pose("supine", {"left": rotation}, time_s.size)
    flip = slice(100, 110)
    pts[flip, sk.LEFT_ANKLE] = 2 * pts[flip, sk.LEFT_KNEE] - pts[flip, sk.LEFT_ANKLE]
    with pytest.raises(BadInputError, match="lost the tested leg: its shank jumped"):
        analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), "supine", side="left")


def test_a_rotation_beyond_any_hip_is_refused():
    time_s, rotation = rotation_profile(ir_deg=30.0, er_deg=120.0)
    pts = ir_pose("seated", {"left": rotation}, time_s.size)
    with pytest.raises(BadInputError, match="turned 120 deg from rest, beyond any hip rotation"):
        analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), "seated")


@pytest.mark.parametrize(("position", "turn_deg", "warned"), [
    ("prone", 9.0, True), ("seated", 5.0, True), ("seated", 2.4, False), ("supine", 9.0, False)
])  # fmt: skip
def test_pelvis_compensation_is_warned(position, turn_deg, warned):
    time_s, rotation = rotation_profile(ir_deg=30.0, er_deg=25.0)
    pts = ir_pose(position, {"left": rotation}, time_s.size)
    # the pelvis rolls with internal rotation: the hip line turns up to turn_deg on screen
    roll = np.radians(turn_deg / 30.0 * np.clip(rotation, 0, None))
    mid = pts[:, sk.pair("hip")].mean(axis=1)
    for j in sk.pair("hip"):
        d = pts[:, j] - mid
        pts[:, j] = mid + np.stack([d[:, 0] * np.cos(roll) - d[:, 1] * np.sin(roll),
                                    d[:, 0] * np.sin(roll) + d[:, 1] * np.cos(roll)], axis=1)  # fmt: skip
    s = analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), position).sides[0]
    message = f"pelvis tilted sideways by {turn_deg:.0f} deg during internal rotation"
    assert any(message in w for w in s.warnings) == warned
    assert not any("external rotation" in w for w in s.warnings)


def test_start_away_from_neutral_is_warned():
    time_s, rotation = rotation_profile()
    s = _run("seated", {"left": rotation + 20.0}, time_s).sides[0]
    assert any("rested 20 deg laterally" in w for w in s.warnings)
    assert s.peak_ir_deg == pytest.approx(30.0, abs=0.5)  # measured from the rest position


def test_hip_not_at_90_is_warned():
    time_s, rotation = rotation_profile()
    pts = ir_pose("seated", {"left": rotation}, time_s.size)
    shank = pts[:, sk.LEFT_ANKLE] - pts[:, sk.LEFT_KNEE]
    pts[:, sk.LEFT_KNEE] = pts[:, sk.LEFT_HIP] + (0.0, 220.0)  # the thigh lies in the image plane
    pts[:, sk.LEFT_ANKLE] = pts[:, sk.LEFT_KNEE] + shank
    s = analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), "seated").sides[0]
    assert any("hip is far from 90 deg" in w for w in s.warnings)


def test_a_knee_point_sliding_with_the_rotation_does_not_shrink_it():
    """MediaPipe's knee point slides laterally with the shank; the knee's centre does not move."""
    from hiprom.kinematics.rotation import signed_rotation_deg

    time_s, rotation = rotation_profile(ir_deg=32.0, er_deg=30.0)
    pts = ir_pose("seated", {"left": rotation}, time_s.size)
    pts[:, sk.LEFT_KNEE, 0] += 0.8 * rotation  # up to 26 px of drift towards the foot's side (shank 250 px)
    vis = np.ones(pts.shape[:2])
    s = analyze_hip_ir(time_s, pts, vis, "seated").sides[0]
    assert s.peak_ir_deg == pytest.approx(32.0, abs=0.5)
    assert s.pivot.source == "knee"
    following = signed_rotation_deg(pts[:, sk.LEFT_ANKLE] - pts[:, sk.LEFT_KNEE], s.neutral_dir, [1.0, 0.0])
    assert np.nanmax(following) < 28.0  # what following the knee point would report


@pytest.mark.parametrize("position", ["supine", "seated"])
@pytest.mark.parametrize("slid", [0.25, 0.45])
def test_a_knee_point_slid_down_the_shank_is_replaced_from_the_proportions(position, slid):
    """On clothed legs the knee point sits part-way down the shank: about it every angle reads high."""
    from hiprom.calibration import BENCH_PEAK_IR_CLOTHED_ERROR_DEG
    from hiprom.protocols.hip_ir import accuracy_line, ir_entry

    time_s, rotation = rotation_profile(ir_deg=22.0, er_deg=30.0)
    pts = ir_pose(position, {"right": rotation}, time_s.size)
    knee, ankle = pts[:, sk.RIGHT_KNEE], pts[:, sk.RIGHT_ANKLE]
    pts[:, sk.RIGHT_KNEE] = knee + slid * (ankle - knee)  # a knee point that slid with the shank
    s = analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), position).sides[0]
    assert s.pivot.source == "proportions"
    assert s.pivot.knee_fraction == pytest.approx(1 - slid, abs=0.12)  # the factory's proportions ~ bench
    # about the slid point the hold would read 22 deg as ~28-37 deg; about the placed knee within a few deg
    assert s.peak_ir_deg == pytest.approx(22.0, abs=3.0)
    assert s.peak_er_deg == pytest.approx(30.0, abs=4.0)
    assert any("knee point sat" in w and "clothed-leg error applies" in w for w in s.warnings)
    entry = ir_entry(s, (0.1, 0.2))
    assert entry["pivot"]["source"] == "proportions"
    stated = (entry["measurement_error_deg"], entry["measurement_error_max_deg"])
    assert stated == BENCH_PEAK_IR_CLOTHED_ERROR_DEG
    entry = ir_entry(s, (99.0, 99.5))  # never less than the view's own (bare-leg) error
    assert (entry["measurement_error_deg"], entry["measurement_error_max_deg"]) == (99.0, 99.5)
    assert "knee placed from the body's proportions" in accuracy_line(entry)


def test_a_knee_point_at_the_knee_is_kept_and_prone_never_moves_it():
    from hiprom.analysis.ir_pivot import shank_pivot

    knee, ankle = np.tile([100.0, 100.0], (5, 1)), np.tile([100.0, 350.0], (5, 1))
    hips = np.tile([[50.0, 0.0], [150.0, 0.0]], (5, 1, 1))
    kept = shank_pivot(knee, ankle, hips, "seated")  # 250 px where 100 / 0.42 = 238 px is predicted
    assert kept.source == "knee" and kept.point_px.tolist() == [100.0, 100.0]
    down = np.add(knee, (0.0, 100.0))  # 150 px: the knee point slid 100 px down the shank
    slid = shank_pivot(down, ankle, hips, "seated")
    assert slid.source == "proportions"
    assert slid.point_px[0] == pytest.approx(100.0)
    assert 350.0 - slid.point_px[1] == pytest.approx(slid.expected_shank_px)
    assert shank_pivot(down, ankle, hips, "prone").source == "knee"  # no proportion fitted
    unseen = shank_pivot(down, ankle, np.full((5, 2, 2), np.nan), "seated")
    assert unseen.source == "knee" and np.isnan(unseen.knee_fraction)


@pytest.mark.parametrize(("position", "hinted"), [("prone", True), ("seated", False)])
def test_prone_refusals_say_the_view_is_the_problem(monkeypatch, samples_dir, tmp_path, position, hinted):
    import hiprom.pipeline as pipeline
    from hiprom import protocols
    from hiprom.errors import TooFewDetectionsError

    def no_person(*args, **kwargs):
        raise TooFewDetectionsError("the person in x.mp4 was detected in only 5 of 200 frames")

    monkeypatch.setattr(pipeline, "get_landmarks", no_person)
    with pytest.raises(TooFewDetectionsError, match="only 5 of 200 frames") as caught:
        clip = samples_dir / "ir_seated_left.mp4"
        pipeline.analyze(clip, tmp_path / "out", protocols.get("hip-ir").options(position))
    assert ("use the seated or supine test" in str(caught.value)) == hinted
    assert not (tmp_path / "out").exists()


def _rolling_hips_world(n_frames, rotation, roll_deg):
    """(n, 33, 3) camera-aligned 3D landmarks whose hip line tilts in depth with the rotation."""
    world = np.full((n_frames, 33, 3), np.nan)
    roll = np.radians(roll_deg * np.abs(rotation) / np.abs(rotation).max())
    half = 0.1
    world[:, sk.LEFT_HIP] = np.stack([half * np.cos(roll), np.zeros(n_frames), half * np.sin(roll)], axis=1)
    world[:, sk.RIGHT_HIP] = -world[:, sk.LEFT_HIP]
    return world


@pytest.mark.parametrize(("position", "roll_deg", "warned"), [
    ("supine", 14.0, True), ("supine", 5.0, False), ("seated", 14.0, False)
])  # fmt: skip
def test_a_pelvis_rolling_in_depth_is_warned_supine(position, roll_deg, warned):
    """Supine from overhead, the roll shows in the 3D landmarks only (seated has its on-screen gate)."""
    time_s, rotation = rotation_profile(ir_deg=30.0, er_deg=25.0)
    pts = ir_pose(position, {"left": rotation}, time_s.size)
    world = _rolling_hips_world(time_s.size, rotation, roll_deg)
    (side,) = analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), position, world_m=world).sides
    rolled = [w for w in side.warnings if "pelvis rolled by about" in w]
    assert bool(rolled) == warned
    if warned:
        assert len(rolled) == 2 and "14 deg during internal rotation" in rolled[0]


def test_the_untested_leg_lying_flat_is_not_measured_when_the_other_is_in_position():
    time_s, rotation = rotation_profile(ir_deg=30.0, er_deg=25.0)
    jitter = 9.0 * np.sin(np.linspace(0, 6 * np.pi, time_s.size))  # the flat leg's shank point wanders
    pts = ir_pose("supine", {"left": rotation, "right": jitter}, time_s.size)
    shank = pts[:, sk.RIGHT_ANKLE] - pts[:, sk.RIGHT_KNEE]  # 300 px, turning with the jitter
    pts[:, sk.RIGHT_KNEE] = pts[:, sk.RIGHT_HIP] + (250.0, 0.0)  # its thigh lies along the table: long
    pts[:, sk.RIGHT_ANKLE] = pts[:, sk.RIGHT_KNEE] + shank
    alone = analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), "supine", side="right")
    assert alone.sides[0].peak_er_deg > 5.0  # on its own it would print a rotation
    both = analyze_hip_ir(time_s, pts, np.ones(pts.shape[:2]), "supine")
    assert [s.side for s in both.sides] == ["left"]
    assert "right" not in both.rotation_deg
    assert any("right leg was not in the test position" in n for n in both.notes)


@pytest.mark.parametrize(
    ("ir", "band"),
    [(12.0, "limited"), (20.0, "limited"), (28.0, "below healthy"), (45.0, "healthy"),
     (55.0, "above healthy"), (None, None), (float("nan"), None)],
)  # fmt: skip
def test_a_peak_ir_between_limited_and_healthy_is_said_to_be_below_healthy(ir, band):
    """Not limited is not healthy: 21-39 deg sits below the healthy 40-50 (issue #19)."""
    from hiprom.norms import ir_band
    from hiprom.protocols.hip_ir import HipIR

    assert ir_band(ir) == band
    if ir is not None and ir == ir and ir > 20:
        entry = {
            "side": "left",
            "position": "seated",
            "peak_ir_deg": ir,
            "peak_er_deg": 30.0,
            "limited": False,
        }
        assert HipIR().view(entry).verdict == f"not limited ({band})"


def _world_femur(n: int, lateral_deg: float, along_deg: float, side: str = "left") -> np.ndarray:
    """(n, 33, 3) 3D landmarks with the hips level across x and the femur tipped off the depth axis."""
    world = np.zeros((n, 33, 3))
    world[:, sk.LEFT_HIP], world[:, sk.RIGHT_HIP] = (0.1, 0.0, 0.0), (-0.1, 0.0, 0.0)
    world[:, sk.LEFT_SHOULDER], world[:, sk.RIGHT_SHOULDER] = (0.15, 0.5, 0.0), (-0.15, 0.5, 0.0)
    s = 1.0 if side == "left" else -1.0
    hip = world[0, sk.JOINTS["hip"][0 if side == "left" else 1]]
    direction = np.array([s * np.tan(np.radians(lateral_deg)), np.tan(np.radians(along_deg)), -1.0])
    world[:, sk.JOINTS["knee"][0 if side == "left" else 1]] = hip + 0.4 * direction / np.linalg.norm(
        direction
    )
    return world


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(("lateral", "along"), [(0.0, 0.0), (15.0, -5.0), (-30.0, 20.0)])
def test_the_femurs_direction_off_the_camera_axis_is_read_from_the_3d_landmarks(side, lateral, along):
    from hiprom.analysis.ir_views import femur_view_deg

    world = _world_femur(10, lateral, along, side)
    got = femur_view_deg(world, np.ones(world.shape[:2]), slice(0, 10), side)
    assert got == pytest.approx((lateral, along), abs=1e-6)
    turned = (
        world @ np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]).T
    )  # the phone turned 90 deg
    assert femur_view_deg(turned, np.ones(world.shape[:2]), slice(0, 10), side) == pytest.approx(
        got, abs=1e-6
    )


def test_a_view_beyond_the_benchmarks_clips_states_no_error(monkeypatch):
    """An IR result whose rest femur points further off the camera's axis than in any benchmark clip of
    its position says 'not benchmarked for this view' (warning, result entry, accuracy line), no error."""
    from hiprom.analysis import ir_views
    from hiprom.protocols.hip_ir import accuracy_line, ir_entry

    time_s, rotation = rotation_profile(ir_deg=30.0, er_deg=30.0)
    pts = ir_pose("seated", {"left": rotation}, time_s.size)
    vis = np.ones(pts.shape[:2])
    world = _world_femur(time_s.size, 35.0, 20.0)
    box = {"lateral": [-20.0, 20.0], "along": [15.0, 27.0]}
    monkeypatch.setitem(ir_views.BENCHMARKED_IR_FEMUR_DEG, "seated", box)
    inside = analyze_hip_ir(time_s, pts, vis, "seated", world_m=_world_femur(time_s.size, 5.0, 20.0)).sides[0]
    assert not any("not benchmarked" in w for w in inside.warnings)
    assert ir_entry(inside, (0.7, 1.6))["measurement_error_deg"] == 0.7
    beyond = analyze_hip_ir(time_s, pts, vis, "seated", world_m=world).sides[0]
    assert beyond.femur_view_deg == pytest.approx((35.0, 20.0), abs=0.1)
    assert beyond.peak_ir_deg == pytest.approx(inside.peak_ir_deg)  # measured all the same
    assert any("not benchmarked for this view" in w for w in beyond.warnings)
    entry = ir_entry(beyond, (0.7, 1.6))
    assert entry["benchmarked_view"] is False and entry["measurement_error_deg"] is None
    assert entry["er_measurement_error_deg"] is None
    assert accuracy_line(entry).startswith("errors not benchmarked for this view")
    from hiprom.calibration import IR_FEMUR_MARGIN_DEG

    near = _world_femur(time_s.size, 20.0 + IR_FEMUR_MARGIN_DEG / 2, 20.0)  # just past the range: the margin
    assert ir_entry(analyze_hip_ir(time_s, pts, vis, "seated", world_m=near).sides[0], (0.7, 1.6))[
        "benchmarked_view"
    ]
    unknown = analyze_hip_ir(time_s, pts, vis, "seated").sides[0]  # no 3D landmarks: nothing to judge by
    assert ir_entry(unknown, (0.7, 1.6))["benchmarked_view"] is True


def test_the_side_to_side_statement_states_its_error_from_the_protocol_layer():
    """The analysis words the difference; the protocol adds the benchmark's error of a difference, or
    why there is none (another pose model, or a position with no difference benchmarked)."""
    from types import SimpleNamespace

    from hiprom.calibration import SIDE_TO_SIDE_ERROR_DEG
    from hiprom.protocols.hip_ir import difference_error, hip_ir_document

    err = SIDE_TO_SIDE_ERROR_DEG["supine"]
    assert (
        difference_error("supine")
        == f"; benchmark error of a difference: mean {err[0]} deg, worst {err[1]} deg"
    )
    assert difference_error("supine", "errors not benchmarked for ...") == "; its error is not benchmarked"
    assert difference_error("prone") == "; its error is not benchmarked in this position"
    said = ("left hip ...", "SIDE-TO-SIDE DIFFERENCE 24 deg (>= 15 deg)", "a change")
    analysis = SimpleNamespace(
        position="supine", sides=(), asymmetry_deg=24.0, asymmetric=True, findings=said
    )
    doc = hip_ir_document(analysis, {"clip_name": "c.mp4"}, [], difference_error="; X")
    assert doc["findings"]["statements"] == [
        "left hip ...",
        "SIDE-TO-SIDE DIFFERENCE 24 deg (>= 15 deg); X",
        "a change",
    ]
