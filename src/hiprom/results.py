"""Result documents: the versioned JSON of an analysis and its per-frame CSV.

Schema ``hiprom.result/1`` (documented in docs/knee-to-chest.md and
docs/hip-ir.md): a top-level object with ``schema``, ``test``, ``clip``,
``hiprom_version``, ``quality`` and ``results``, one entry per analysed rep
and side (knee-to-chest) or per tested side (hip-ir, which adds ``position``
and ``findings``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from hiprom._fs import write_csv_columns, write_json
from hiprom.analysis.hip_ir import MDC_DEG, HipIRAnalysis, HipIRSide
from hiprom.analysis.knee_to_chest import KneeToChestRep, LegAngles

__all__ = [
    "SCHEMA",
    "hip_ir_document",
    "knee_to_chest_document",
    "write_frames_csv",
    "write_ir_frames_csv",
    "write_json",
]

SCHEMA = "hiprom.result/1"


def _num(x: float | None, digits: int = 1) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), digits)


def rep_entry(rep: KneeToChestRep) -> dict[str, Any]:
    """One element of ``results`` in the knee-to-chest schema."""
    ci = None if rep.onset_ci_deg is None else [_num(rep.onset_ci_deg[0]), _num(rep.onset_ci_deg[1])]
    return {
        "test": "knee-to-chest",
        "side": rep.side,
        "rep": {
            "start_s": _num(rep.rep.start_s, 3),
            "peak_s": _num(rep.rep.peak_s, 3),
            "end_s": _num(rep.rep.end_s, 3),
        },
        "baseline": None
        if rep.baseline is None
        else {"start_s": _num(rep.baseline.start_s, 3), "end_s": _num(rep.baseline.stop_s, 3)},
        "peak_thigh_angle_deg": _num(rep.peak_thigh_angle_deg),
        "peak_trunk_thigh_angle_deg": _num(rep.peak_trunk_thigh_angle_deg),
        "peak_knee_flexion_deg": _num(rep.peak_knee_flexion_deg),
        "pelvic_tilt": {
            "method": rep.tilt_method,
            "peak_deg": _num(rep.peak_tilt_deg),
            "onset": {
                "hip_flexion_deg": _num(rep.onset_hip_flexion_deg),
                "thigh_angle_deg": _num(rep.onset_thigh_angle_deg),
                "time_s": _num(rep.onset_time_s, 3),
                "ci_deg": ci,
            },
        },
        "camera": _camera_entry(rep),
        "measurement_error_deg": _error_entry(rep),
        "lumbar_borrowing": {
            "flag": rep.borrowing,
            "confidence": rep.confidence,
            "reasons": list(rep.reasons),
        },
        "quality": {"warnings": list(rep.warnings)},
    }


def _camera_entry(rep: KneeToChestRep) -> dict[str, Any] | None:
    from hiprom.kinematics import camera_view as cv

    if rep.camera is None:
        return None
    return {
        "pan_deg": _num(rep.camera.pan_deg),  # + towards the head
        "tilt_deg": _num(rep.camera.tilt_deg),  # + above the table, looking down
        "method": "estimated from the pose model's 3D landmarks over the still frames before the raise",
        # the rep's thigh and trunk-thigh angles are the pose model's readings times this (see
        # hiprom.kinematics.camera_view.flexion_scale): it undoes the model's pan-dependent error
        "flexion_scale": _num(rep.camera.flexion_scale, 3),
        "estimate_error_deg": {
            "pan": cv.PAN_ERROR_DEG,
            "pan_max": cv.PAN_ERROR_MAX_DEG,
            "tilt": cv.TILT_ERROR_DEG,
            "tilt_max": cv.TILT_ERROR_MAX_DEG,
        },
    }


def _error_entry(rep: KneeToChestRep) -> dict[str, Any]:
    """The benchmark's peak-angle errors for the camera set-up this rep was filmed from."""
    from hiprom.analysis.knee_to_chest import BENCH_PEAK_ERROR_DEG

    square = rep.camera is not None and rep.camera.square_on
    basis = "square-on" if square else "any camera"
    err = BENCH_PEAK_ERROR_DEG[basis]
    return {
        "basis": f"synthetic benchmark, camera {basis}",
        "peak_thigh_angle": err["thigh"][0],
        "peak_thigh_angle_max": err["thigh"][1],
        "peak_trunk_thigh_angle": err["trunk_thigh"][0],
        "peak_trunk_thigh_angle_max": err["trunk_thigh"][1],
    }


def accuracy_line(entry: dict[str, Any]) -> str:
    """One line on how far a result entry's numbers can be trusted, for the CLI and the web page.

    Hip rotation: the position's benchmark error (or that it is not established).
    Knee-to-chest: where the phone stood (estimated) and the benchmark errors that go
    with that set-up. Empty for entries stored before these fields existed.
    """
    if entry.get("test") == "hip-ir":
        err = entry.get("measurement_error_deg")
        if err is None:
            return "accuracy not established in this view"
        worst = entry.get("measurement_error_max_deg")
        return f"benchmark error in this view: mean {err} deg, worst {worst} deg"
    err, cam = entry.get("measurement_error_deg"), entry.get("camera")
    if not err:
        return ""
    where = ""
    if cam and cam.get("pan_deg") is not None:
        towards = "head" if cam["pan_deg"] >= 0 else "feet"
        where = f"phone about {abs(cam['pan_deg']):.0f} deg towards the {towards}"
        if round(abs(cam["pan_deg"])) == 0:
            where = "phone square to the body"
        if cam.get("tilt_deg") is not None:
            where += f" and {cam['tilt_deg']:.0f} deg above the table"
        where += "; "
    basis = err["basis"].split("camera ")[-1]
    return (
        f"{where}benchmark error ({basis}): thigh {err['peak_thigh_angle']} deg (worst "
        f"{err['peak_thigh_angle_max']}), goniometer {err['peak_trunk_thigh_angle']} deg "
        f"(worst {err['peak_trunk_thigh_angle_max']})"
    )


def knee_to_chest_document(reps: list[KneeToChestRep], meta: dict[str, Any], warnings: list[str]) -> dict:
    from hiprom import __version__

    return {
        "schema": SCHEMA,
        "test": "knee-to-chest",
        "hiprom_version": __version__,
        "clip": meta,
        "quality": {"warnings": warnings},
        "results": [rep_entry(r) for r in reps],
    }


def write_frames_csv(
    path: Path, time_s: np.ndarray, angles: dict[str, LegAngles], tilt_deg: np.ndarray | None
) -> Path:
    """Per-frame angles of both legs (and the card's tilt when measured)."""
    columns: dict[str, np.ndarray] = {"time_s": time_s}
    for side, leg in angles.items():
        columns[f"{side}_thigh_vs_table_deg"] = leg.thigh_vs_table_deg
        columns[f"{side}_trunk_thigh_deg"] = leg.trunk_thigh_deg
        columns[f"{side}_knee_flexion_deg"] = leg.knee_flexion_deg
    if tilt_deg is not None:
        columns["pelvic_tilt_marker_deg"] = tilt_deg
    return write_csv_columns(path, columns, "%.3f")


def ir_entry(side: HipIRSide, accuracy_deg: tuple[float, float] | None = None) -> dict[str, Any]:
    """One element of ``results`` in the hip-ir schema (one tested side)."""
    return {
        "test": "hip-ir",
        "position": side.position,
        "side": side.side,
        "peak_ir_deg": _num(side.peak_ir_deg),
        "peak_er_deg": _num(side.peak_er_deg),
        "limited": side.limited,
        "holds": [
            {
                "kind": h.kind,
                "start_s": _num(h.rep.start_s, 3),
                "peak_s": _num(h.rep.peak_s, 3),
                "end_s": _num(h.rep.end_s, 3),
                "value_deg": _num(h.value_deg),
            }
            for h in side.holds
        ],
        "baseline": None
        if side.baseline is None
        else {"start_s": _num(side.baseline.start_s, 3), "end_s": _num(side.baseline.stop_s, 3)},
        "rest_offset_deg": _num(side.rest_offset_deg),
        "mdc_deg": MDC_DEG[side.position],
        # peak-IR error on the accuracy benchmark in this position: mean absolute and worst (None: unknown)
        "measurement_error_deg": None if accuracy_deg is None else _num(accuracy_deg[0]),
        "measurement_error_max_deg": None if accuracy_deg is None else _num(accuracy_deg[1]),
        "quality": {"warnings": list(side.warnings)},
    }


def hip_ir_document(
    analysis: HipIRAnalysis,
    meta: dict[str, Any],
    warnings: list[str],
    accuracy_deg: tuple[float, float] | None = None,
) -> dict:
    """The result document of a hip-rotation clip."""
    from hiprom import __version__

    return {
        "schema": SCHEMA,
        "test": "hip-ir",
        "position": analysis.position,
        "hiprom_version": __version__,
        "clip": meta,
        "quality": {"warnings": warnings},
        "findings": {
            "asymmetry_deg": _num(analysis.asymmetry_deg),
            "asymmetric": analysis.asymmetric,
            "statements": list(analysis.findings),
        },
        "results": [ir_entry(s, accuracy_deg) for s in analysis.sides],
    }


def write_ir_frames_csv(path: Path, time_s: np.ndarray, rotation_deg: dict[str, np.ndarray]) -> Path:
    """Per-frame hip rotation of each tested side (IR positive, ER negative)."""
    columns: dict[str, np.ndarray] = {"time_s": time_s}
    for side, rotation in rotation_deg.items():
        columns[f"{side}_hip_rotation_deg"] = rotation
    return write_csv_columns(path, columns, "%.3f")
