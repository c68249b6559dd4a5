"""Knee-to-chest analysis on committed truth fixtures (perfect landmarks; no mediapipe)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import hiprom.skeleton as sk
from hiprom.analysis.knee_to_chest import analyze_knee_to_chest
from hiprom.errors import BadInputError
from hiprom.synth.truthfile import load_truth
from tests.factories import K2C_JOINTS, truth_landmarks


@pytest.fixture(scope="module")
def healthy(samples_dir):
    truth = load_truth(samples_dir / "k2c_right_healthy.truth.csv")
    summary = json.loads((samples_dir / "k2c_right_healthy.truth.json").read_text())
    return truth, summary


def test_markerless_angles_and_rep(stiff):
    truth, summary = stiff
    pts, vis = truth_landmarks(truth)
    analysis = analyze_knee_to_chest(truth["time_s"], pts, vis)
    reps, angles = analysis.reps, analysis.angles
    assert len(reps) == 1
    rep = reps[0]
    assert rep.side == "left" and rep.tilt_method == "markerless"
    assert rep.borrowing is None and rep.confidence is None  # not measured is never "no"
    assert rep.reasons[0].startswith("lumbar borrowing not assessed")
    true_rep = summary["reps"][0]
    assert rep.peak_thigh_angle_deg == pytest.approx(true_rep["peak_thigh_vs_table_deg"], abs=3.0)
    assert rep.peak_trunk_thigh_angle_deg == pytest.approx(true_rep["peak_trunk_thigh_deg"], abs=3.0)
    assert rep.baseline is not None and rep.baseline.stop_s >= 1.0
    err = angles["left"].thigh_vs_table_deg - truth["thigh_vs_table_deg"]
    assert np.nanmedian(np.abs(err)) < 3.0


def test_marker_mode_finds_the_early_onset(stiff):
    truth, summary = stiff
    pts, vis = truth_landmarks(truth)
    noise = np.random.default_rng(0).normal(0, 0.3, truth["time_s"].size)
    # the card's on-screen angle: counter-clockwise, any offset; this body lies feet-left
    ccw = -(truth["pelvic_tilt_deg"] + 7.0 + noise)
    reps = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=ccw).reps
    rep = reps[0]
    onset = summary["reps"][0]["onset"]
    assert rep.tilt_method == "marker" and rep.borrowing is True
    assert rep.onset_hip_flexion_deg == pytest.approx(onset["hip_flexion_deg"], abs=5.0)
    lo, hi = rep.onset_ci_deg
    assert lo <= onset["hip_flexion_deg"] <= hi
    assert rep.peak_tilt_deg == pytest.approx(summary["reps"][0]["peak_pelvic_tilt_deg"], abs=1.0)
    assert "began tilting at" in rep.reasons[0]


def _healthy_with_card(healthy):
    """The healthy sample's truth, exact landmarks and the card's on-screen angle."""
    truth, _ = healthy
    pts, vis = truth_landmarks(truth)
    feet_right = pts[0, sk.LEFT_ANKLE, 0] > pts[0, sk.LEFT_SHOULDER, 0]
    return truth, pts, vis, truth["pelvic_tilt_deg"] * (1.0 if feet_right else -1.0)


def test_marker_mode_healthy_hip_is_not_flagged(healthy):
    truth, pts, vis, ccw = _healthy_with_card(healthy)
    reps = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=ccw).reps
    assert [r.side for r in reps] == ["right"]
    assert reps[0].borrowing is False and reps[0].onset_hip_flexion_deg is None


def _rotate(pts, deg):
    a = np.radians(deg)
    r = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return pts @ r.T


def test_rotating_scaling_translating_the_skeleton_changes_nothing(stiff):
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    base = analyze_knee_to_chest(truth["time_s"], pts, vis).reps
    moved = _rotate(pts, 17.0) * 1.7 + np.array([300.0, -120.0])
    again = analyze_knee_to_chest(truth["time_s"], moved, vis).reps
    assert again[0].peak_thigh_angle_deg == pytest.approx(base[0].peak_thigh_angle_deg, abs=1e-6)
    assert again[0].peak_trunk_thigh_angle_deg == pytest.approx(base[0].peak_trunk_thigh_angle_deg, abs=1e-6)
    assert again[0].rep.peak_frame == base[0].rep.peak_frame


def test_mirroring_swaps_sides(stiff):
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    base = analyze_knee_to_chest(truth["time_s"], pts, vis).reps
    mirrored = pts * np.array([-1.0, 1.0])
    swap = np.arange(33)
    for left, right in K2C_JOINTS.values():
        swap[[left, right]] = [right, left]
    reps = analyze_knee_to_chest(truth["time_s"], mirrored[:, swap], vis[:, swap]).reps
    assert reps[0].side == "right"
    assert reps[0].peak_thigh_angle_deg == pytest.approx(base[0].peak_thigh_angle_deg, abs=1e-6)


def _swap_sides(a):
    swap = np.arange(33)
    for left, right in K2C_JOINTS.values():
        swap[[left, right]] = [right, left]
    return a[:, swap]


def test_the_other_legs_landmarks_dragged_along_are_not_a_rep(stiff):
    """Off square the pose model drags the far leg up with the raised one: one rep, with a warning."""
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    for k in (25, 27):  # the right knee and ankle follow 40 % of the left's movement
        pts[:, k + 1] += 0.4 * (pts[:, k] - pts[:1, k])
    reps = analyze_knee_to_chest(truth["time_s"], pts, vis).reps
    assert [r.side for r in reps] == ["left"]
    assert any("right leg's landmarks rose with the left leg" in w for w in reps[0].warnings)


def test_both_legs_one_after_the_other_are_both_analysed(stiff):
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    t = truth["time_s"]
    both = np.concatenate([pts, _swap_sides(pts)])
    time_s = np.concatenate([t, t + t[-1] + (t[1] - t[0])])
    reps = analyze_knee_to_chest(time_s, both, np.concatenate([vis, _swap_sides(vis)])).reps
    assert [r.side for r in reps] == ["left", "right"]
    assert reps[0].peak_thigh_angle_deg == pytest.approx(reps[1].peak_thigh_angle_deg, abs=1e-6)
    assert not any("rose with" in w for r in reps for w in r.warnings)


def test_a_far_leg_hidden_at_rest_is_still_read_upwards(healthy):
    """The tested leg on the far side: its knee is hidden behind the near leg until it rises."""
    truth, summary = healthy
    pts, vis = truth_landmarks(truth)
    hidden = truth["thigh_vs_table_deg"] < 60.0  # behind the near leg until well up
    vis[hidden, sk.RIGHT_KNEE] = 0.2  # the right (tested) knee
    reps = analyze_knee_to_chest(truth["time_s"], pts, vis).reps
    assert [r.side for r in reps] == ["right"]
    true_peak = summary["reps"][0]["peak_thigh_vs_table_deg"]
    assert reps[0].peak_thigh_angle_deg == pytest.approx(true_peak, abs=3.0)
    assert any("right thigh was hidden at rest" in w for w in reps[0].warnings)
    assert not any("no still baseline" in w for w in reps[0].warnings)


def test_a_body_standing_up_the_frame_is_the_wrong_view(stiff):
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    with pytest.raises(BadInputError, match="wrong camera view"):
        analyze_knee_to_chest(truth["time_s"], _rotate(pts, 80.0), vis)


def test_no_movement_is_refused(stiff):
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    still = np.repeat(pts[:1], pts.shape[0], axis=0)
    with pytest.raises(BadInputError, match="no knee-to-chest movement"):
        analyze_knee_to_chest(truth["time_s"], still, vis)


def test_nan_frames_are_tolerated(stiff):
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    pts[100:104] = np.nan  # a short dropout mid-raise
    reps = analyze_knee_to_chest(truth["time_s"], pts, vis).reps
    assert len(reps) == 1


def test_a_longer_hold_does_not_bend_the_table_line(stiff):
    """The table line comes from the resting frames: holding the knee longer changes no angle
    (with the line taken over every frame, a 4 s longer hold moved the benchmark's peaks 3-6 deg)."""
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    time_s = truth["time_s"]
    base = analyze_knee_to_chest(time_s, pts, vis)
    peak = base.reps[0].rep.peak_frame
    hold = np.arange(peak - 5, peak + 5)
    idx = np.r_[np.arange(peak), np.tile(hold, 12), np.arange(peak, time_s.size)]
    longer = analyze_knee_to_chest(np.arange(idx.size) * np.median(np.diff(time_s)), pts[idx], vis[idx])
    np.testing.assert_allclose(longer.feet_dir, base.feet_dir, atol=1e-9)
    assert longer.reps[0].peak_thigh_angle_deg == pytest.approx(base.reps[0].peak_thigh_angle_deg, abs=0.05)


def test_the_pose_models_thigh_offset_is_subtracted(stiff):
    """The mechanism, at a value of its own (tests/test_calibration.py ties the calibrated one)."""
    from hiprom.analysis.knee_to_chest import KneeToChestConfig

    POSE_MODEL_THIGH_OFFSET_DEG = 2.5
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    exact = analyze_knee_to_chest(truth["time_s"], pts, vis)
    cfg = KneeToChestConfig(thigh_offset_deg=POSE_MODEL_THIGH_OFFSET_DEG)
    model = analyze_knee_to_chest(truth["time_s"], pts, vis, config=cfg)
    assert model.reps[0].peak_thigh_angle_deg == pytest.approx(
        exact.reps[0].peak_thigh_angle_deg - POSE_MODEL_THIGH_OFFSET_DEG
    )
    np.testing.assert_allclose(
        model.angles["left"].thigh_vs_table_deg,
        exact.angles["left"].thigh_vs_table_deg - POSE_MODEL_THIGH_OFFSET_DEG,
    )
    assert model.reps[0].peak_trunk_thigh_angle_deg == exact.reps[0].peak_trunk_thigh_angle_deg


def _repeated(
    truth: dict, n_reps: int, rest_between: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The stiff sample's rep ``n_reps`` times: time, landmarks, visibility and the card's angle.

    With ``rest_between`` each copy starts with the clip's 1.8 s still rest; without it, each
    later raise starts 0.2 s after the previous one came down (no still rest at all).
    """
    pts, vis = truth_landmarks(truth)
    ccw = -(truth["pelvic_tilt_deg"] + 7.0 + np.random.default_rng(1).normal(0, 0.3, truth["time_s"].size))
    start = round(1.767 * 30)  # the raise starts here
    end = round(7.5 * 30)  # 0.2 s after it came down
    pieces = [slice(0, pts.shape[0] if rest_between else end)]
    for i in range(1, n_reps):
        last = i == n_reps - 1
        pieces.append(slice(0 if rest_between else start, pts.shape[0] if (rest_between or last) else end))
    idx = np.concatenate([np.arange(pts.shape[0])[p] for p in pieces])
    return np.arange(idx.size) / 30.0, pts[idx], vis[idx], ccw[idx]


@pytest.mark.parametrize("n_reps", [2, 3, 4])
@pytest.mark.parametrize("rest_between", [True, False])
def test_every_rep_is_judged_against_a_rest_never_a_hold(stiff, n_reps, rest_between):
    """Issue #14.1: rep 2's baseline was rep 1's hold (tilt read 0.1 deg of a true 27; 'no borrowing')."""
    truth, summary = stiff
    time_s, pts, vis, ccw = _repeated(truth, n_reps, rest_between)
    reps = analyze_knee_to_chest(time_s, pts, vis, tilt_ccw_deg=ccw).reps
    assert len(reps) == n_reps
    true_rep = summary["reps"][0]
    first = reps[0]
    for i, rep in enumerate(reps):
        assert rep.baseline is not None
        assert rep.baseline.value < 15.0  # a rest of the thigh on the table, not a hold at 130 deg
        assert rep.peak_tilt_deg == pytest.approx(true_rep["peak_pelvic_tilt_deg"], abs=3.0)
        assert rep.peak_thigh_angle_deg == pytest.approx(first.peak_thigh_angle_deg, abs=0.5)
        assert rep.borrowing is True
        assert rep.onset_hip_flexion_deg == pytest.approx(true_rep["onset"]["hip_flexion_deg"], abs=5.0)
        if i and not rest_between:  # no rest of its own: the first rep's, and it says so
            assert rep.baseline == first.baseline
            assert any("measured from the rest before the first rep" in w for w in rep.warnings)
        elif i:
            assert rep.baseline.start_frame > reps[i - 1].rep.end_frame - 1


def _hidden_over(truth, lo_deg: float, hi_deg: float | None = None) -> np.ndarray:
    """Raise frames with the thigh past ``lo_deg`` (and below ``hi_deg``): the card unread there."""
    thigh = truth["thigh_vs_table_deg"]
    peak = int(np.argmax(thigh))
    mask = np.zeros(thigh.size, bool)
    mask[: peak + 1] = thigh[: peak + 1] > lo_deg
    if hi_deg is not None:
        mask &= thigh < hi_deg
    return mask


def test_a_card_hidden_over_the_deep_raise_of_a_healthy_hip_is_not_a_no(healthy):
    """Unread from 80 deg of thigh lift on, the healthy hip shows no onset: that is not 'no borrowing'."""
    truth, pts, vis, ccw = _healthy_with_card(healthy)
    seen = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=ccw).reps[0]
    assert seen.borrowing is False
    hidden = np.where(_hidden_over(truth, 80.0), np.nan, ccw)
    rep = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=hidden).reps[0]
    assert rep.borrowing is None and rep.confidence is None
    assert rep.reasons[0].startswith("lumbar borrowing not assessed: the pelvis card was not read from")
    assert "the onset is not measurable" in rep.reasons[0]


def test_a_card_hidden_only_past_the_deciding_lift_still_answers(healthy):
    truth, pts, vis, ccw = _healthy_with_card(healthy)
    hidden = np.where(_hidden_over(truth, 128.0), np.nan, ccw)  # past 110 + normal tilt + threshold
    rep = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=hidden).reps[0]
    assert rep.borrowing is False


def test_a_card_hidden_before_the_onset_lowers_the_confidence_and_says_so(stiff):
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    ccw = -(truth["pelvic_tilt_deg"] + 7.0)
    hidden = np.where(_hidden_over(truth, 20.0, 85.0), np.nan, ccw)  # 0.8 s; the onset is at ~93 deg
    rep = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=hidden).reps[0]
    assert rep.borrowing is True and rep.confidence == "low"
    assert any("may have begun tilting earlier" in r for r in rep.reasons)


def test_a_card_unread_at_rest_takes_its_rest_from_the_raises_first_reads(stiff, healthy):
    """A hand over the card at rest (#16): its resting angle comes from its reads over the first 40 deg of
    the raise, less the normal gradual tilt; the stiff hip is still found, and the healthy one is not
    called borrowing, both at most at moderate confidence and saying why; the onset is within 4 deg of
    the one with the rest read."""
    for (truth, _), expected, sign in ((stiff, True, -1.0), (healthy, False, 1.0)):  # its head on the left
        pts, vis = truth_landmarks(truth)
        ccw = sign * (truth["pelvic_tilt_deg"] + 7.0)
        seen = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=ccw).reps[0]
        hidden = np.where(truth["time_s"] < seen.rep.start_s + 0.05, np.nan, ccw)  # unread through the rest
        rep = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=hidden).reps[0]
        assert rep.borrowing is expected and rep.confidence in ("moderate", "low")
        assert any("not read at rest" in r and "first 40 deg of the raise" in r for r in rep.reasons)
        assert rep.peak_tilt_deg == pytest.approx(seen.peak_tilt_deg, abs=1.0)
        if expected:
            assert rep.onset_hip_flexion_deg == pytest.approx(seen.onset_hip_flexion_deg, abs=4.0)


def test_a_card_unread_at_rest_and_early_in_the_raise_gives_no_answer(stiff):
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    ccw = -(truth["pelvic_tilt_deg"] + 7.0)
    thigh = truth["thigh_vs_table_deg"]
    late = truth["time_s"] > truth["time_s"][np.argmax(thigh > 45.0)]  # read only once the thigh is past 45
    rep = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=np.where(late, ccw, np.nan)).reps[0]
    assert rep.borrowing is None
    assert "not read during the rest before this rep nor over the first 40 deg" in rep.reasons[0]


def test_frames_csv_has_tilt_from_rest_the_hip_on_the_pelvis_and_empty_missing_cells(stiff, tmp_path):
    """The per-frame file a clinician opens: the card's tilt from each rep's rest and the hip's own
    flexion (thigh - rest - tilt, as the onset uses it), whose peak is the result's; NaN is blank."""
    import csv

    from hiprom.analysis.knee_to_chest import KneeToChestConfig
    from hiprom.protocols.knee_to_chest import write_frames_csv

    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    ccw = -(truth["pelvic_tilt_deg"] + 7.0)
    cfg = KneeToChestConfig(rest_thigh_deg=3.0)
    result = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=ccw, config=cfg)
    path = write_frames_csv(tmp_path / "frames.csv", truth["time_s"], result.angles, result.tilt_deg,
                            result.reps, rest_thigh_deg=3.0)  # fmt: skip
    text = path.read_text()
    units, *lines = text.splitlines()
    assert units.startswith("# units: time_s seconds") and "counted from 1" in units
    rows = list(csv.DictReader(lines))
    assert "nan" not in text and rows[0]["left_hip_flexion_on_pelvis_deg"] == ""  # before the rep: blank
    numbered = {r["left_rep"] for r in rows}
    assert numbered == {"", "1"} and rows[0]["left_rep"] == ""  # reps from 1; outside a rep: blank
    hip = [float(r["left_hip_flexion_on_pelvis_deg"]) for r in rows if r["left_hip_flexion_on_pelvis_deg"]]
    assert max(hip) == pytest.approx(result.reps[0].peak_hip_flexion_deg, abs=0.01)
    tilt = [float(r["pelvic_tilt_from_rest_deg"]) for r in rows if r["pelvic_tilt_from_rest_deg"]]
    assert max(tilt) == pytest.approx(result.reps[0].peak_tilt_deg, abs=0.01)
    assert max(hip) == pytest.approx(float(np.max(truth["hip_flexion_deg"])), abs=4.0)
