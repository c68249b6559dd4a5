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
import re
from dataclasses import dataclass
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
    "CALIBRATIONS",
    "CAMERA_ESTIMATE_ERROR_DEG",
    "DATA",
    "DEFAULT",
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
    "Calibration",
    "for_model",
    "model_not_benchmarked",
    "named",
    "provenance",
]

_FILE = re.compile(r"calibration(?:_(?P<model>[a-z0-9]+))?\.json")


def _pair(errors: dict, key: str) -> tuple[float, float] | None:
    entry = errors.get(key)
    return None if entry is None else (float(entry["stated"][0]), float(entry["stated"][1]))


@dataclass(frozen=True)
class Calibration:
    """One pose model's calibration: what the benchmark measured with that model alone.

    Read from ``calibration.json`` (the default model) or ``calibration_<model>.json``; every field is
    derived from that document (``document``). ``tests`` names the protocols it calibrates: a result of
    another test from this model states no error.
    """

    document: dict
    model: dict
    tests: tuple[str, ...]
    #: knee-to-chest (mean absolute, worst; deg) by basis ("square-on", "any camera") and quantity
    k2c_error_deg: dict
    ir_error_deg: dict
    er_error_deg: dict
    side_to_side_error_deg: dict
    ir_clothed_error_deg: tuple[float, float] | None
    er_clothed_error_deg: tuple[float, float] | None
    camera_estimate_error_deg: dict
    error_notes: dict
    benchmarked_pan_deg: tuple[float, float]
    benchmarked_tilt_deg: tuple[float, float]
    benchmarked_ir_femur_deg: dict
    ir_femur_margin_deg: float
    pan_map: tuple[float, float]
    tilt_map: tuple[float, float]
    pan_flexion_slope_per_deg: float
    pan_correction_max_deg: float
    square_max_pan_deg: float
    thigh_offset_deg: float
    rest_thigh_deg: float
    onset_error_range_deg: tuple[float, float]
    onset_interval_coverage: dict
    onset_range_fitted_on: tuple[str, ...]
    thigh_card_rest_thigh_deg: float
    thigh_card_onset_error_range_deg: tuple[float, float]
    thigh_card_interval_coverage: dict
    thigh_card_range_fitted_on: tuple[str, ...]
    thigh_card_error_deg: dict
    hip_width_per_shank: dict
    knee_slid_fraction: float
    pelvic_roll_ir_cost_deg: tuple[float, float]
    mdc_deg: dict

    @classmethod
    def from_document(cls, doc: dict) -> Calibration:
        errors, const = doc["errors"], doc["constants"]
        card = const["thigh_card_onset_error_range_deg"]
        k2c = ("thigh", "trunk_thigh", "tilt", "onset", "knee_flexion", "hip_flexion")
        positions = ("supine", "seated", "prone")
        return cls(
            document=doc,
            model=doc["model"],
            tests=tuple(doc.get("tests") or ("knee-to-chest", "hip-ir")),
            k2c_error_deg={
                b: {q: _pair(errors, f"k2c.{q}.{b}") for q in k2c} for b in ("square-on", "any camera")
            },
            ir_error_deg={p: _pair(errors, f"ir.{p}") for p in positions},
            er_error_deg={p: _pair(errors, f"er.{p}") for p in positions},
            side_to_side_error_deg={p: _pair(errors, f"side_to_side.{p}") for p in positions},
            ir_clothed_error_deg=_pair(errors, "ir.clothed"),
            er_clothed_error_deg=_pair(errors, "er.clothed"),
            camera_estimate_error_deg={w: _pair(errors, f"camera.{w}") for w in ("pan", "tilt")},
            error_notes={k: v["note"] for k, v in errors.items() if v is not None and v["note"]},
            benchmarked_pan_deg=tuple(doc["benchmarked_view"]["pan_deg"]),
            benchmarked_tilt_deg=tuple(doc["benchmarked_view"]["tilt_deg"]),
            benchmarked_ir_femur_deg=doc["benchmarked_view"].get("ir_femur_deg") or {},
            ir_femur_margin_deg=const["ir_femur_margin_deg"]["value"],
            pan_map=(const["camera_pan_map"]["gain"], const["camera_pan_map"]["offset_deg"]),
            tilt_map=(const["camera_tilt_map"]["gain"], const["camera_tilt_map"]["offset_deg"]),
            pan_flexion_slope_per_deg=const["pan_flexion_slope_per_deg"]["value"],
            pan_correction_max_deg=const["pan_correction_max_deg"]["value"],
            square_max_pan_deg=const["square_max_pan_deg"]["value"],
            thigh_offset_deg=const["pose_model_thigh_offset_deg"]["value"],
            rest_thigh_deg=const["pose_model_rest_thigh_deg"]["value"],
            onset_error_range_deg=tuple(const["onset_error_range_deg"]["value"]),
            onset_interval_coverage=const["onset_error_range_deg"]["coverage"],
            onset_range_fitted_on=tuple(const["onset_error_range_deg"]["fitted_on"]),
            thigh_card_rest_thigh_deg=const["thigh_card_rest_thigh_deg"]["value"],
            thigh_card_onset_error_range_deg=tuple(card["value"]),
            thigh_card_interval_coverage=card["coverage"],
            thigh_card_range_fitted_on=tuple(card["fitted_on"]),
            thigh_card_error_deg={
                q: _pair(errors, f"k2c.{q}.thigh card") for q in ("thigh", "onset", "hip_flexion")
            },
            hip_width_per_shank=dict(const["hip_width_per_shank"]["value"]),
            knee_slid_fraction=const["knee_slid_fraction"]["value"],
            pelvic_roll_ir_cost_deg=tuple(doc["pelvic_roll_cost"]["ir_error_abs_deg"]),
            mdc_deg={k: float(v["value"]) for k, v in doc["mdc_deg"].items()},
        )

    def provenance(self, key: str) -> list[dict]:
        """The bench rows behind a stated error (``"k2c.thigh.square-on"``, ``"ir.supine"``, ...)."""
        entry = self.document["errors"].get(key)
        return [] if entry is None else list(entry["rows"])

    def matches(self, model_sha256: str | None) -> bool:
        """True when landmarks from the model with this SHA-256 were what this calibration measured."""
        return bool(model_sha256) and model_sha256.startswith(self.model["sha256_prefix"])


def _load_all() -> dict[str, Calibration]:
    found = {}
    for entry in resources.files("hiprom").iterdir():
        m = _FILE.fullmatch(entry.name)
        if m:
            found[m["model"] or "default"] = Calibration.from_document(json.loads(entry.read_text()))
    return found


_ALL = _load_all()
#: the default pose model's calibration (``calibration.json``)
DEFAULT: Calibration = _ALL.pop("default")
#: every calibrated pose model's, by model name (the default's included)
CALIBRATIONS: dict[str, Calibration] = {DEFAULT.model["name"]: DEFAULT, **_ALL}


def named(model_name: str | None) -> Calibration:
    """The calibration of the pose model of this name, or the default model's (an entry stored before
    entries named their model was measured with it)."""
    return CALIBRATIONS.get(model_name, DEFAULT)


def for_model(model_sha256: str | None, test: str | None = None) -> Calibration | None:
    """The calibration measured with this pose model (and covering ``test``), or None: no error stated."""
    for cal in CALIBRATIONS.values():
        if cal.matches(model_sha256) and (test is None or test in cal.tests):
            return cal
    return None


def model_not_benchmarked(
    model_name: str | None, model_sha256: str | None, test: str | None = None
) -> str | None:
    """Why no error can be stated for landmarks from this model (None: a calibrated model for ``test``)."""
    if for_model(model_sha256, test) is not None:
        return None
    measured = sorted(n for n, c in CALIBRATIONS.items() if test is None or test in c.tests)
    return (
        f"errors not benchmarked for the pose model {model_name or 'given'}: hiprom's stated errors, its "
        f"corrections and the onset interval's error range were measured with the {', '.join(measured)} "
        "model only (see the README's Speed)"
    )


# The default model's calibration under the names the rest of hiprom reads (the fields of DEFAULT).
#: the whole calibration document (``calibration.json``)
DATA: dict = DEFAULT.document


def provenance(key: str) -> list[dict]:
    """The bench rows behind a stated error of the default model (:meth:`Calibration.provenance`)."""
    return DEFAULT.provenance(key)


#: The pose model the benchmark ran (``name``, ``sha256_prefix``): the stated errors and the fitted
#: corrections below were measured with it alone.
BENCHMARKED_MODEL: dict = DEFAULT.model
#: Knee-to-chest errors (mean absolute, worst; deg) by the camera set-up the result was filmed from:
#: "square-on" (estimated pan within SQUARE_MAX_PAN_DEG) or "any camera". Keys: thigh, trunk_thigh
#: (goniometer), tilt (the card's peak tilt), onset (hip flexion at the onset, against the generator's
#: hinge), knee_flexion, hip_flexion (the peak femur-on-pelvis angle, marker mode).
BENCH_PEAK_ERROR_DEG: dict[str, dict[str, tuple[float, float]]] = DEFAULT.k2c_error_deg
#: Hip-rotation peak IR / ER errors per position, camera within 15 deg of the ideal view (None where
#: every clip was refused), and the error of a left-minus-right IR difference.
BENCH_PEAK_IR_ERROR_DEG: dict[str, tuple[float, float] | None] = DEFAULT.ir_error_deg
BENCH_PEAK_ER_ERROR_DEG: dict[str, tuple[float, float] | None] = DEFAULT.er_error_deg
SIDE_TO_SIDE_ERROR_DEG: dict[str, tuple[float, float] | None] = DEFAULT.side_to_side_error_deg
#: On clothed legs about the knee placed from the body's proportions (hiprom.analysis.ir_pivot).
BENCH_PEAK_IR_CLOTHED_ERROR_DEG: tuple[float, float] = DEFAULT.ir_clothed_error_deg
BENCH_PEAK_ER_CLOTHED_ERROR_DEG: tuple[float, float] = DEFAULT.er_clothed_error_deg
#: The error of the phone's estimated pan and tilt (mean absolute, worst; deg).
CAMERA_ESTIMATE_ERROR_DEG: dict[str, tuple[float, float]] = DEFAULT.camera_estimate_error_deg
#: Stated errors with no out-of-sample row, and why (printed beside them).
ERROR_NOTES: dict[str, str] = DEFAULT.error_notes
#: The knee-to-chest camera range the benchmark covered (estimated pan, tilt; deg): outside it a result's
#: error is "not benchmarked for this view".
BENCHMARKED_PAN_DEG: tuple[float, float] = DEFAULT.benchmarked_pan_deg
BENCHMARKED_TILT_DEG: tuple[float, float] = DEFAULT.benchmarked_tilt_deg
#: Hip rotation: per position, the range of the rest femur's direction off the camera's axis (lateral and
#: along the trunk, deg; hiprom.analysis.ir_views.femur_view_deg) over the benchmark's measured clips:
#: outside it, "not benchmarked for this view".
BENCHMARKED_IR_FEMUR_DEG: dict[str, dict] = DEFAULT.benchmarked_ir_femur_deg
#: Added on each side of that range (deg; chosen, see its provenance).
IR_FEMUR_MARGIN_DEG: float = DEFAULT.ir_femur_margin_deg
#: The maps from the pose model's raw depth slopes to the phone's pan and tilt (gain, offset in deg).
PAN_MAP: tuple[float, float] = DEFAULT.pan_map
TILT_MAP: tuple[float, float] = DEFAULT.tilt_map
#: The pose model's flexion error per degree of pan, as a fraction of the angle; not extrapolated past
#: PAN_CORRECTION_MAX_DEG.
PAN_FLEXION_SLOPE_PER_DEG: float = DEFAULT.pan_flexion_slope_per_deg
PAN_CORRECTION_MAX_DEG: float = DEFAULT.pan_correction_max_deg
#: An estimated pan within this counts as square-on.
SQUARE_MAX_PAN_DEG: float = DEFAULT.square_max_pan_deg
#: The bundled pose model's peak thigh reads this much high against the resting body line.
POSE_MODEL_THIGH_OFFSET_DEG: float = DEFAULT.thigh_offset_deg
#: The resting thigh reading (after that offset) that the onset's hip flexion counts from.
POSE_MODEL_REST_THIGH_DEG: float = DEFAULT.rest_thigh_deg
#: The onset's error range on held-out clips, deg: (most under-read, most over-read), signed measured -
#: true. The onset interval reaches from the fit's own interval minus the over-read to plus the
#: under-read; how often it held the true onset, per suite.
ONSET_ERROR_RANGE_DEG: tuple[float, float] = DEFAULT.onset_error_range_deg
ONSET_INTERVAL_COVERAGE: dict[str, list[int] | None] = DEFAULT.onset_interval_coverage
#: The suites the range was taken from: its coverage there is in-sample, wherever else they are held out.
ONSET_RANGE_FITTED_ON: tuple[str, ...] = DEFAULT.onset_range_fitted_on
#: The same with the thigh card (the thigh's lift read from the card, hiprom.analysis.thigh_card): its
#: error range, coverage and the suites the range was taken from; and its stated errors (thigh, onset,
#: hip_flexion; None until a suite nothing was fitted on measured them).
#: The resting thigh (against the table) that the thigh card's lift is counted from for the thigh angle.
THIGH_CARD_REST_THIGH_DEG: float = DEFAULT.thigh_card_rest_thigh_deg
THIGH_CARD_ONSET_ERROR_RANGE_DEG: tuple[float, float] = DEFAULT.thigh_card_onset_error_range_deg
THIGH_CARD_INTERVAL_COVERAGE: dict[str, list[int] | None] = DEFAULT.thigh_card_interval_coverage
THIGH_CARD_RANGE_FITTED_ON: tuple[str, ...] = DEFAULT.thigh_card_range_fitted_on
THIGH_CARD_ERROR_DEG: dict[str, tuple[float, float] | None] = DEFAULT.thigh_card_error_deg
#: Hip-to-hip distance over the true rest shank per hip-rotation view (predicts the shank when the
#: knee point is not trusted), and the fraction of it below which the knee point slid (clothing).
HIP_WIDTH_PER_SHANK: dict[str, float] = DEFAULT.hip_width_per_shank
KNEE_SLID_FRACTION: float = DEFAULT.knee_slid_fraction
#: What a pelvic roll during hip rotation cost the IR reading on the benchmark's roll clips (|error|, deg:
#: lowest, largest), quoted by the compensation warnings.
PELVIC_ROLL_IR_COST_DEG: tuple[float, float] = DEFAULT.pelvic_roll_ir_cost_deg
#: hiprom's own minimal detectable change (MDC95, deg) per compared measure: the same movement filmed on
#: other bodies and cameras (synthetic takes only: a real re-test adds the patient's and the tester's
#: variation, so comparisons use the larger of this and the manual goniometer's MDC and say which).
HIPROM_MDC_DEG: dict[str, float] = DEFAULT.mdc_deg
