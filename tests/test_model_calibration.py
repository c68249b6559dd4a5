"""A pose model with a calibration of its own (``calibration_<model>.json``) uses its own corrections and
states its own errors, for the tests that calibration covers and no others (#20: the model chosen by
measured accuracy needs each model measured apart)."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pytest

from hiprom import calibration, pipeline, protocols
from hiprom.capture.model import BUNDLED_MODELS
from tests.factories import ir_pose, model_series, rotation_profile, truth_landmarks

OWN_THIGH_ERROR = [9.9, 19.9]
OWN_OFFSET_SHIFT_DEG = 5.0


@pytest.fixture
def heavy_calibrated(monkeypatch):
    """The heavy model calibrated for knee-to-chest only, with its own thigh offset and thigh errors."""
    doc = copy.deepcopy(calibration.DEFAULT.document)
    doc["model"] = {"name": "heavy", "sha256_prefix": BUNDLED_MODELS["heavy"][1][:12], "why": "test"}
    doc["tests"] = ["knee-to-chest"]
    doc["constants"]["pose_model_thigh_offset_deg"]["value"] += OWN_OFFSET_SHIFT_DEG
    for basis in ("square-on", "any camera"):
        doc["errors"][f"k2c.thigh.{basis}"]["stated"] = list(OWN_THIGH_ERROR)
    own = calibration.Calibration.from_document(doc)
    monkeypatch.setitem(calibration.CALIBRATIONS, "heavy", own)
    return own


def _analyse(tmp_path, samples_dir, monkeypatch, model: str, test: str, time_s, pts, vis, options) -> dict:
    series = model_series(time_s, pts, vis, model)
    monkeypatch.setattr(pipeline, "get_landmarks", lambda *a, **k: pipeline.LandmarkRun(series, True, 0))
    return pipeline.analyze(samples_dir / "k2c_left_early_tilt.mp4", tmp_path / f"{model}-{test}", options,
                            outputs=protocols.Outputs(video=False)).document  # fmt: skip


def test_a_calibrated_model_is_found_by_its_landmarks_and_only_for_its_tests(heavy_calibrated):
    sha = BUNDLED_MODELS["heavy"][1]
    assert calibration.for_model(sha, "knee-to-chest") is heavy_calibrated
    assert calibration.for_model(sha, "hip-ir") is None
    assert calibration.model_not_benchmarked("heavy", sha, "knee-to-chest") is None
    assert "full model only" in calibration.model_not_benchmarked("heavy", sha, "hip-ir")
    assert calibration.for_model(BUNDLED_MODELS["full"][1], "hip-ir") is calibration.DEFAULT
    assert calibration.for_model(None) is None


def test_its_knee_to_chest_uses_its_own_offset_and_states_its_own_errors(
    tmp_path, samples_dir, stiff, monkeypatch, heavy_calibrated
):
    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    options = protocols.get("knee-to-chest").options(None, None, "off")
    docs = {m: _analyse(tmp_path, samples_dir, monkeypatch, m, "knee-to-chest", truth["time_s"], pts, vis,
                        options) for m in ("full", "heavy")}  # fmt: skip
    full, heavy = docs["full"]["results"][0], docs["heavy"]["results"][0]
    assert "errors_not_benchmarked" not in heavy
    assert heavy["peak_thigh_angle_deg"] == pytest.approx(full["peak_thigh_angle_deg"] - OWN_OFFSET_SHIFT_DEG,
                                                          abs=0.11)  # fmt: skip
    assert heavy["measurement_error_deg"]["pose_model"] == "heavy"
    assert full["measurement_error_deg"]["pose_model"] == "full"
    assert heavy["measurement_error_deg"]["peak_thigh_angle"] == OWN_THIGH_ERROR[0]
    assert full["measurement_error_deg"]["peak_thigh_angle"] != OWN_THIGH_ERROR[0]
    assert f"thigh {OWN_THIGH_ERROR[0]} deg" in protocols.get("knee-to-chest").view(heavy).accuracy


def test_its_hip_rotation_states_no_error_when_uncalibrated_for_it(
    tmp_path, samples_dir, monkeypatch, heavy_calibrated
):
    time_s, rotation = rotation_profile()
    pts = ir_pose("seated", {"left": rotation}, time_s.size)
    options = protocols.get("hip-ir").options("seated")
    doc = _analyse(tmp_path, samples_dir, monkeypatch, "heavy", "hip-ir", time_s, pts,
                   np.ones(pts.shape[:2]), options)  # fmt: skip
    assert doc["results"]
    for entry in doc["results"]:
        assert "measured with the full model only" in entry["errors_not_benchmarked"]
        assert not any(entry[k] for k in entry if "measurement_error" in k)


def test_a_comparison_across_pose_models_says_so():
    from hiprom.store.compare import compare
    from hiprom.store.records import StoredResult

    def stored(day: int, model: str, thigh: float) -> StoredResult:
        entry = {"test": "knee-to-chest", "side": "left", "peak_thigh_angle_deg": thigh,
                 "measurement_error_deg": {"pose_model": model}}  # fmt: skip
        return StoredResult(day, "Sam", dt.date(2026, 1, day), "", "c.mp4", str(day) * 64, "knee-to-chest",
                            "supine", "left", 0, entry, {}, {})  # fmt: skip

    same, _ = compare([stored(1, "full", 100.0), stored(20, "full", 101.0)])
    mixed, _ = compare([stored(1, "full", 100.0), stored(20, "heavy", 101.0)])
    thigh = {c.measure.key: c for c in mixed}["peak_thigh_angle_deg"]
    assert any("different pose models (full on 2026-01-01, heavy on 2026-01-20)" in c for c in thigh.caveats)
    assert not any(
        "pose models" in c for c in {c.measure.key: c for c in same}["peak_thigh_angle_deg"].caveats
    )


def test_no_bundled_models_calibration_claims_the_hip_rotation_test_but_the_defaults():
    """The hip-rotation analysis reads the default model's constants (hiprom.calibration's module names), so
    another model's calibration must not cover it, or its results would quote the default model's errors."""
    for name, cal in calibration.CALIBRATIONS.items():
        assert ("hip-ir" in cal.tests) == (cal is calibration.DEFAULT), name


def test_a_comparison_uses_the_compared_models_errors_and_mdc():
    """Sessions from the default model alone are compared with its MDC and errors; once a heavy session is
    among them, with the larger of the two models' (a change must beat both models' noise)."""
    from hiprom.store.compare import _calibrations, hiprom_mdc
    from hiprom.store.records import StoredResult

    def stored(day: int, model: str | None) -> StoredResult:
        err = {"pose_model": model} if model else None
        entry = {
            "test": "knee-to-chest",
            "side": "left",
            "peak_thigh_angle_deg": 100.0,
            "measurement_error_deg": err,
        }
        return StoredResult(day, "Sam", dt.date(2026, 1, day), "", "c.mp4", str(day) * 64, "knee-to-chest",
                            "supine", "left", 0, entry, {}, {})  # fmt: skip

    assert _calibrations([stored(1, "full"), stored(2, None)]) == [calibration.DEFAULT]
    both = _calibrations([stored(1, "full"), stored(2, "heavy")])
    assert {c.model["name"] for c in both} == {"full", "heavy"}
    key = "pelvic_tilt.onset.hip_flexion_deg"
    assert hiprom_mdc(both)[key] == max(c.mdc_deg[key] for c in both)
