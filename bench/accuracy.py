"""Accuracy scoreboard on synthetic clips with exact truth.

Generates the suite of :func:`hiprom.synth.presets.accuracy_suite` (or reuses
clips already in ``--cache-dir`` whose truth was made from the same
scenario), runs the real pipeline on each clip (``hiprom.pipeline``), and
prints, per quantity, the mean absolute error, bias and maximum error over
all frames where the person was detected, broken down by camera setup and
body shape.

What it measures: person detection; 2D error of the tested side's hip, knee,
ankle and shoulder against the true joint-centre projections; two raw
landmark angles of the knee-to-chest test; the knee-to-chest analysis per rep
(peak angles, card tilt, onset, lumbar-borrowing flag; markerless and marker
mode); the hip-rotation analysis per clip (peak IR/ER, limited flag) by
position and camera offset; and the hip-rotation quality gates on the clips of
:func:`hiprom.synth.presets.ir_gate_suite` (wrong views must be refused,
pelvic compensation must be warned).

Usage: ``python bench/accuracy.py [--cache-dir DIR] [--jobs N] [--only SUBSTRING]``
(the tables themselves are made in ``bench/accuracy_tables.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

import hiprom.skeleton as sk
from accuracy_tables import (
    analysis_table,
    ir_table,
    pan_correction_out_of_sample,
    repeatability_table,
    scoreboard,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing, too


def bench_capture(cache: Path):
    """The CLI's capture settings, with the landmark cache in ``cache`` (and ``--model``'s pose model)."""
    from hiprom.pipeline import Capture

    return Capture(cache_dir=cache / "landmarks", model_path=os.environ.get("HIPROM_BENCH_MODEL"))


def _clip_ready(scenario, cache: Path) -> bool:
    """True when the cached clip was made from this scenario.

    A field added to ``Scenario`` after the clip was made counts as equal when
    the scenario keeps that field's default (defaults reproduce the old clips).
    """
    from hiprom.synth.generate import Scenario, _jsonable

    summary = cache / f"{scenario.name}.truth.json"
    if not (summary.is_file() and (cache / f"{scenario.name}.mp4").is_file()):
        return False
    from hiprom.synth.card import CARD_REVISION

    document = json.loads(summary.read_text())
    if scenario.marker and document.get("card_revision") != CARD_REVISION:
        return False  # drawn with an older card (hiprom.synth.card.CARD_REVISION)
    from hiprom.synth.scene import BODY_REVISION

    if scenario.test == "knee-to-chest" and document.get("body_revision") != BODY_REVISION:
        return False  # the body posed an older way (hiprom.synth.scene.BODY_REVISION)
    stored = document.get("scenario") or {}
    current = _jsonable(dataclasses.asdict(scenario))
    defaults = _jsonable(dataclasses.asdict(Scenario(name=scenario.name)))
    return _same(stored, current, defaults)


def _same(stored: dict, current: dict, defaults: dict) -> bool:
    for key, value in current.items():
        if key not in stored:
            if value != defaults.get(key):
                return False
        elif isinstance(value, dict) and isinstance(stored[key], dict):
            if not _same(stored[key], value, defaults.get(key) or {}):
                return False
        elif stored[key] != value:
            return False
    return True


def _motion(scenario, summary: dict) -> str:
    """What was filmed, apart from the body and the camera: repeated takes share it."""
    if scenario.test == "knee-to-chest":
        return f"{summary['side']}/{scenario.k2c.hip_limit_deg}"
    ir = scenario.ir
    return f"{summary['position']}/{summary['side']}/{ir.peak_ir_deg}/{ir.pelvis_shift_deg}"


def process(scenario, cache: Path) -> dict:
    """Generate (if needed) and measure one clip; returns per-frame errors."""
    from hiprom import protocols
    from hiprom.errors import HipromError
    from hiprom.pipeline import get_landmarks
    from hiprom.synth.compare import joint_errors_px, raw_knee_to_chest_angles
    from hiprom.synth.generate import generate_clip
    from hiprom.synth.truthfile import load_truth, load_truth_summary

    if not _clip_ready(scenario, cache):
        generate_clip(scenario, cache)
    truth = load_truth(cache / f"{scenario.name}.truth.csv")
    summary = load_truth_summary(cache / f"{scenario.name}.truth.json")
    side = summary["side"]
    out = {
        "name": scenario.name,
        "test": scenario.test,
        "side": side,
        "shape": scenario.body_shape,
        "camera": f"pan{scenario.camera.pan_deg:g}/tilt{scenario.camera.tilt_deg:g}",
        "offset": f"pan{scenario.camera.pan_deg:g}",
        "position": summary["position"],
        # the same movement filmed on other bodies and cameras: the pairs that give hiprom's repeatability
        "motion": _motion(scenario, summary),
        "detection": 0.0,
        "errors": {},
    }
    try:
        series = get_landmarks(
            cache / f"{scenario.name}.mp4", bench_capture(cache), protocol=protocols.get(scenario.test)
        ).series
    except HipromError as exc:
        if scenario.test != "hip-ir":
            raise
        return {**out, "ir": {"error": str(exc)}}  # refused at the landmark stage (e.g. no person)
    width = series.image_size_px[0]
    out["detection"] = series.detection_rate
    for joint, err in joint_errors_px(series, truth, side).items():
        out["errors"][f"{joint}_2d_pct_width"] = (100 * err / width).tolist()
    if scenario.test == "knee-to-chest":
        for name, measured in raw_knee_to_chest_angles(series, side).items():
            out["errors"][f"raw_{name}"] = (measured - truth[name]).tolist()
        out.update(_analysis_rows(scenario, cache, summary, _true_camera(summary, truth)))
        out["hip_drift"] = _hip_drift(series, side)
    else:
        out.update(_ir_rows(scenario, cache, summary, truth))
    return out


def _ir_rows(scenario, cache: Path, summary: dict, truth: dict) -> dict:
    """Run ``hiprom analyze --test hip-ir``; compare the peaks with the truth (or note the refusal)."""
    from hiprom import protocols
    from hiprom.errors import HipromError
    from hiprom.pipeline import analyze

    clip = cache / f"{scenario.name}.mp4"
    try:
        options = protocols.get("hip-ir").options(summary["position"])
        doc = analyze(clip, cache / "out" / scenario.name, options, outputs=protocols.Outputs(video=False),
                      capture=bench_capture(cache)).document  # fmt: skip
    except HipromError as exc:
        return {"ir": {"error": str(exc)}}
    sides = {r["side"]: r for r in doc["results"]}
    r = sides.get(summary["side"])
    if r is None:
        return {"ir": {"error": f"tested side not found (found {sorted(sides)})"}}

    def err(measured, true):
        return None if measured is None else measured - true

    # the true on-screen shank at rest (the clip's first frames are still), for the proportions line
    leg = summary["side"]
    shank = np.hypot(truth[f"ankle_{leg}_x_px"] - truth[f"knee_{leg}_x_px"],
                     truth[f"ankle_{leg}_y_px"] - truth[f"knee_{leg}_y_px"])  # fmt: skip

    return {
        "ir": {
            "peak_ir_err": err(r["peak_ir_deg"], summary["peak_ir_deg"]),
            "peak_er_err": err(r["peak_er_deg"], summary["peak_er_deg"]),
            "limited_ok": r["limited"] == (summary["peak_ir_deg"] <= 20.0),
            "extra_sides": sorted(set(sides) - {summary["side"]}),
            "warnings": r["quality"]["warnings"],
            "pivot": r["pivot"],
            "true_shank_px": float(np.median(shank[:10])),
            # the rest femur's direction off the camera's axis (3D landmarks), and the camera's true offset
            # from the view's ideal direction (the femur lies along it; pan and tilt swing the camera off)
            "femur_view": r.get("femur_view_deg"),
            "view_offset_true": _off_ideal_deg(scenario.camera),
            "benchmarked_view": r.get("benchmarked_view"),
        }
    }


def _off_ideal_deg(camera) -> float:
    """How far pan and tilt swing the camera off its view's ideal direction (deg)."""
    pan, tilt = np.radians(camera.pan_deg), np.radians(camera.tilt_deg)
    return float(np.degrees(np.arccos(np.cos(pan) * np.cos(tilt))))


def _hip_drift(series, side: str) -> float | None:
    """A markerless sign of posterior pelvic tilt, measured to see whether it can be trusted.

    The clinical notes name the hip point's cranial drift relative to the
    shoulder as an indirect sign: the tested hip's shift towards the head,
    along the table line, from the baseline to the rep's peak, as a fraction
    of the trunk length (shoulder to hip midpoints). Positive = towards the head.
    """
    from hiprom.analysis.knee_to_chest import KneeToChestConfig, analyze_knee_to_chest
    from hiprom.errors import HipromError
    from hiprom.kinematics.filtering import clean_tracks_with

    try:
        a = analyze_knee_to_chest(series.time_s, series.image_px, series.visibility)
    except HipromError:  # refused (e.g. the pose lost): no sign to read
        return None
    reps = [r for r in a.reps if r.side == side]
    if not reps or reps[0].baseline is None:
        return None
    rep, k = reps[0], (0 if side == "left" else 1)
    pts = clean_tracks_with(KneeToChestConfig(), series.image_px, series.visibility, series.time_s)
    base = slice(rep.baseline.start_frame, rep.baseline.stop_frame)
    trunk = np.nanmedian(
        np.linalg.norm(
            pts[base][:, sk.pair("shoulder")].mean(1) - pts[base][:, sk.pair("hip")].mean(1), axis=1
        )
    )
    towards_head = -((pts[:, sk.JOINTS["hip"][k]] - pts[:, sk.JOINTS["shoulder"][k]]) @ a.feet_dir) / trunk
    return float(towards_head[rep.rep.peak_frame] - np.nanmedian(towards_head[base]))


def _true_camera(summary: dict, truth: dict) -> tuple[float, float]:
    """The camera's true pan (towards the head +) and tilt (looking down +) off the square side view.

    The scenes lay the body along the world's x axis, the tested side facing
    the camera; which way the head points is read from the truth projections.
    """
    rot = np.asarray(summary["camera"]["rotation"], float)
    to_camera = -rot[2]  # the optical axis reversed: target -> camera, world frame
    head_sign = np.sign((truth["head_x_px"][0] - truth["pelvis_x_px"][0]) * rot[0, 0])
    pan = np.degrees(np.arctan2(to_camera[0] * head_sign, abs(to_camera[2])))  # either side of the plinth
    tilt = np.degrees(np.arcsin(to_camera[1]))
    return float(pan), float(tilt)


def _analysis_rows(scenario, cache: Path, summary: dict, true_camera: tuple[float, float]) -> dict:
    """Run ``hiprom analyze`` markerless and in marker mode; compare with the truth per rep."""
    from hiprom import protocols
    from hiprom.errors import HipromError
    from hiprom.pipeline import analyze

    true_rep = summary["reps"][0]
    rows: dict = {"analysis": {}}
    for mode in ("off", "on"):
        if mode == "on" and not scenario.marker:
            continue
        key = "markerless" if mode == "off" else "marker"
        try:
            clip = cache / f"{scenario.name}.mp4"
            out = cache / "out" / f"{scenario.name}-{key}"
            options = protocols.get("knee-to-chest").options(marker=mode)
            doc = analyze(clip, out, options, outputs=protocols.Outputs(video=False),
                          capture=bench_capture(cache)).document  # fmt: skip
        except HipromError as exc:
            rows["analysis"][key] = {"error": str(exc)}
            continue
        reps = [r for r in doc["results"] if r["side"] == summary["side"]]
        if not reps:
            rows["analysis"][key] = {"error": "tested side not found"}
            continue
        r = reps[0]
        tilt = r["pelvic_tilt"]
        onset = tilt["onset"]["hip_flexion_deg"]
        true_onset = true_rep["onset"]["hip_flexion_deg"] if true_rep["onset"]["found"] else None
        hinge = scenario.k2c.hip_limit_deg
        rows["analysis"][key] = {
            "side_ok": True,
            "peak_thigh_err": r["peak_thigh_angle_deg"] - true_rep["peak_thigh_vs_table_deg"],
            "peak_trunk_thigh_err": r["peak_trunk_thigh_angle_deg"] - true_rep["peak_trunk_thigh_deg"],
            "peak_hip_flexion_err": None
            if r.get("peak_hip_flexion_deg") is None
            else r["peak_hip_flexion_deg"] - true_rep["peak_hip_flexion_deg"],
            "peak_knee_flexion_err": None
            if r["peak_knee_flexion_deg"] is None
            else r["peak_knee_flexion_deg"] - true_rep["peak_knee_flexion_deg"],
            "peak_tilt_err": None
            if tilt["peak_deg"] is None
            else tilt["peak_deg"] - true_rep["peak_pelvic_tilt_deg"],
            "onset_err": None if (onset is None or true_onset is None) else onset - true_onset,
            # against the generator's own hinge (the hip flexion where the stiff hip stops and the pelvis
            # takes over), a truth that no detection rule defines: the rule's lag shows here
            "hinge_err": None if (onset is None or hinge is None) else onset - hinge,
            "hinge_in_ci": None
            if (tilt["onset"].get("ci_deg") is None or hinge is None)
            else bool(tilt["onset"]["ci_deg"][0] <= hinge <= tilt["onset"]["ci_deg"][1]),
            "onset_missing": true_onset is not None and onset is None,
            "onset_spurious": true_onset is None and onset is not None,
            "flag": r["lumbar_borrowing"]["flag"],
            "confidence": r["lumbar_borrowing"]["confidence"],
            "flag_truth": true_rep["lumbar_borrowing"],
            "camera_pan": None if r["camera"] is None else r["camera"]["pan_deg"],
            "flexion_scale": None if r["camera"] is None else r["camera"]["flexion_scale"],
            "peak_thigh": r["peak_thigh_angle_deg"],
            "peak_trunk_thigh": r["peak_trunk_thigh_angle_deg"],
            "camera_pan_err": None if r["camera"] is None else r["camera"]["pan_deg"] - true_camera[0],
            "true_pan": true_camera[0],
            "camera_tilt_err": None if r["camera"] is None else r["camera"]["tilt_deg"] - true_camera[1],
            "camera_tilt": None if r["camera"] is None else r["camera"]["tilt_deg"],
            "true_tilt": true_camera[1],
        }
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache-dir", type=Path, default=Path(os.environ.get("HIPROM_BENCH_DIR", ROOT / ".bench-cache"))
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="", help="only scenarios whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the per-clip results here")
    parser.add_argument(
        "--record", action="store_true",
        help="write the output to bench/last_accuracy_run.txt (main) or last_holdout_run.txt (holdout) and "
        "rewrite src/hiprom/calibration.json from the committed outputs (bench/calibrate.py)",
    )  # fmt: skip
    parser.add_argument(
        "--suite", choices=("main", "holdout"), default="main",
        help="main: the accuracy grid and the gate clips; holdout: clips nothing was fitted on",
    )  # fmt: skip
    parser.add_argument(
        "--model", help="a bundled pose model (lite, full, heavy) instead of the CLI's default"
    )
    args = parser.parse_args(argv)
    if args.model:  # read by each worker (hiprom.pipeline.Capture.model_path)
        os.environ["HIPROM_BENCH_MODEL"] = args.model
    if args.record and (args.only or args.model):
        parser.error("--record runs the whole suite with the CLI's defaults (no --only, no --model)")
    from hiprom.synth.presets import accuracy_suite, holdout_suite, ir_gate_suite

    chosen = accuracy_suite() + ir_gate_suite() if args.suite == "main" else holdout_suite()
    suite = [s for s in chosen if args.only in s.name]
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(process, suite, [args.cache_dir] * len(suite)))
    if not args.record:
        _report(results, args, len(suite), start)
        return 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _report(results, args, len(suite), start)
    name = "last_accuracy_run.txt" if args.suite == "main" else "last_holdout_run.txt"
    (ROOT / "bench" / name).write_text(out.getvalue())
    print(out.getvalue())
    import calibrate

    return calibrate.main([])


def _report(results: list[dict], args, n_clips: int, start: float) -> None:
    print(scoreboard([r for r in results if not r["name"].startswith("irgate_")]))
    print()
    k2c = [r for r in results if r["test"] == "knee-to-chest"]
    print(analysis_table(k2c, pan_check=args.suite == "main"))  # the slope was fitted on the main grid
    print()
    print(ir_table([r for r in results if r["test"] == "hip-ir"]))
    print()
    print(repeatability_table([r for r in results if not r["name"].startswith("irgate_")]))
    if args.suite == "holdout":
        print()
        print(pan_correction_out_of_sample(k2c))
    print(f"\n({n_clips} clips in {time.perf_counter() - start:.0f} s; cache {args.cache_dir})")
    if args.json:
        args.json.write_text(json.dumps(results))


if __name__ == "__main__":
    raise SystemExit(main())
