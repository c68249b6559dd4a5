"""Every error hiprom states comes from a committed benchmark output: these tests tie the numbers in
hiprom.calibration to bench/last_accuracy_run.txt and bench/last_realism_run.txt, so neither can drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hiprom import calibration

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _text(name: str) -> str:
    return (BENCH / name).read_text()


def _row(text: str, *cells: str) -> list[str]:
    """The cells of the markdown table row that starts with ``cells``."""
    for line in text.splitlines():
        parts = [p.strip() for p in line.strip().strip("|").split("|")]
        if parts[: len(cells)] == list(cells):
            return parts
    raise AssertionError(f"no row {cells} in the bench output")


@pytest.mark.parametrize(("quantity", "key"), [("peak_thigh", "thigh"), ("peak_trunk_thigh", "trunk_thigh")])
def test_the_square_on_errors_are_the_benchs(quantity, key):
    row = _row(_text("last_accuracy_run.txt"), "markerless", f"{quantity} (deg)", "estimated square-on")
    mae, worst = float(row[4]), float(row[6])
    assert calibration.BENCH_PEAK_ERROR_DEG["square-on"][key] == (mae, worst)


@pytest.mark.parametrize(("quantity", "key"), [("peak_tilt", "tilt"), ("hinge", "onset")])
@pytest.mark.parametrize(("group", "basis"), [("estimated square-on", "square-on"), ("all", "any camera")])
def test_the_card_errors_are_the_benchs(quantity, key, group, basis):
    row = _row(_text("last_accuracy_run.txt"), "marker", f"{quantity} (deg)", group)
    assert calibration.BENCH_PEAK_ERROR_DEG[basis][key] == (float(row[4]), float(row[6]))


@pytest.mark.parametrize(("quantity", "key"), [("peak_thigh", "thigh"), ("peak_trunk_thigh", "trunk_thigh")])
def test_the_any_camera_errors_are_the_benchs_left_out_figures(quantity, key):
    line = next(ln for ln in _text("last_accuracy_run.txt").splitlines() if ln.startswith("pan correction"))
    part = line[line.index(f"{quantity}: ") :]
    mae, worst = re.search(r"([\d.]+) \(worst ([\d.]+)\) with the slope refitted", part).groups()
    assert calibration.BENCH_PEAK_ERROR_DEG["any camera"][key] == (float(mae), float(worst))


@pytest.mark.parametrize("position", ["seated", "supine"])
def test_the_ir_errors_are_the_benchs(position):
    row = _row(_text("last_accuracy_run.txt"), position, "within 15 deg")
    assert calibration.BENCH_PEAK_IR_ERROR_DEG[position] == (float(row[3]), float(row[5]))


def test_prone_has_no_stated_error_because_every_clip_was_refused():
    row = _row(_text("last_accuracy_run.txt"), "prone", "within 15 deg")
    assert row[3] == "n/a" and calibration.BENCH_PEAK_IR_ERROR_DEG["prone"] is None


def test_the_clothed_ir_error_is_the_realistic_suites():
    line = next(ln for ln in _text("last_realism_run.txt").splitlines() if ln.startswith("hip-ir ir: MAE"))
    mae, worst = re.search(r"MAE ([\d.]+) \(worst ([\d.]+)", line).groups()
    assert calibration.BENCH_PEAK_IR_CLOTHED_ERROR_DEG == (float(mae), float(worst))


def test_the_results_state_the_calibrated_errors():
    """The words beside a number are built from the calibration module, not typed."""
    from hiprom.protocols.hip_ir import accuracy_line

    entry = {"measurement_error_deg": 0.9, "measurement_error_max_deg": 2.6, "pivot": {"source": "knee"}}
    assert accuracy_line(entry) == "benchmark error in this view: mean 0.9 deg, worst 2.6 deg"
    entry["pivot"]["source"] = "proportions"
    assert accuracy_line(entry).startswith("knee placed from the body's proportions (clothed legs)")


def _proportions_line() -> str:
    lines = _text("last_accuracy_run.txt").splitlines()
    return next(ln for ln in lines if ln.startswith("hip-ir proportions"))


@pytest.mark.parametrize("position", ["supine", "seated"])
def test_the_pelvis_to_shank_proportions_are_the_benchs_medians(position):
    median = re.search(rf"{position} ([\d.]+) \(", _proportions_line()).group(1)
    assert calibration.HIP_WIDTH_PER_SHANK[position] == float(median)


def test_the_slid_knee_cut_takes_the_placed_knee_on_one_bare_leg_clip_as_documented():
    line = _proportions_line()
    lowest = float(re.search(r"lowest ([\d.]+)", line).group(1))
    used = int(re.search(r"pivot from proportions on (\d+) clips", line).group(1))
    assert lowest < calibration.KNEE_SLID_FRACTION and used == 1


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("peak thigh (deg)", "peak_thigh_angle_deg"),
        ("peak goniometer (deg)", "peak_trunk_thigh_angle_deg"),
        ("peak tilt (deg)", "pelvic_tilt.peak_deg"),
        ("onset hip flexion (deg)", "pelvic_tilt.onset.hip_flexion_deg"),
        ("peak IR (deg)", "peak_ir_deg"),
        ("peak ER (deg)", "peak_er_deg"),
    ],
)
def test_hiproms_own_mdc_is_the_benchs_repeatability(label, key):
    row = _row(_text("last_accuracy_run.txt"), label)
    assert calibration.HIPROM_MDC_DEG[key] == float(row[4])


def test_comparisons_use_the_larger_mdc_and_say_which():
    from hiprom.norms import FLEXION_MDC_DEG
    from hiprom.store.compare import _measures

    by_key = {m.key: m for m in _measures("knee-to-chest", "supine", "left")}
    onset = by_key["pelvic_tilt.onset.hip_flexion_deg"]
    own = calibration.HIPROM_MDC_DEG[onset.key]
    assert onset.mdc_deg == max(own, FLEXION_MDC_DEG)
    assert onset.mdc_source == ("hiprom's repeatability" if own > FLEXION_MDC_DEG else "manual goniometry")
    ir = {m.key: m for m in _measures("hip-ir", "seated", "left")}["peak_ir_deg"]
    assert ir.mdc_source == "manual goniometry" and ir.mdc_deg == 9.0
