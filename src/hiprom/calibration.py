"""What the benchmark measured: the pose model's fitted corrections and hiprom's stated errors.

The numbers live in ``calibration.json`` beside this module, written by
``bench/calibrate.py`` from the committed bench outputs (``bench/last_*.txt``)
and never by hand; each carries its provenance there (bench command, suite,
clip count, in-sample, left out or held out). This module only reads that
file and names its entries; results, the CLI, the web pages, comparisons and
reports read them from here. Numbers from geometry or the clinical literature
live in :mod:`hiprom.kinematics` and :mod:`hiprom.norms`.

A **stated error** is the largest mean absolute error and the largest worst
case over every suite that scored the measure: the main grid (in-sample for
the corrections and cut-offs fitted on it), the left-out refit where there is
one, the held-out grid and the realistic clothed-and-cluttered suites.
``ERROR_NOTES`` holds the reason for any error that has no out-of-sample
row; results print it beside the number.
"""

from __future__ import annotations

import json
from importlib import resources

__all__ = [
    "BENCHMARKED_IR_FEMUR_DEG",
    "BENCHMARKED_MODEL",
    "BENCHMARKED_PAN_DEG",
    "BENCHMARKED_TILT_DEG",
    "BENCH_PEAK_ERROR_DEG",
    "BENCH_PEAK_ER_CLOTHED_ERROR_DEG",
    "BENCH_PEAK_ER_ERROR_DEG",
    "BENCH_PEAK_IR_CLOTHED_ERROR_DEG",
    "BENCH_PEAK_IR_ERROR_DEG",
    "CAMERA_ESTIMATE_ERROR_DEG",
    "DATA",
    "ERROR_NOTES",
    "HIPROM_MDC_DEG",
    "HIP_WIDTH_PER_SHANK",
    "IR_FEMUR_MARGIN_DEG",
    "KNEE_SLID_FRACTION",
    "ONSET_ERROR_RANGE_DEG",
    "ONSET_INTERVAL_COVERAGE",
    "ONSET_RANGE_FITTED_ON",
    "PAN_CORRECTION_MAX_DEG",
    "PAN_FLEXION_SLOPE_PER_DEG",
    "PAN_MAP",
    "PELVIC_ROLL_IR_COST_DEG",
    "POSE_MODEL_REST_THIGH_DEG",
    "POSE_MODEL_THIGH_OFFSET_DEG",
    "SIDE_TO_SIDE_ERROR_DEG",
    "SQUARE_MAX_PAN_DEG",
    "THIGH_CARD_ERROR_DEG",
    "THIGH_CARD_INTERVAL_COVERAGE",
    "THIGH_CARD_ONSET_ERROR_RANGE_DEG",
    "THIGH_CARD_RANGE_FITTED_ON",
    "THIGH_CARD_REST_THIGH_DEG",
    "TILT_MAP",
    "model_not_benchmarked",
    "provenance",
]

#: the whole calibration document (``calibration.json``)
DATA: dict = json.loads(resources.files("hiprom").joinpath("calibration.json").read_text())

_ERRORS: dict = DATA["errors"]
_CONST: dict = DATA["constants"]


def _err(key: str) -> tuple[float, float] | None:
    entry = _ERRORS.get(key)
    return None if entry is None else (float(entry["stated"][0]), float(entry["stated"][1]))


def provenance(key: str) -> list[dict]:
    """The bench rows behind a stated error (``"k2c.thigh.square-on"``, ``"ir.supine"``, ...)."""
    entry = _ERRORS.get(key)
    return [] if entry is None else list(entry["rows"])


#: The pose model the benchmark ran (``name``, ``sha256_prefix``): the stated errors and the fitted
#: corrections below were measured with it alone.
BENCHMARKED_MODEL: dict = DATA["model"]


def model_not_benchmarked(model_name: str | None, model_sha256: str | None) -> str | None:
    """Why no error can be stated for landmarks from this model (None: the benchmarked model)."""
    if model_sha256 and model_sha256.startswith(BENCHMARKED_MODEL["sha256_prefix"]):
        return None
    return (
        f"errors not benchmarked for the pose model {model_name or 'given'}: hiprom's stated errors, its "
        "corrections and the onset interval's error range were measured with the "
        f"{BENCHMARKED_MODEL['name']} model only (see the README's Speed)"
    )


#: Knee-to-chest errors (mean absolute, worst; deg) by the camera set-up the result was filmed from:
#: "square-on" (estimated pan within SQUARE_MAX_PAN_DEG) or "any camera". Keys: thigh, trunk_thigh
#: (goniometer), tilt (the card's peak tilt), onset (hip flexion at the onset, against the generator's
#: hinge), knee_flexion, hip_flexion (the peak femur-on-pelvis angle, marker mode).
BENCH_PEAK_ERROR_DEG: dict[str, dict[str, tuple[float, float]]] = {
    basis: {
        q: _err(f"k2c.{q}.{basis}")
        for q in ("thigh", "trunk_thigh", "tilt", "onset", "knee_flexion", "hip_flexion")
    }
    for basis in ("square-on", "any camera")
}

#: Hip-rotation peak IR / ER errors per position, camera within 15 deg of the ideal view (None where
#: every clip was refused), and the error of a left-minus-right IR difference.
BENCH_PEAK_IR_ERROR_DEG: dict[str, tuple[float, float] | None] = {
    p: _err(f"ir.{p}") for p in ("supine", "seated", "prone")
}
BENCH_PEAK_ER_ERROR_DEG: dict[str, tuple[float, float] | None] = {
    p: _err(f"er.{p}") for p in ("supine", "seated", "prone")
}
SIDE_TO_SIDE_ERROR_DEG: dict[str, tuple[float, float] | None] = {
    p: _err(f"side_to_side.{p}") for p in ("supine", "seated", "prone")
}
#: On clothed legs about the knee placed from the body's proportions (hiprom.analysis.ir_pivot).
BENCH_PEAK_IR_CLOTHED_ERROR_DEG: tuple[float, float] = _err("ir.clothed")
BENCH_PEAK_ER_CLOTHED_ERROR_DEG: tuple[float, float] = _err("er.clothed")

#: The error of the phone's estimated pan and tilt (mean absolute, worst; deg).
CAMERA_ESTIMATE_ERROR_DEG: dict[str, tuple[float, float]] = {w: _err(f"camera.{w}") for w in ("pan", "tilt")}

#: Stated errors with no out-of-sample row, and why (printed beside them).
ERROR_NOTES: dict[str, str] = {k: v["note"] for k, v in _ERRORS.items() if v is not None and v["note"]}

#: The knee-to-chest camera range the benchmark covered (estimated pan, tilt; deg): outside it a result's
#: error is "not benchmarked for this view".
BENCHMARKED_PAN_DEG: tuple[float, float] = tuple(DATA["benchmarked_view"]["pan_deg"])
BENCHMARKED_TILT_DEG: tuple[float, float] = tuple(DATA["benchmarked_view"]["tilt_deg"])
#: Hip rotation: per position, the range of the rest femur's direction off the camera's axis (lateral and
#: along the trunk, deg; hiprom.analysis.ir_views.femur_view_deg) over the benchmark's measured clips:
#: outside it, "not benchmarked for this view".
BENCHMARKED_IR_FEMUR_DEG: dict[str, dict] = DATA["benchmarked_view"].get("ir_femur_deg") or {}
#: Added on each side of that range (deg; chosen, see its provenance).
IR_FEMUR_MARGIN_DEG: float = _CONST["ir_femur_margin_deg"]["value"]

#: The maps from the pose model's raw depth slopes to the phone's pan and tilt (gain, offset in deg).
PAN_MAP: tuple[float, float] = (_CONST["camera_pan_map"]["gain"], _CONST["camera_pan_map"]["offset_deg"])
TILT_MAP: tuple[float, float] = (_CONST["camera_tilt_map"]["gain"], _CONST["camera_tilt_map"]["offset_deg"])
#: The pose model's flexion error per degree of pan, as a fraction of the angle; not extrapolated past
#: PAN_CORRECTION_MAX_DEG.
PAN_FLEXION_SLOPE_PER_DEG: float = _CONST["pan_flexion_slope_per_deg"]["value"]
PAN_CORRECTION_MAX_DEG: float = _CONST["pan_correction_max_deg"]["value"]
#: An estimated pan within this counts as square-on.
SQUARE_MAX_PAN_DEG: float = _CONST["square_max_pan_deg"]["value"]
#: The bundled pose model's peak thigh reads this much high against the resting body line.
POSE_MODEL_THIGH_OFFSET_DEG: float = _CONST["pose_model_thigh_offset_deg"]["value"]
#: The resting thigh reading (after that offset) that the onset's hip flexion counts from.
POSE_MODEL_REST_THIGH_DEG: float = _CONST["pose_model_rest_thigh_deg"]["value"]
#: The onset's error range on held-out clips, deg: (most under-read, most over-read), signed measured -
#: true. The onset interval reaches from the fit's own interval minus the over-read to plus the
#: under-read; how often it held the true onset, per suite.
ONSET_ERROR_RANGE_DEG: tuple[float, float] = tuple(_CONST["onset_error_range_deg"]["value"])
ONSET_INTERVAL_COVERAGE: dict[str, list[int] | None] = _CONST["onset_error_range_deg"]["coverage"]
#: The suites the range was taken from: its coverage there is in-sample, wherever else they are held out.
ONSET_RANGE_FITTED_ON: tuple[str, ...] = tuple(_CONST["onset_error_range_deg"]["fitted_on"])
#: The same with the thigh card (the thigh's lift read from the card, hiprom.analysis.thigh_card): its
#: error range, coverage and the suites the range was taken from; and its stated errors (thigh, onset,
#: hip_flexion; None until a suite nothing was fitted on measured them).
_CARD_RANGE = _CONST["thigh_card_onset_error_range_deg"]
#: The resting thigh (against the table) that the thigh card's lift is counted from for the thigh angle.
THIGH_CARD_REST_THIGH_DEG: float = _CONST["thigh_card_rest_thigh_deg"]["value"]
THIGH_CARD_ONSET_ERROR_RANGE_DEG: tuple[float, float] = tuple(_CARD_RANGE["value"])
THIGH_CARD_INTERVAL_COVERAGE: dict[str, list[int] | None] = _CARD_RANGE["coverage"]
THIGH_CARD_RANGE_FITTED_ON: tuple[str, ...] = tuple(_CARD_RANGE["fitted_on"])
THIGH_CARD_ERROR_DEG: dict[str, tuple[float, float] | None] = {
    q: _err(f"k2c.{q}.thigh card") for q in ("thigh", "onset", "hip_flexion")
}
#: Hip-to-hip distance over the true rest shank per hip-rotation view (predicts the shank when the
#: knee point is not trusted), and the fraction of it below which the knee point slid (clothing).
HIP_WIDTH_PER_SHANK: dict[str, float] = dict(_CONST["hip_width_per_shank"]["value"])
KNEE_SLID_FRACTION: float = _CONST["knee_slid_fraction"]["value"]

#: What a pelvic roll during hip rotation cost the IR reading on the benchmark's roll clips (|error|, deg:
#: lowest, largest), quoted by the compensation warnings.
PELVIC_ROLL_IR_COST_DEG: tuple[float, float] = tuple(DATA["pelvic_roll_cost"]["ir_error_abs_deg"])

#: hiprom's own minimal detectable change (MDC95, deg) per compared measure: the same movement filmed on
#: other bodies and cameras (synthetic takes only: a real re-test adds the patient's and the tester's
#: variation, so comparisons use the larger of this and the manual goniometer's MDC and say which).
HIPROM_MDC_DEG: dict[str, float] = {k: float(v["value"]) for k, v in DATA["mdc_deg"].items()}
