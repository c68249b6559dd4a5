"""The thigh card (hiprom.analysis.thigh_card): the thigh's lift read from a card on the femur, on the
committed truth fixture with the pose model's deep-flexion error put into the knee (no mediapipe)."""

from __future__ import annotations

import numpy as np
import pytest

import hiprom.skeleton as sk
from hiprom.analysis.knee_to_chest import KneeToChestConfig, analyze_knee_to_chest
from hiprom.analysis.thigh_card import MIN_KNOWN_SHARE
from tests.factories import truth_landmarks

#: the knee put low at deep flexion, as the pose model does on the benchmark (its lift read 15 % short)
SHORT = 0.15


def _knee_low(pts: np.ndarray, side: str) -> np.ndarray:
    """The landmarks with ``side``'s knee turned about the hip towards the table by SHORT of its lift."""
    hip, knee = sk.joint("hip", side), sk.joint("knee", side)
    v = pts[:, knee] - pts[:, hip]
    rest = np.arctan2(v[0, 1], v[0, 0])
    turn = np.angle(np.exp(1j * (np.arctan2(v[:, 1], v[:, 0]) - rest)))
    new = rest + (1.0 - SHORT) * turn
    out = pts.copy()
    out[:, knee] = pts[:, hip] + np.linalg.norm(v, axis=1)[:, None] * np.stack([np.cos(new), np.sin(new)], 1)
    return out


def _stiff(stiff):
    truth, summary = stiff
    pts, vis = truth_landmarks(truth)
    # this body lies feet-left: a counter-clockwise card angle falls as the bone turns the way the thigh lifts
    tilt = -(truth["pelvic_tilt_deg"] + 7.0)
    thigh_card = -(truth["thigh_vs_table_deg"] + 20.0)
    onset = summary["reps"][0]["onset"]["hip_flexion_deg"]
    return truth, onset, _knee_low(pts, "left"), vis, tilt, thigh_card


def test_the_thigh_card_reads_the_onset_the_pose_models_low_knee_misses(stiff):
    """With the knee placed low the onset's hip angle reads well short of the truth; the thigh card
    gives it back within 3 deg, and the peak hip flexion on the pelvis within 1, and says so. Its
    interval is the fit's widened by the card's own error range (not the pose model's)."""
    truth, onset, pts, vis, tilt, thigh_card = _stiff(stiff)
    t = truth["time_s"]
    pose = analyze_knee_to_chest(t, pts, vis, tilt_ccw_deg=tilt).reps[0]
    card = analyze_knee_to_chest(t, pts, vis, tilt_ccw_deg=tilt, thigh_card_ccw_deg=thigh_card).reps[0]
    assert pose.thigh_source == "pose model" and card.thigh_source == "thigh card"
    assert pose.onset_hip_flexion_deg < onset - 8.0  # the low knee's error
    assert card.onset_hip_flexion_deg == pytest.approx(onset, abs=3.0)
    assert card.peak_hip_flexion_deg == pytest.approx(float(np.max(truth["hip_flexion_deg"])), abs=1.0)
    cfg = KneeToChestConfig(card_onset_error_range_deg=(-3.0, 2.0))
    wide = analyze_knee_to_chest(t, pts, vis, tilt_ccw_deg=tilt, thigh_card_ccw_deg=thigh_card, config=cfg)
    (lo, hi), (wlo, whi) = card.onset_ci_deg, wide.reps[0].onset_ci_deg
    under, over = KneeToChestConfig().card_onset_error_range_deg
    assert (wlo - (lo + over), whi - (hi + under)) == pytest.approx((-2.0, 3.0))
    assert wlo <= onset <= whi
    assert card.borrowing is True
    assert any("read from the thigh card" in r for r in card.reasons)
    true_peak = float(np.max(truth["thigh_vs_table_deg"]))
    assert abs(card.peak_thigh_angle_deg - true_peak) < abs(pose.peak_thigh_angle_deg - true_peak)


def test_a_thigh_card_that_did_not_rise_with_the_thigh_is_not_used(stiff):
    """A card on the other leg (it stays still while this thigh rises) is not this thigh's: the pose
    model's thigh is used, and the rep says why."""
    truth, _, pts, vis, tilt, _ = _stiff(stiff)
    still = np.full(truth["time_s"].size, -20.0)
    rep = analyze_knee_to_chest(truth["time_s"], pts, vis, tilt_ccw_deg=tilt, thigh_card_ccw_deg=still)
    rep = rep.reps[0]
    assert rep.thigh_source == "pose model"
    assert any("worn on the other leg" in w for w in rep.warnings)


def test_a_thigh_card_hidden_over_the_raise_gives_way_to_the_pose_model_and_says_so(stiff):
    """Unknown over a second of the raise (beyond what the filter bridges), the card does not stand
    for the thigh; a card hidden for a few frames is bridged and still used."""
    truth, _, pts, vis, tilt, thigh_card = _stiff(stiff)
    t, thigh = truth["time_s"], truth["thigh_vs_table_deg"]
    peak = int(np.argmax(thigh))
    raising = np.zeros(t.size, bool)
    raising[:peak] = thigh[:peak] > 5.0
    long_gap = raising & (thigh > 40.0) & (thigh < 100.0)
    assert long_gap.sum() / raising.sum() > 1 - MIN_KNOWN_SHARE and np.ptp(t[long_gap]) > 0.6
    rep = analyze_knee_to_chest(
        t, pts, vis, tilt_ccw_deg=tilt, thigh_card_ccw_deg=np.where(long_gap, np.nan, thigh_card)
    ).reps[0]
    assert rep.thigh_source == "pose model"
    assert any("thigh card was known over only" in w for w in rep.warnings)
    short_gap = raising & (thigh > 60.0) & (thigh < 66.0)
    rep = analyze_knee_to_chest(
        t, pts, vis, tilt_ccw_deg=tilt, thigh_card_ccw_deg=np.where(short_gap, np.nan, thigh_card)
    ).reps[0]
    assert 0 < short_gap.sum() and rep.thigh_source == "thigh card"


def test_without_the_pelvis_card_the_thigh_card_changes_nothing(stiff):
    """The thigh card measures the lift, not the pelvis: without the pelvis card borrowing stays not
    assessed and the thigh is the pose model's."""
    truth, _, pts, vis, _, thigh_card = _stiff(stiff)
    rep = analyze_knee_to_chest(truth["time_s"], pts, vis, thigh_card_ccw_deg=thigh_card).reps[0]
    assert rep.tilt_method == "markerless" and rep.borrowing is None and rep.thigh_source == "pose model"


def test_frames_csv_carries_the_thigh_cards_lift_and_the_hip_it_gives(stiff, tmp_path):
    """In a rep read with the thigh card, the per-frame hip flexion on the pelvis (what a clinician's
    onset correction reads) is the card's lift less the tilt, as the rep's own numbers are."""
    from hiprom.protocols.k2c_frames import read_frames_csv, write_frames_csv

    truth, _, pts, vis, tilt, thigh_card = _stiff(stiff)
    t = truth["time_s"]
    result = analyze_knee_to_chest(t, pts, vis, tilt_ccw_deg=tilt, thigh_card_ccw_deg=thigh_card)
    rep = result.reps[0]
    path = write_frames_csv(tmp_path / "frames.csv", t, result.angles, result.tilt_deg, result.reps, 0.0,
                            result.thigh_card_deg)  # fmt: skip
    cols = read_frames_csv(path)
    hip = cols["left_hip_flexion_on_pelvis_deg"]
    assert np.nanmax(hip) == pytest.approx(rep.peak_hip_flexion_deg, abs=0.5)
    at = int(np.searchsorted(t, rep.onset_time_s))
    assert hip[at] == pytest.approx(rep.onset_hip_flexion_deg, abs=1.5)
    lift = cols["left_thigh_card_lift_deg"]
    assert np.nanmax(lift) == pytest.approx(np.ptp(truth["thigh_vs_table_deg"]), abs=1.0)


def test_without_a_baseline_the_cards_rest_is_its_still_reading_not_the_frames_just_before_a_late_start():
    """The pose model's thigh can time the raise's start late (its resting reading wandering by several
    degrees, so no still baseline): the card had already turned over the frames just before it. Its rest
    is its own lowest, steady reading in the second before the raise (a benchmark clip read 5 deg short)."""
    from hiprom.analysis.events import Rep
    from hiprom.analysis.thigh_card import card_rest_frames, thigh_card_lift

    n = 120
    card = np.full(n, 5.0)
    card[36:80] = 5.0 + np.linspace(0.0, 120.0, 44)  # the raise starts at frame 36
    card[80:] = 125.0
    rep = Rep(44, 80, 80, 100, 110, 44 / 30, 80 / 30, 110 / 30, 125.0)  # timed from frame 44
    lift = thigh_card_lift(card, rep, None, card - 5.0)
    assert lift.lift_deg is not None and lift.lift_deg[90] == pytest.approx(120.0)
    assert card_rest_frames(card, rep, None).max() < 37


def test_a_thigh_card_without_the_pelvis_card_is_named_in_the_result(stiff):
    """hiprom analyze on a clip with only the thigh card: the result says the card was seen and why it
    was not used (the lift alone cannot tell the hip from the pelvis), and borrowing is not assessed."""
    from hiprom import protocols
    from hiprom.landmarks import LandmarkSeries

    truth, _, pts, vis, _, thigh_card = _stiff(stiff)
    n = truth["time_s"].size
    series = LandmarkSeries(
        time_s=truth["time_s"], image_px=pts, depth_px=np.zeros((n, 33)), visibility=vis, presence=vis,
        world_m=np.full((n, 33, 3), np.nan), meta={"width_px": 1280, "height_px": 720},
        thigh_card_ccw_deg=thigh_card,
    )  # fmt: skip
    protocol = protocols.get("knee-to-chest")
    warnings: list[str] = []
    doc = protocol.analyse(series, protocol.options(), warnings).document
    assert any("the thigh card was read but no pelvis card" in w for w in warnings)
    assert doc["results"][0]["lumbar_borrowing"]["flag"] is None
    assert doc["results"][0]["thigh_source"] == "pose model"


def test_the_thigh_cards_errors_are_stated_where_its_numbers_are_shown():
    """The report's method note and a rep's accuracy line quote the card's own benchmark errors (from
    hiprom.calibration, out of sample), not the pose model's."""
    from hiprom.calibration import THIGH_CARD_ERROR_DEG
    from hiprom.protocols.k2c_accuracy import accuracy_line
    from hiprom.report.athlete import METHOD_NOTE

    hip, onset = THIGH_CARD_ERROR_DEG["hip_flexion"], THIGH_CARD_ERROR_DEG["onset"]
    assert f"hip flexion on the pelvis {hip[0]:.1f} deg MAE (worst {hip[1]:.1f})" in METHOD_NOTE
    thigh = THIGH_CARD_ERROR_DEG["thigh"]
    entry = {"thigh_source": "thigh card", "peak_hip_flexion_deg": 100.0, "pelvic_tilt": {
        "method": "marker", "onset": {"hip_flexion_deg": 95.0}}, "measurement_error_deg": {
        "basis": "synthetic benchmark, camera square-on", "peak_thigh_angle": thigh[0],
        "peak_thigh_angle_max": thigh[1], "peak_trunk_thigh_angle": 4.5,
        "peak_trunk_thigh_angle_max": 11.9, "pelvic_tilt": 3.2, "pelvic_tilt_max": 3.3,
        "onset_hip_flexion": onset[0], "onset_hip_flexion_max": onset[1], "peak_hip_flexion": hip[0],
        "peak_hip_flexion_max": hip[1]}}  # fmt: skip
    line = accuracy_line(entry)
    assert f"onset {onset[0]} deg (worst {onset[1]})" in line and f"thigh {thigh[0]} deg" in line
    assert "the onset interval with the thigh card's range held the true onset" in line  # its own coverage
