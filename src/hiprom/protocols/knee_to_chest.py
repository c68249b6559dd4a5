"""The supine knee-to-chest test (hip flexion, pelvic-tilt onset, lumbar borrowing) as a protocol.

Result entries follow ``docs/knee-to-chest.md`` (schema ``hiprom.result/1``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hiprom.calibration import DEFAULT, Calibration, for_model
from hiprom.errors import BadInputError
from hiprom.norms import BORROWING_HIP_FLEXION_DEG, FLEXION_MDC_DEG
from hiprom.protocols.base import Analysed, Cell, EntryView, Measure, Options, Protocol
from hiprom.protocols.k2c_accuracy import accuracy_line, camera_entry, error_entry
from hiprom.protocols.k2c_frames import write_frames_csv
from hiprom.results import clip_meta, document, frame_at, num, side_labels

if TYPE_CHECKING:
    from hiprom.analysis.knee_to_chest import KneeToChestRep
    from hiprom.landmarks import LandmarkSeries

# accuracy_line and write_frames_csv are re-exported from k2c_accuracy and k2c_frames
__all__ = ["KneeToChest", "accuracy_line", "rep_entry", "write_frames_csv"]


class KneeToChest(Protocol):
    name = "knee-to-chest"
    title = "supine knee-to-chest (hip flexion, pelvic-tilt onset)"
    positions = ("supine",)
    form_label = "Knee-to-chest (supine, phone at the side)"
    # a lying body side-on is mirrored to put its head on the right, where the model's peak hip
    # angles erred 2-3x less (see hiprom.capture.pose.extract_landmarks)
    orientation = "head-right"
    person_rule = "lying"  # the patient lies across the frame; a clinician standing by does not
    outline = True  # the back's outline against the table (hiprom.kinematics.outline)
    definitions = (
        ("thigh angle", "the thigh (hip to knee) against the resting body's table line: 0 deg lying flat"),
        ("goniometer angle", "the trunk-thigh angle, as a goniometer on the hip reads it: 180 deg minus the "
         "shoulder-hip-knee angle; it includes what the pelvis and lumbar spine add"),
        ("pelvic tilt", "the printed card's rotation from the rest before the raise, posterior positive "
         "(with the card only)"),
        ("hip flexion on the pelvis", "the femur against the pelvis: thigh angle minus the resting thigh "
         "minus the pelvic tilt (with the card only); the hip's own range"),
        ("onset", "the hip flexion at which the pelvis starts to tilt beyond the normal gradual curve "
         f"(Takei et al. 2002); below {BORROWING_HIP_FLEXION_DEG:.0f} deg the pelvis is borrowing motion: "
         "lumbar borrowing"),
    )  # fmt: skip

    def analyse(self, series: LandmarkSeries, options: Options, warnings: list[str]) -> Analysed:
        from hiprom.report.overlay import knee_to_chest_drawing
        from hiprom.report.plots import plot_knee_to_chest

        cal = series_calibration(series)
        result = analyze_series(series, _card_tilt(series, options.marker, warnings), cal)
        warnings.extend(result.notes)  # frames dropped, labels swapped, raises not measured
        reps = [r for r in result.reps if options.side is None or r.side == options.side]
        if not reps:
            found = ", ".join(sorted({r.side for r in result.reps}))
            raise BadInputError(
                f"no knee-to-chest rep of the {options.side} leg found (found: {found})", option="side"
            )

        def write_files(out_dir: Path) -> dict[str, Path]:
            t = series.time_s
            return {
                "csv": write_frames_csv(
                    out_dir / "frames.csv",
                    t,
                    result.angles,
                    result.tilt_deg,
                    reps,
                    cal.rest_thigh_deg,
                    result.thigh_card_deg,
                ),
                "plot": plot_knee_to_chest(out_dir / "angles.png", t, result.angles, reps, result.tilt_deg),
            }

        frames = {}
        for j, r in enumerate(reps, 1):
            frames[f"key_{r.side}_peak_{j}"] = (
                r.rep.peak_frame,
                f"{r.side} rep {j}: peak, thigh {r.peak_thigh_angle_deg:.0f} deg",
            )
            if r.onset_time_s is not None:
                caption = f"{r.side} rep {j}: pelvis starts tilting at {r.onset_hip_flexion_deg:.0f} deg"
                frames[f"key_{r.side}_onset_{j}"] = (frame_at(series, r.onset_time_s), caption)
        doc = document(self.name, clip_meta(series), warnings, [rep_entry(r, cal) for r in reps],
                       sides=side_labels(series))  # fmt: skip
        return Analysed(doc, write_files, frames, lambda: knee_to_chest_drawing(series, result))

    def measures(self, position: str) -> tuple[Measure, ...]:
        return (
            Measure(
                "peak_thigh_angle_deg",
                "thigh angle",
                "k2c-thigh-angle",
                "Knee-to-chest: peak thigh angle from the table",
                FLEXION_MDC_DEG,
            ),
            Measure(
                "peak_trunk_thigh_angle_deg",
                "goniometer angle",
                "k2c-trunk-thigh-angle",
                "Knee-to-chest: peak trunk-thigh (goniometer) angle",
                FLEXION_MDC_DEG,
            ),
            Measure(
                "pelvic_tilt.peak_deg",
                "peak pelvic tilt",
                "k2c-pelvic-tilt",
                "Knee-to-chest: peak posterior pelvic tilt",
            ),
            Measure(
                "pelvic_tilt.onset.hip_flexion_deg",
                "hip flexion at tilt onset",
                "k2c-onset-hip-flexion",
                "Knee-to-chest: hip flexion at the onset of posterior pelvic tilt",
                FLEXION_MDC_DEG,
            ),
        )

    def fhir_findings(self, entry: dict) -> list[tuple[str, str, bool | None, list[str]]]:
        finding = entry.get("lumbar_borrowing") or {}
        confidence = finding.get("confidence")
        notes = [*(finding.get("reasons") or ()), *([f"confidence: {confidence}"] if confidence else [])]
        cut = f"{BORROWING_HIP_FLEXION_DEG:.0f} deg"
        display = f"Knee-to-chest: lumbar borrowing (posterior pelvic tilt before {cut} of hip flexion)"
        return [("k2c-lumbar-borrowing", display, finding.get("flag"), notes)]

    def view(self, entry: dict) -> EntryView:
        tilt = entry.get("pelvic_tilt") or {}
        onset = tilt.get("onset") or {}
        cells = [
            Cell(
                "thigh ",
                "peak_thigh_angle_deg",
                entry.get("peak_thigh_angle_deg"),
                " deg from the table"
                + (" (thigh card)" if entry.get("thigh_source") == "thigh card" else ""),
            ),
            Cell("goniometer ", "peak_trunk_thigh_angle_deg", entry.get("peak_trunk_thigh_angle_deg")),
        ]
        if tilt.get("method") == "marker":
            cells.append(
                Cell(
                    "pelvis tilted ",
                    "pelvic_tilt.peak_deg",
                    tilt.get("peak_deg"),
                    missing="not read (card hidden)",
                )
            )
            if entry.get("peak_hip_flexion_deg") is not None:
                cells.append(
                    Cell("hip flexion on the pelvis ", "peak_hip_flexion_deg", entry["peak_hip_flexion_deg"])
                )
            if onset.get("hip_flexion_deg") is not None:
                corrected = "clinician_correction" in entry
                cells.append(
                    Cell(
                        "onset (set by the clinician) at " if corrected else "onset at ",
                        "pelvic_tilt.onset.hip_flexion_deg",
                        onset["hip_flexion_deg"],
                        f" deg hip flexion at {onset.get('time_s')} s"
                        if corrected
                        else f" deg hip flexion {onset.get('ci_deg')}",
                    )
                )
        return EntryView(
            title=f"{entry['side']} knee-to-chest",
            cells=tuple(cells),
            verdict=borrowing_verdict(entry),
            reasons=tuple((entry.get("lumbar_borrowing") or {}).get("reasons") or ()),
            accuracy=accuracy_line(entry),
            warnings=tuple((entry.get("quality") or {}).get("warnings") or ()),
        )


def series_calibration(series: LandmarkSeries) -> Calibration:
    """The calibration measured with the pose model these landmarks came from, or the default model's
    (whose corrections are then the best guess; the result states no error, see
    ``hiprom.protocols.base.errors_unbenchmarked``)."""
    return for_model(series.meta.get("model_sha256"), KneeToChest.name) or DEFAULT


def analyze_series(
    series: LandmarkSeries, tilt_ccw_deg: np.ndarray | None = None, cal: Calibration | None = None
):
    """The knee-to-chest analysis of ``series`` as ``hiprom analyze`` runs it (a
    :class:`~hiprom.analysis.knee_to_chest.KneeToChestAnalysis`); ``tilt_ccw_deg``: the card's angle
    (None: markerless, as ``bench/markerless.py`` scores it); ``cal``: the pose model's calibration
    (default: :func:`series_calibration`)."""
    from hiprom.analysis.knee_to_chest import KneeToChestConfig, analyze_knee_to_chest

    cal = cal or series_calibration(series)
    return analyze_knee_to_chest(
        series.time_s,
        series.image_px,
        series.visibility,
        tilt_ccw_deg=tilt_ccw_deg,
        world_m=series.world_m,
        image_size_px=series.image_size_px,
        # the pose model's biases (its peak thigh, the resting thigh hip flexion counts from), the onset's
        # error ranges and the camera maps, all measured with that model
        config=KneeToChestConfig(
            thigh_offset_deg=cal.thigh_offset_deg,
            rest_thigh_deg=cal.rest_thigh_deg,
            card_rest_thigh_deg=cal.thigh_card_rest_thigh_deg,
            onset_error_range_deg=cal.onset_error_range_deg,
            card_onset_error_range_deg=cal.thigh_card_onset_error_range_deg,
            calibration=cal,
        ),
        mirrored=series.meta.get("mirrored_clip") is True,
        tilt_followed=series.marker_followed,
        thigh_card_ccw_deg=series.thigh_card_ccw_deg,
        thigh_card_followed=series.thigh_card_followed,
    )


def borrowing_verdict(entry: dict) -> str:
    """The lumbar-borrowing finding in words: found, not found (with the card, and how sure), or not
    assessed (no card: not measured is never "no")."""
    flag = entry.get("lumbar_borrowing") or {}
    fix = entry.get("clinician_correction")
    if fix:  # the clinician's onset decides; the measured finding is named beside it
        was = dict(entry, lumbar_borrowing=(fix.get("measured") or {}).get("lumbar_borrowing"))
        was.pop("clinician_correction")
        verdict = "LUMBAR BORROWING" if flag.get("flag") else "no lumbar borrowing found"
        return f"{verdict} (onset set by {fix.get('by')}; hiprom measured: {borrowing_verdict(was)})"
    if flag.get("flag") is None:
        return "lumbar borrowing NOT ASSESSED (no pelvis card)"
    verdict = "LUMBAR BORROWING" if flag["flag"] else "no lumbar borrowing found"
    return f"{verdict} ({flag.get('confidence')} confidence, pelvis card)"


def _card_tilt(series: LandmarkSeries, marker: str, warnings: list[str]) -> np.ndarray | None:
    """The card's on-screen angle found in the pose pass (the analysis orients it), or None."""
    if marker == "off":
        return None
    angle = series.marker_ccw_deg
    if angle is None and marker == "on":
        raise BadInputError(
            "no pelvis card found in the first 2 s of the clip (card required)", option="marker"
        )
    if angle is None and series.thigh_card_ccw_deg is not None:
        warnings.append("the thigh card was read but no pelvis card: the thigh card is used only with the "
                        "pelvis card (the hip's flexion on the pelvis needs the pelvis's tilt)")  # fmt: skip
    if angle is not None:
        followed = series.marker_followed
        found = (np.isfinite(angle) & ~followed).mean()
        if found < 0.8:
            flow = (
                f" (followed by image alignment in {100 * followed.mean():.0f}% more)"
                if followed.any()
                else ""
            )
            warnings.append(f"the pelvis card was read in only {100 * found:.0f}% of frames{flow}")
    return angle


def rep_entry(rep: KneeToChestRep, cal: Calibration = DEFAULT) -> dict[str, Any]:
    """One element of ``results`` in the knee-to-chest schema (``cal``: the pose model's calibration)."""
    ci = None if rep.onset_ci_deg is None else [num(rep.onset_ci_deg[0]), num(rep.onset_ci_deg[1])]
    return {
        "test": "knee-to-chest",
        "side": rep.side,
        "rep": {
            "start_s": num(rep.rep.start_s, 3),
            "peak_s": num(rep.rep.peak_s, 3),
            "end_s": num(rep.rep.end_s, 3),
        },
        "baseline": None
        if rep.baseline is None
        else {"start_s": num(rep.baseline.start_s, 3), "end_s": num(rep.baseline.stop_s, 3)},
        "peak_thigh_angle_deg": num(rep.peak_thigh_angle_deg),
        "peak_trunk_thigh_angle_deg": num(rep.peak_trunk_thigh_angle_deg),
        "peak_knee_flexion_deg": num(rep.peak_knee_flexion_deg),
        # the hip's own flexion, femur on pelvis (thigh - rest - tilt): marker mode, the card known throughout
        "peak_hip_flexion_deg": num(rep.peak_hip_flexion_deg),
        # what the thigh angle (and with it the hip flexion and the onset) was read from
        "thigh_source": rep.thigh_source,
        "pelvic_tilt": {
            "method": rep.tilt_method,
            "peak_deg": num(rep.peak_tilt_deg),
            "onset": {
                "hip_flexion_deg": num(rep.onset_hip_flexion_deg),
                "thigh_angle_deg": num(rep.onset_thigh_angle_deg),
                "time_s": num(rep.onset_time_s, 3),
                "ci_deg": ci,
            },
        },
        "camera": camera_entry(rep, cal),
        "measurement_error_deg": error_entry(rep, cal),
        "lumbar_borrowing": {
            "flag": rep.borrowing,
            "confidence": rep.confidence,
            "reasons": list(rep.reasons),
        },
        "quality": {"warnings": list(rep.warnings)},
    }
