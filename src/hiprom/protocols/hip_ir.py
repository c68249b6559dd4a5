"""The hip internal-rotation test (supine 90/90, seated, prone) as a protocol.

Result entries follow ``docs/hip-ir.md`` (schema ``hiprom.result/1``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hiprom.calibration import (
    BENCH_PEAK_ER_CLOTHED_ERROR_DEG,
    BENCH_PEAK_ER_ERROR_DEG,
    BENCH_PEAK_IR_CLOTHED_ERROR_DEG,
    BENCH_PEAK_IR_ERROR_DEG,
    ERROR_NOTES,
    SIDE_TO_SIDE_ERROR_DEG,
)
from hiprom.norms import ASYMMETRY_IR_DEG, HEALTHY_IR_DEG, IR_MDC_DEG, LIMITED_IR_DEG, POSITIONS, ir_band
from hiprom.protocols.base import (
    Analysed,
    Cell,
    EntryView,
    Measure,
    Options,
    Protocol,
    errors_unbenchmarked,
    sides_lines,
)
from hiprom.results import clip_meta, document, num, side_labels

if TYPE_CHECKING:
    from hiprom.analysis.hip_ir import HipIRAnalysis, HipIRSide
    from hiprom.landmarks import LandmarkSeries

__all__ = ["PRONE_HINT", "HipIR", "ir_entry", "write_ir_frames_csv"]

PRONE_HINT = (
    " (prone hip rotation filmed from the foot end could not be measured with the bundled pose "
    "model on any benchmark clip: the face is hidden and the legs get lost; use the seated or supine test)"
)


class HipIR(Protocol):
    name = "hip-ir"
    title = "hip internal rotation"
    positions = POSITIONS
    form_label = "Hip internal rotation"
    position_labels = {  # noqa: RUF012 (read-only class data)
        "seated": "Seated (phone in front)",
        "supine": "Supine 90/90 (phone overhead)",
        "prone": "Prone (phone at the foot end; not measurable with the bundled pose model so far)",
    }
    orientation = "as-filmed"
    definitions = (
        ("internal rotation", "the shank's turn from its rest direction with the foot swinging outwards "
         f"(laterally), about the knee's rest position; limited at {LIMITED_IR_DEG:.0f} deg or less, healthy "
         f"{HEALTHY_IR_DEG[0]:.0f}-{HEALTHY_IR_DEG[1]:.0f} deg"),
        ("external rotation", "the same turn with the foot swinging inwards (medially)"),
    )  # fmt: skip

    def refusal_hint(self, options: Options) -> str:
        return PRONE_HINT if options.position == "prone" else ""

    def analyse(self, series: LandmarkSeries, options: Options, warnings: list[str]) -> Analysed:
        from hiprom.analysis.hip_ir import analyze_hip_ir
        from hiprom.report.overlay import hip_ir_drawing
        from hiprom.report.plots import plot_hip_ir

        position = options.position
        result = analyze_hip_ir(
            series.time_s,
            series.image_px,
            series.visibility,
            position,
            side=options.side,
            world_m=series.world_m,
            image_size_px=series.image_size_px,
        )

        def write_files(out_dir: Path) -> dict[str, Path]:
            return {
                "csv": write_ir_frames_csv(out_dir / "frames.csv", series.time_s, result.rotation_deg),
                "plot": plot_hip_ir(out_dir / "rotation.png", series.time_s, result),
            }

        frames = {
            f"key_{s.side}_{h.kind}_{j}": (
                h.rep.peak_frame,
                f"{s.side} {h.kind.upper()} hold: {h.value_deg:.0f} deg",
            )
            for s in result.sides
            for j, h in enumerate(s.holds, 1)
        }
        warnings.extend(result.notes)
        ending = difference_error(position, errors_unbenchmarked(series, self.name))
        doc = hip_ir_document(result, clip_meta(series), warnings, BENCH_PEAK_IR_ERROR_DEG.get(position),
                              sides=side_labels(series), difference_error=ending)  # fmt: skip
        return Analysed(doc, write_files, frames, lambda: hip_ir_drawing(series, result))

    def measures(self, position: str) -> tuple[Measure, ...]:
        mdc = IR_MDC_DEG.get(position, 9.0)
        return (
            Measure(
                "peak_ir_deg",
                "internal rotation",
                "hip-internal-rotation",
                "Hip internal rotation, peak",
                mdc,
                ASYMMETRY_IR_DEG,
            ),
            Measure(
                "peak_er_deg",
                "external rotation",
                "hip-external-rotation",
                "Hip external rotation, peak",
                mdc,
                ASYMMETRY_IR_DEG,
            ),
        )

    def view(self, entry: dict) -> EntryView:
        band = ir_band(entry.get("peak_ir_deg"))
        verdict = {True: "LIMITED", False: f"not limited ({band})", None: "IR not measured"}[
            entry.get("limited")
        ]
        return EntryView(
            title=f"{entry['side']} hip, {entry.get('position')}",
            cells=(
                Cell("internal rotation ", "peak_ir_deg", entry.get("peak_ir_deg")),
                Cell("external rotation ", "peak_er_deg", entry.get("peak_er_deg")),
            ),
            verdict=verdict,
            accuracy=accuracy_line(entry),
            warnings=tuple((entry.get("quality") or {}).get("warnings") or ()),
        )

    def summary_lines(self, document: dict) -> list[str]:
        lines = []
        for entry in document["results"]:
            v = self.view(entry)
            lines.append(f"{v.title}: {v.numbers} ({v.accuracy}); {v.verdict}")
            lines += [f"  ! {w}" for w in v.warnings]
        return lines + [f"- {s}" for s in document["findings"]["statements"]] + sides_lines(document)

    def history_line(self, entry: dict) -> str:
        v = self.view(entry)
        return v.numbers + (", LIMITED" if entry.get("limited") else "")

    def fhir_interpretation(self, entry: dict, measure: Measure) -> tuple[str, str] | None:
        if measure.key != "peak_ir_deg" or entry.get("limited") is None:
            return None
        return ("L", "Low") if entry["limited"] else ("N", "Normal")


def accuracy_line(entry: dict[str, Any]) -> str:
    """The position's benchmark error (or that it is not established)."""
    err = entry.get("measurement_error_deg")
    if entry.get("errors_not_benchmarked"):
        return entry["errors_not_benchmarked"]
    if entry.get("benchmarked_view") is False:
        return (
            "errors not benchmarked for this view (the femur points further off the camera's axis than in "
            "any benchmark clip)"
        )
    if err is None:
        return "accuracy not established in this view"
    worst = entry.get("measurement_error_max_deg")
    if (entry.get("pivot") or {}).get("source") == "proportions":
        line = (
            f"knee placed from the body's proportions (clothed legs); benchmark error: mean {err} deg, "
            f"worst {worst} deg"
        )
    else:
        line = f"benchmark error in this view: mean {err} deg, worst {worst} deg"
    er = entry.get("er_measurement_error_deg")
    if er:
        line += f"; ER mean {er[0]} deg, worst {er[1]} deg"
    if entry.get("measurement_error_note"):
        line += f"; {entry['measurement_error_note']}"
    return line


def ir_entry(side: HipIRSide, accuracy_deg: tuple[float, float] | None = None) -> dict[str, Any]:
    """One element of ``results`` in the hip-ir schema (one tested side).

    ``accuracy_deg`` is the position's bare-leg benchmark error; a shank measured about a knee placed
    from the body's proportions (the knee point slid, clothing) states the clothed-leg error where it
    is larger (the bare-leg grid holds a body that takes the placed knee too; calibration.py).
    """
    from hiprom.analysis.ir_views import benchmarked_ir_view

    pivot = side.pivot
    benchmarked = benchmarked_ir_view(side.femur_view_deg, side.position)
    if not benchmarked:  # a view beyond the benchmark's clips: no error is stated (the side is warned)
        accuracy_deg = None
    er_deg = BENCH_PEAK_ER_ERROR_DEG.get(side.position) if accuracy_deg is not None else None
    note = ERROR_NOTES.get(f"ir.{side.position}") if accuracy_deg is not None else None
    if accuracy_deg is not None and pivot.source == "proportions":
        accuracy_deg = (max(accuracy_deg[0], BENCH_PEAK_IR_CLOTHED_ERROR_DEG[0]),
                        max(accuracy_deg[1], BENCH_PEAK_IR_CLOTHED_ERROR_DEG[1]))  # fmt: skip
        if er_deg is not None:
            er_deg = (max(er_deg[0], BENCH_PEAK_ER_CLOTHED_ERROR_DEG[0]),
                      max(er_deg[1], BENCH_PEAK_ER_CLOTHED_ERROR_DEG[1]))  # fmt: skip
        note = None  # the clothed-leg rows include a held-out suite
    return {
        "test": "hip-ir",
        "position": side.position,
        "side": side.side,
        "peak_ir_deg": num(side.peak_ir_deg),
        "peak_er_deg": num(side.peak_er_deg),
        "limited": side.limited,
        "holds": [
            {
                "kind": h.kind,
                "start_s": num(h.rep.start_s, 3),
                "peak_s": num(h.rep.peak_s, 3),
                "end_s": num(h.rep.end_s, 3),
                "value_deg": num(h.value_deg),
            }
            for h in side.holds
        ],
        "baseline": None
        if side.baseline is None
        else {"start_s": num(side.baseline.start_s, 3), "end_s": num(side.baseline.stop_s, 3)},
        "rest_offset_deg": num(side.rest_offset_deg),
        # where the shank's rotation was measured about: the knee point, or a knee placed from the pelvis
        # width when the knee point sat short of the shank (docs/hip-ir.md, "The pivot")
        "pivot": {
            "source": pivot.source,
            "knee_shank_px": num(pivot.knee_shank_px),
            "expected_shank_px": num(pivot.expected_shank_px),
            "hip_width_px": num(pivot.hip_width_px),
        },
        "mdc_deg": IR_MDC_DEG[side.position],
        # the rest femur's direction off the camera's axis (lateral, along the trunk; the 3D landmarks'
        # raw reading), and whether the benchmark's clips of this position covered it (False: no error)
        "femur_view_deg": None if side.femur_view_deg is None else [num(a) for a in side.femur_view_deg],
        "benchmarked_view": benchmarked,
        # peak-IR error on the accuracy benchmark in this position: mean absolute and worst (None: unknown)
        "measurement_error_deg": None if accuracy_deg is None else num(accuracy_deg[0]),
        "measurement_error_max_deg": None if accuracy_deg is None else num(accuracy_deg[1]),
        # peak-ER error (mean absolute, worst), and why an error has no out-of-sample figure (or None)
        "er_measurement_error_deg": None if er_deg is None else [num(er_deg[0]), num(er_deg[1])],
        "measurement_error_note": note,
        "quality": {"warnings": list(side.warnings)},
    }


def hip_ir_document(
    analysis: HipIRAnalysis,
    meta: dict[str, Any],
    warnings: list[str],
    accuracy_deg: tuple[float, float] | None = None,
    sides: dict | None = None,
    difference_error: str = "",
) -> dict:
    """The result document of a hip-rotation clip; ``difference_error`` is added to the side-to-side
    statement (:func:`difference_error`)."""
    from hiprom.analysis.hip_ir import SIDE_TO_SIDE_STATEMENT

    statements = [
        f + difference_error if f.lower().startswith(SIDE_TO_SIDE_STATEMENT) else f for f in analysis.findings
    ]
    findings = {
        "asymmetry_deg": num(analysis.asymmetry_deg),
        "asymmetric": analysis.asymmetric,
        "statements": statements,
    }
    return document(
        "hip-ir",
        meta,
        warnings,
        [ir_entry(s, accuracy_deg) for s in analysis.sides],
        position=analysis.position,
        findings=findings,
        sides=sides,
    )


def difference_error(position: str, unbenchmarked: str | None = None) -> str:
    """The benchmark error of a left-minus-right IR difference in this position, as the side-to-side
    statement's ending (or why there is none: not benchmarked in this position, or for this pose model)."""
    if unbenchmarked:
        return "; its error is not benchmarked"
    err = SIDE_TO_SIDE_ERROR_DEG.get(position)
    if err is None:
        return "; its error is not benchmarked in this position"
    note = ERROR_NOTES.get(f"side_to_side.{position}")
    return f"; benchmark error of a difference: mean {err[0]} deg, worst {err[1]} deg" + (
        f" ({note})" if note else ""
    )


def write_ir_frames_csv(path: Path, time_s: np.ndarray, rotation_deg: dict[str, np.ndarray]) -> Path:
    """Per-frame hip rotation of each tested side (IR positive, ER negative)."""
    from hiprom._fs import write_csv_columns

    columns: dict[str, np.ndarray] = {"time_s": time_s}
    for side, rotation in rotation_deg.items():
        columns[f"{side}_hip_rotation_deg"] = rotation
    note = (
        "units: time_s seconds from the clip's start; <side>_hip_rotation_deg degrees of the shank's turn "
        "from its rest direction, internal rotation positive, external negative; empty cell: not measured"
    )
    return write_csv_columns(path, columns, "%.3f", missing="", note=note)
