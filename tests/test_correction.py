"""A clinician's onset correction (#19): recomputed from the run's per-frame file, kept beside the
measured value in the store, and named wherever the result is read."""

from __future__ import annotations

import numpy as np
import pytest

from hiprom.analysis.correction import onset_at
from hiprom.analysis.knee_to_chest import KneeToChestConfig, analyze_knee_to_chest
from hiprom.errors import BadInputError
from hiprom.norms import BORROWING_HIP_FLEXION_DEG
from hiprom.protocols.k2c_frames import onset_correction, read_frames_csv, write_frames_csv
from hiprom.protocols.knee_to_chest import rep_entry
from hiprom.results import document
from tests.factories import truth_landmarks

CUT = BORROWING_HIP_FLEXION_DEG


def _series(n=101):
    t = np.linspace(0.0, 10.0, n)
    hip = np.where((t >= 2) & (t <= 8), 20.0 * (t - 2), np.nan)  # 0 at 2 s, 120 at 8 s
    thigh, tilt = hip + 5.0, np.where(np.isfinite(hip), 1.0, np.nan)
    return t, hip, thigh, tilt


def test_the_onset_is_read_at_the_nearest_frame_and_the_flag_follows_the_cut():
    t, hip, thigh, tilt = _series()
    early = onset_at(t, hip, thigh, tilt, 6.02, (2.0, 8.0), CUT)
    assert early.time_s == pytest.approx(6.0) and early.hip_flexion_deg == pytest.approx(80.0)
    assert early.thigh_angle_deg == pytest.approx(85.0) and early.tilt_from_rest_deg == 1.0
    assert early.borrowing is True
    late = onset_at(t, hip, thigh, tilt, 7.9, (2.0, 8.0), CUT)
    assert late.hip_flexion_deg == pytest.approx(118.0) and late.borrowing is False


@pytest.mark.parametrize("when", [1.0, 9.0, float("nan")])
def test_an_onset_outside_the_rep_is_refused(when):
    t, hip, thigh, tilt = _series()
    with pytest.raises(BadInputError, match=r"within the rep, from 2\.00 s to 8\.00 s"):
        onset_at(t, hip, thigh, tilt, when, (2.0, 8.0), CUT)


def test_an_onset_where_the_card_was_not_read_is_refused():
    t, hip, thigh, tilt = _series()
    hip[50:60] = np.nan  # the card hidden from 5.0 to 5.9 s
    with pytest.raises(BadInputError, match=r"not known at 5\.50 s"):
        onset_at(t, hip, thigh, tilt, 5.5, (2.0, 8.0), CUT)


@pytest.fixture
def stiff_run(stiff, tmp_path):
    """The stiff sample's analysis on exact landmarks with its card, and the frames.csv a run writes."""
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    cfg = KneeToChestConfig(rest_thigh_deg=0.0)
    result = analyze_knee_to_chest(
        truth["time_s"], pts, vis, tilt_ccw_deg=-truth["pelvic_tilt_deg"], config=cfg
    )
    csv = write_frames_csv(
        tmp_path / "frames.csv", truth["time_s"], result.angles, result.tilt_deg, result.reps
    )
    doc = document("knee-to-chest", {"clip_name": "k2c.mp4", "clip_sha256": "c" * 64}, [],
                   [rep_entry(r) for r in result.reps])  # fmt: skip
    return doc, csv


def test_a_correction_recomputes_the_onset_from_the_per_frame_file(stiff_run):
    doc, csv = stiff_run
    entry = doc["results"][0]
    measured = entry["pelvic_tilt"]["onset"]
    later = round(entry["rep"]["peak_s"] - 0.5, 2)
    fix = onset_correction(entry, csv, later, by="ana")
    cols = read_frames_csv(csv)
    k = int(np.argmin(np.abs(cols["time_s"] - later)))
    assert fix["onset"]["hip_flexion_deg"] == pytest.approx(
        cols["left_hip_flexion_on_pelvis_deg"][k], abs=0.06
    )
    assert fix["onset"]["hip_flexion_deg"] > measured["hip_flexion_deg"] and fix["onset"]["ci_deg"] is None
    flag = fix["lumbar_borrowing"]
    assert (
        flag["flag"] is (fix["onset"]["hip_flexion_deg"] < CUT)
        and flag["confidence"] == "set by the clinician"
    )
    assert (
        "set by ana" in flag["reasons"][0]
        and f"measured {measured['hip_flexion_deg']} deg" in flag["reasons"][0]
    )


def test_a_rep_without_the_card_has_no_onset_to_correct(stiff_run):
    doc, csv = stiff_run
    entry = dict(doc["results"][0], pelvic_tilt={"method": "markerless", "peak_deg": None, "onset": None})
    with pytest.raises(BadInputError, match="read with the pelvis card"):
        onset_correction(entry, csv, 3.0, by="ana")


def test_the_store_keeps_both_values_and_every_reader_names_the_correction(stiff_run, tmp_path):
    from hiprom import protocols
    from hiprom.store.accounts import add_account
    from hiprom.store.corrections import clip_results, set_correction
    from hiprom.store.db import open_store
    from hiprom.store.export import to_fhir_bundle
    from hiprom.store.records import record_analysis, results_of

    doc, csv = stiff_run
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    ana, ben = add_account(store, "ana", "x"), add_account(store, "ben", "x")
    (rid,) = record_analysis(store, "Sam", doc, {"csv": csv}, owner=ana)
    entry = doc["results"][0]
    fix = onset_correction(entry, csv, entry["rep"]["peak_s"] - 0.5, by="ana")
    with pytest.raises(BadInputError, match="no result"):
        set_correction(store, rid, fix, owner=ben)  # another clinician's result is unknown to them
    set_correction(store, rid, fix, owner=ana)
    (row,) = results_of(store, "Sam", owner=ana)
    assert row.correction == fix and row.result["pelvic_tilt"]["onset"] == fix["onset"]
    kept = row.result["clinician_correction"]
    assert kept["by"] == "ana" and kept["measured"]["onset"] == entry["pelvic_tilt"]["onset"]
    (stored,) = clip_results(store, "Sam", "c" * 64, "knee-to-chest", owner=ana)
    assert stored[2] == entry  # the measured entry is untouched
    view = protocols.get("knee-to-chest").view(row.result)
    assert "onset (set by the clinician) at" in view.numbers
    assert "onset set by ana; hiprom measured: LUMBAR BORROWING" in view.verdict
    assert "onset was set by the clinician: the benchmark's onset error does not apply" in view.accuracy
    assert "onset " + str(entry["measurement_error_deg"].get("onset_hip_flexion")) not in view.accuracy
    bundle = [e["resource"] for e in to_fhir_bundle("Sam", [row])["entry"]][1:]
    amended = {o["code"]["coding"][0]["code"]: o for o in bundle if o["status"] == "amended"}
    assert set(amended) == {"k2c-onset-hip-flexion", "k2c-lumbar-borrowing"}
    was = entry["pelvic_tilt"]["onset"]["hip_flexion_deg"]
    assert f"set by the clinician ana on {fix['at']}; hiprom measured {was}" in str(amended)
    from hiprom.store.compare import compare

    (onset,) = [c for c in compare([row])[0] if c.measure.key == "pelvic_tilt.onset.hip_flexion_deg"]
    assert onset.caveats == (f"the {row.date} session's onset was set by the clinician ana, not measured",)
    record_analysis(store, "Sam", doc, {"csv": csv}, owner=ana)  # the same clip recorded again
    assert results_of(store, "Sam", owner=ana)[0].correction == fix  # the correction is not lost
    set_correction(store, results_of(store, "Sam", owner=ana)[0].id, None, owner=ana)
    assert results_of(store, "Sam", owner=ana)[0].result == entry  # back to the measured value
    store.close()
