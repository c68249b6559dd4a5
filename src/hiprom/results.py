"""Result documents: the versioned JSON of an analysis and its per-frame CSV.

Schema ``hiprom.result/1`` (documented in docs/knee-to-chest.md): a top-level
object with ``schema``, ``test``, ``clip``, ``hiprom_version``, ``quality``
and ``results``, one entry per analysed rep and side.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from hiprom._fs import write_csv_columns, write_json
from hiprom.analysis.knee_to_chest import KneeToChestRep, LegAngles

__all__ = ["SCHEMA", "knee_to_chest_document", "write_frames_csv", "write_json"]

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
        "lumbar_borrowing": {
            "flag": rep.borrowing,
            "confidence": rep.confidence,
            "reasons": list(rep.reasons),
        },
        "quality": {"warnings": list(rep.warnings)},
    }


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
