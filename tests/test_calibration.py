"""Every error hiprom states comes from a committed benchmark output.

``src/hiprom/calibration.json`` is written by ``bench/calibrate.py`` from
``bench/last_*.txt``; these tests rebuild it from those outputs and compare,
so neither the file nor the numbers the code reads from it can drift, and they
check the rules the file is written by (largest over the suites, an
out-of-sample row or a stated reason, fitted constants near their refit)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from hiprom import calibration

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def _bench_module(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def calibrate():
    return _bench_module("calibrate")


def test_the_calibration_file_is_what_the_committed_bench_outputs_give(calibrate):
    committed = json.loads((ROOT / "src" / "hiprom" / "calibration.json").read_text())
    rebuilt = calibrate.build(calibrate.Outputs(BENCH), committed)
    assert rebuilt == committed, "run: python bench/calibrate.py (after the benches), and commit both"


def test_every_other_models_calibration_is_what_its_own_bench_outputs_give(calibrate):
    """A calibration_<model>.json is rebuilt from bench/<model>/ (the benches run with --model) and names
    that model; every error in it is sourced from those outputs, none from the default model's."""
    others = sorted(p for p in (ROOT / "src" / "hiprom").glob("calibration_*.json"))
    assert {p.stem.split("_", 1)[1] for p in others} == set(calibration.CALIBRATIONS) - {
        calibration.DEFAULT.model["name"]
    }
    model_mod = _bench_module("calibrate_model")
    for path in others:
        model = path.stem.split("_", 1)[1]
        committed = json.loads(path.read_text())
        assert committed["model"]["name"] == model and committed["tests"]
        rebuilt = model_mod.for_model(
            calibrate.build(calibrate.Outputs(BENCH / model), committed), model, calibrate.COMMANDS
        )
        assert rebuilt == committed, f"run: python bench/calibrate.py --model {model}, and commit both"
        for entry in committed["errors"].values():
            assert entry is None or all(r["source"].startswith(f"bench/{model}/last_") for r in entry["rows"])


def test_the_code_reads_the_file():
    data = calibration.DATA
    assert calibration.BENCH_PEAK_ERROR_DEG["square-on"]["thigh"] == tuple(
        data["errors"]["k2c.thigh.square-on"]["stated"]
    )
    assert calibration.BENCH_PEAK_IR_ERROR_DEG["supine"] == tuple(data["errors"]["ir.supine"]["stated"])
    assert (
        calibration.POSE_MODEL_THIGH_OFFSET_DEG == data["constants"]["pose_model_thigh_offset_deg"]["value"]
    )
    assert calibration.PAN_MAP == (data["constants"]["camera_pan_map"]["gain"],
                                   data["constants"]["camera_pan_map"]["offset_deg"])  # fmt: skip


def test_every_stated_error_is_the_largest_over_its_rows_and_says_where_it_is_from():
    for key, entry in calibration.DATA["errors"].items():
        if entry is None:
            continue
        rows = entry["rows"]
        assert entry["stated"] == [max(r["mae"] for r in rows), max(r["worst"] for r in rows)], key
        assert all(r["source"].startswith("bench/last_") and r["sample"] for r in rows), key
        held = any(r["sample"] != "in-sample" for r in rows)
        assert entry["out_of_sample"] == held and (held or calibration.ERROR_NOTES[key]), key


@pytest.mark.parametrize("quantity", ["thigh", "trunk_thigh", "tilt", "onset", "knee_flexion", "hip_flexion"])
@pytest.mark.parametrize("basis", ["square-on", "any camera"])
def test_knee_to_chest_errors_include_a_held_out_suite(quantity, basis):
    rows = calibration.provenance(f"k2c.{quantity}.{basis}")
    assert any(r["sample"] == "held-out" for r in rows)
    if basis == "any camera" and quantity in ("thigh", "trunk_thigh"):  # the pan slope was fitted: left out
        assert any(r["sample"] == "left-out" for r in rows)


def test_the_bench_refuses_an_in_sample_only_error_unless_it_says_why(calibrate):
    row = {"mae": 1.0, "worst": 2.0, "clips": 3, "suite": "main grid", "sample": "in-sample",
           "source": "bench/x", "row": "r"}  # fmt: skip
    with pytest.raises(SystemExit, match="in-sample rows only"):
        calibrate._stated("k2c.thigh.square-on", [row])
    entry = calibrate._stated("ir.seated", [row])
    assert entry["out_of_sample"] is False and entry["note"] == calibrate.IN_SAMPLE_ONLY["ir.seated"]


@pytest.mark.parametrize("model", sorted(calibration.CALIBRATIONS))
def test_the_fitted_constants_still_fit_the_last_run(model):
    """A constant fitted on an older run must still agree with what the current bench refits (each pose
    model's with its own outputs; a model's camera maps too, where its grid output prints their refit)."""
    const = calibration.CALIBRATIONS[model].document["constants"]
    offset = const["pose_model_thigh_offset_deg"]
    assert abs(offset["last_refit"] - offset["value"]) <= 1.0  # within the square-on thigh MAE's spread
    slope = const["pan_flexion_slope_per_deg"]
    assert abs(slope["last_refit"] - slope["value"]) <= 0.0005
    width = const["hip_width_per_shank"]
    assert width["value"] == width["last_refit"]
    for name in ("camera_pan_map", "camera_tilt_map"):
        refit = const[name].get("last_refit")
        if refit:
            assert abs(refit["gain"] - const[name]["gain"]) <= 0.05, name
            assert abs(refit["offset_deg"] - const[name]["offset_deg"]) <= 0.5, name


def test_the_onset_error_range_is_read_from_the_clip_rows_of_held_out_suites():
    """The onset interval's range (#16): signed onset errors of every measured clip row, none of the
    summary lines; the value from the outputs it was fitted on, the refit from every held-out one."""
    onset = _bench_module("calibrate_onset")
    text = "\n".join([
        "| a | measured | yes | 2/2 | 0 | thigh +7.9, tilt +0.7, onset +17.0, -2.5; card angle |",
        "| b | refused: pose lost | - | - | - | - |",
        "| c | measured | yes | 1/1 | 0 | thigh -2.3, goniometer -3.9, tilt -0.1; borrowing: no (low) |",
        "knee-to-chest onset: MAE 7.2 (worst 99.0, n=8)",
        "knee-to-chest onset interval held the true onset on 5/8 reps",
    ])  # fmt: skip
    assert onset.signed_onset_errors(text) == [17.0, -2.5]
    texts = {"x": text, "y": "| d | measured | yes | 1/1 | 0 | onset +3.0, +4.0 |"}
    assert onset.error_range(texts, ["x"]) == [-2.5, 17.0]
    assert onset.error_range(texts, ["y"]) == [0.0, 4.0]  # each end at least 0
    got = onset.onset_error_range(texts, {"from": ["y"]}, ["x", "y"], {"x": "suite x", "y": "suite y"})
    assert got["value"] == [0.0, 4.0] and got["last_refit"] == [-2.5, 17.0] and got["n_errors"] == 2
    assert got["coverage"] == {"suite x": [5, 8], "suite y": None}
    const = calibration.DATA["constants"]["onset_error_range_deg"]
    assert list(calibration.ONSET_ERROR_RANGE_DEG) == const["value"] and const["value"][1] > 0
    assert all(name.startswith("last_") and "holdout" in name for name in const["from"])


def test_the_thigh_cards_errors_are_read_apart_and_stated_only_with_a_held_out_row():
    """Reps read with the thigh card are scored apart ("onset/card"): the pose model's range never sees
    them, the card's range reads only them, and its stated errors need a suite nothing was fitted on."""
    onset, card = _bench_module("calibrate_onset"), _bench_module("calibrate_card")
    row = "| a | measured | yes | 2/2 | 0 | tilt +0.7, thigh/card +2.0, +1.0, onset/card +3.6, -2.9; card |"
    text = "\n".join([row, "| b | measured | yes | 1/1 | 0 | onset +9.0 |",
                      "knee-to-chest onset interval with the thigh card: held the true onset on 2/2 reps",
                      "knee-to-chest onset/card: MAE 3.2 (worst 3.6, n=2)"])  # fmt: skip
    assert onset.signed_onset_errors(text) == [9.0]
    assert onset.signed_onset_errors(text, onset.CARD_ONSET) == [3.6, -2.9]
    got = card.card_onset_range({"x": text}, ["x"], ["x"], {"x": "suite x"})
    assert got["value"] == [-2.9, 3.6] and got["n_errors"] == 2 and got["coverage"] == {"suite x": [2, 2]}

    class Out:  # calibrate.Outputs' summary, over two suites: one in-sample, one held out
        def __init__(self):
            self.text = {"in": text, "held": text}

        def summary(self, name, label):
            line = next((ln for ln in self.text[name].splitlines() if ln.startswith(f"{label}: MAE")), None)
            sample = "in-sample" if name == "in" else "held-out"
            return None if line is None else {"mae": 3.2, "worst": 3.6, "sample": sample}

    stated = _bench_module("calibrate")._stated
    assert (
        card.card_errors(Out(), ["in"], stated)["k2c.onset.thigh card"] is None
    )  # in-sample only: not stated
    assert card.card_errors(Out(), ["in", "held"], stated)["k2c.onset.thigh card"]["stated"] == [3.2, 3.6]
    const = calibration.DATA["constants"]["thigh_card_onset_error_range_deg"]
    assert list(calibration.THIGH_CARD_ONSET_ERROR_RANGE_DEG) == const["value"]


def test_the_onset_coverage_printed_keeps_the_suites_the_range_came_from_apart():
    """The range holds every error of the suites it was taken from by construction: their coverage is
    in-sample and is not summed with the others' (the CLI once called it all held out)."""
    from hiprom.protocols.k2c_accuracy import coverage_note

    const = calibration.DATA["constants"]["onset_error_range_deg"]
    calibrate = _bench_module("calibrate")
    assert list(calibration.ONSET_RANGE_FITTED_ON) == [calibrate.SUITES[n][0] for n in const["from"]]
    cov = {k: v for k, v in calibration.ONSET_INTERVAL_COVERAGE.items() if v}
    out = [v for k, v in cov.items() if k not in calibration.ONSET_RANGE_FITTED_ON]
    fit = [v for k, v in cov.items() if k in calibration.ONSET_RANGE_FITTED_ON]
    note = coverage_note(calibration.ONSET_INTERVAL_COVERAGE, calibration.ONSET_RANGE_FITTED_ON)
    assert (
        f"{sum(h for h, _ in out)}/{sum(n for _, n in out)} reps of the suites its error range was not"
        in note
    )
    assert f"({sum(h for h, _ in fit)}/{sum(n for _, n in fit)} on those it was)" in note


def test_the_results_state_the_calibrated_errors():
    """The words beside a number are built from the calibration module, not typed."""
    from hiprom.protocols.hip_ir import accuracy_line

    entry = {"measurement_error_deg": 0.9, "measurement_error_max_deg": 2.6, "pivot": {"source": "knee"}}
    assert accuracy_line(entry) == "benchmark error in this view: mean 0.9 deg, worst 2.6 deg"
    entry["pivot"]["source"] = "proportions"
    assert accuracy_line(entry).startswith("knee placed from the body's proportions (clothed legs)")


@pytest.mark.parametrize("test", ["knee-to-chest", "hip-ir"])
def test_landmarks_from_another_pose_model_state_no_error(tmp_path, samples_dir, stiff, monkeypatch, test):
    """--model heavy printed full's benchmark errors beside heavy's numbers: every error in a calibration
    file was measured with one model ("model"), so a model with no calibration of its own (lite) says so
    instead."""
    import numpy as np

    from hiprom import pipeline, protocols
    from tests.factories import ir_pose, model_series, rotation_profile, truth_landmarks

    if test == "knee-to-chest":
        truth, _ = stiff
        pts, vis = truth_landmarks(truth)
        time_s, options = truth["time_s"], protocols.get(test).options(None, None, "off")
    else:
        time_s, rotation = rotation_profile()
        pts = ir_pose("seated", {"left": rotation}, time_s.size)
        vis, options = np.ones(pts.shape[:2]), protocols.get(test).options("seated")
    docs = {}
    assert calibration.BENCHMARKED_MODEL["name"] == "full"
    for name in ("full", "lite"):
        series = model_series(time_s, pts, vis, name)
        monkeypatch.setattr(
            pipeline, "get_landmarks", lambda *a, s=series, **k: pipeline.LandmarkRun(s, True, 0)
        )
        docs[name] = pipeline.analyze(samples_dir / "k2c_left_early_tilt.mp4", tmp_path / name, options,
                                      outputs=protocols.Outputs(video=False)).document  # fmt: skip
    view = protocols.get(test).view
    for entry in docs["full"]["results"]:
        assert "errors_not_benchmarked" not in entry and "benchmark error" in view(entry).accuracy
    assert docs["lite"]["results"]
    for entry in docs["lite"]["results"]:
        assert "pose_landmarker_lite.task" in entry["errors_not_benchmarked"]
        assert view(entry).accuracy == entry["errors_not_benchmarked"]
        assert not any(entry[k] for k in entry if "measurement_error" in k)
    said = json.dumps(docs["lite"])
    assert "benchmark error" not in said


def test_the_slid_knee_cut_takes_the_placed_knee_on_one_bare_leg_clip_as_documented():
    import re

    line = next(ln for ln in (BENCH / "last_accuracy_run.txt").read_text().splitlines()
                if ln.startswith("hip-ir proportions"))  # fmt: skip
    lowest = float(re.search(r"lowest ([\d.]+)", line).group(1))
    used = int(re.search(r"pivot from proportions on (\d+) clips", line).group(1))
    assert lowest < calibration.KNEE_SLID_FRACTION and used == 1


def test_comparisons_use_the_larger_mdc_and_say_which():
    from hiprom.norms import FLEXION_MDC_DEG
    from hiprom.store.compare import _measures, hiprom_mdc

    by_key = {m.key: m for m in _measures("knee-to-chest", "supine", "left")}
    onset = by_key["pelvic_tilt.onset.hip_flexion_deg"]
    own = calibration.HIPROM_MDC_DEG[onset.key]
    # sessions from several pose models: the largest of their own MDCs
    every = list(calibration.CALIBRATIONS.values())
    assert hiprom_mdc(every)[onset.key] == max(c.mdc_deg[onset.key] for c in every) >= own
    assert onset.mdc_deg == max(own, FLEXION_MDC_DEG)
    assert onset.mdc_source == ("hiprom's repeatability" if own > FLEXION_MDC_DEG else "manual goniometry")
    ir = {m.key: m for m in _measures("hip-ir", "seated", "left")}["peak_ir_deg"]
    assert ir.mdc_source == "manual goniometry" and ir.mdc_deg == 9.0


def test_the_readmes_table_of_stated_errors_is_the_calibration_files(calibrate):
    text = (ROOT / "README.md").read_text()
    start = text.index(calibrate.README_START) + len(calibrate.README_START)
    shown = text[start : text.index(calibrate.README_END)].strip()
    assert shown == calibrate.readme_table(calibration.DATA), "run: python bench/calibrate.py"


@pytest.fixture(scope="module")
def narrative():
    return _bench_module("narrative")


DOCS = ["README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("doc", DOCS)
def test_every_figure_in_the_docs_is_what_its_source_gives_now(narrative, calibrate, doc):
    """Each value marker's text is what its spec (a stated error, a calibration entry, a bench output's
    cell or line, a norm) gives from the committed files, and each generated block is the outputs'."""
    text = (ROOT / doc).read_text()
    table = {calibrate.README_START: (calibrate.README_END, calibrate.readme_table(calibration.DATA))}
    rendered = narrative.render(narrative.render_blocks(text, BENCH, table), calibration.DATA)
    assert rendered == text, f"{doc}: run python bench/calibrate.py"


@pytest.mark.parametrize("doc", DOCS)
def test_no_decimal_figure_in_the_docs_stands_without_a_source(narrative, doc):
    """A decimal figure outside a value marker, a generated block or code is typed by hand: it fails
    unless its line says ``<!-- not measured: why -->`` (a setting, a one-off probe, dated history)."""
    loose = narrative.unbound_figures((ROOT / doc).read_text())
    assert not loose, f"{doc}: figures with no source: " + ", ".join(f"line {i}: {f}" for i, f in loose)


def test_a_stale_figure_is_caught(narrative, tmp_path):
    """The checks can fail: a marker holding an old value, a figure typed bare, a block edited by hand."""
    spec = "err:k2c.thigh.square-on:mae"
    now = narrative.resolve(spec, calibration.DATA)
    stale = f"thigh <!-- v:{spec} -->{float(now) + 1.0}<!-- /v -->° and 3.14° bare"
    assert narrative.render(stale, calibration.DATA) != stale
    assert narrative.unbound_figures(stale) == [(1, "3.14")]
    assert narrative.unbound_figures("Apache-2.0, mediapipe 0.10.21, <!-- not measured: x --> 2.5 GB") == []
    start, end = narrative.block_markers("repeatability")
    edited = f"{start}\n| measure | pairs |\n|---|---|\n| peak thigh (deg) | 1 |\n{end}"
    assert narrative.render_blocks(edited) != edited


def test_every_generated_block_is_shown_somewhere(narrative):
    shown = "".join((ROOT / d).read_text() for d in DOCS)
    assert [n for n in narrative.BLOCKS if narrative.block_markers(n)[0] not in shown] == []
