"""The tables of ``bench/accuracy.py``: per-clip results in, Markdown and summary lines out."""

from __future__ import annotations

import os

import numpy as np

from hiprom.analysis.camera import off_square


def ir_table(results: list[dict]) -> str:
    """Peak IR/ER errors per position and camera offset, and the gate clips' outcomes."""
    header = (
        "| position | camera | clips | peak IR MAE | IR bias | IR max | peak ER MAE | limited ok | refused "
        "| ER max |"
    )
    lines = [header, "|---|---|---|---|---|---|---|---|---|---|"]
    suite = [r for r in results if not r["name"].startswith("irgate_")]
    groups: dict[tuple, list[dict]] = {}
    for r in suite:
        groups.setdefault((r["position"], r["offset"]), []).append(r)
        groups.setdefault((r["position"], "within 15 deg"), []).append(r)
    for (position, offset), members in sorted(groups.items()):
        ok = [r["ir"] for r in members if "error" not in r["ir"]]
        ir = _stats([a["peak_ir_err"] for a in ok if a["peak_ir_err"] is not None])
        er = _stats([a["peak_er_err"] for a in ok if a["peak_er_err"] is not None])
        limited = sum(a["limited_ok"] for a in ok)
        refused = len(members) - len(ok)

        def num(x: float, sign: str = "") -> str:
            return "n/a" if not np.isfinite(x) else f"{x:{sign}.1f}"

        lines.append(f"| {position} | {offset} | {len(members)} | {num(ir[0])} | {num(ir[1], '+')} | "
                     f"{num(ir[2])} | {num(er[0])} | {limited}/{len(members)} | {refused} | "
                     f"{num(er[2])} |")  # fmt: skip
    lines += ["", proportions_line(suite), "", side_to_side_line(suite), "", femur_view_line(suite)]
    lines += ["", "| gate clip | expected | outcome |", "|---|---|---|"]
    for r in results:
        if not r["name"].startswith("irgate_"):
            continue
        expected = "refused" if "_refuse_" in r["name"] else "compensation warning"
        if "_limit_" in r["name"]:
            expected = "documented limit"
        if "_view_" in r["name"]:
            expected = "not benchmarked"
        a = r["ir"]
        if "error" not in a and expected == "not benchmarked":
            said = [w for w in a["warnings"] if "not benchmarked for this view" in w]
            femur = a["femur_view"] or [float("nan")] * 2
            outcome = (f"measured (IR error {a['peak_ir_err']:+.1f} deg; femur lateral {femur[0]:+.1f}, "
                       f"along {femur[1]:+.1f}; camera {a['view_offset_true']:.0f} deg off the ideal view); "
                       + ("; ".join(said) or "no warning"))  # fmt: skip
            lines.append(f"| {r['name']} | {expected} | {'PASS' if said else 'FAIL'}: {outcome} |")
            continue
        if "error" in a:
            outcome = f"refused: {a['error']}"
            passed = expected in ("refused", "not benchmarked")
        else:
            comp = [w for w in a["warnings"] if "compensation" in w]
            ir_err = "n/a" if a["peak_ir_err"] is None else f"{a['peak_ir_err']:+.1f} deg"
            outcome = f"measured (IR error {ir_err}); " + ("; ".join(comp) or "no compensation warning")
            passed = expected != "refused" and bool(comp)
        verdict = "reported" if expected == "documented limit" else ("PASS" if passed else "FAIL")
        lines.append(f"| {r['name']} | {expected} | {verdict}: {outcome} |")
    return "\n".join(lines)


def side_to_side_line(suite: list[dict]) -> str:
    """The error of a left-minus-right IR difference, per position: every pair of measured clips of one
    position (other bodies, cameras and sides), the difference of their two peak-IR errors. Pairs from
    different set-ups share less error than two sides of one clip, so this errs on the large side."""
    parts = []
    for position in ("supine", "seated"):
        errs = [r["ir"]["peak_ir_err"] for r in suite if r["position"] == position and "error" not in r["ir"]
                and r["ir"]["peak_ir_err"] is not None]  # fmt: skip
        d = [abs(a - b) for i, a in enumerate(errs) for b in errs[i + 1 :]]
        if d:
            parts.append(f"{position} MAE {np.mean(d):.1f} (worst {np.max(d):.1f}, n={len(d)} pairs)")
    return f"hip-ir side-to-side difference error: {'; '.join(parts) or 'n/a'}"


def femur_view_line(suite: list[dict]) -> str:
    """The range of the rest femur's direction off the camera's axis (3D landmarks; lateral and along the
    trunk) over the measured clips, per position, with their cameras' true offsets: the benchmarked view
    (``benchmarked_view.ir_femur_deg`` in calibration.json; outside it, "not benchmarked")."""
    parts = []
    for position in ("supine", "seated"):
        ok = [r["ir"] for r in suite if r["position"] == position and "error" not in r["ir"]
              and r["ir"].get("femur_view") is not None]  # fmt: skip
        if not ok:
            continue
        femur = np.array([a["femur_view"] for a in ok], float)
        true = np.array([a["view_offset_true"] for a in ok])
        parts.append(f"{position} lateral {femur[:, 0].min():+.1f} to {femur[:, 0].max():+.1f}, along "
                     f"{femur[:, 1].min():+.1f} to {femur[:, 1].max():+.1f} (n={len(ok)}; cameras "
                     f"{true.min():.0f}-{true.max():.0f} deg off the ideal view)")  # fmt: skip
    return "hip-ir femur view (the rest femur off the camera's axis, 3D landmarks, deg): " + (
        "; ".join(parts) or "n/a"
    )


def proportions_line(suite: list[dict]) -> str:
    """The pelvis-width-to-shank ratio per view on the bare-leg clips (hiprom.calibration.HIP_WIDTH_PER_SHANK)
    and the knee point's fraction of the shank it predicts (hiprom.calibration.KNEE_SLID_FRACTION)."""
    parts, fractions = [], []
    for position in ("supine", "seated"):
        ok = [r["ir"] for r in suite if r["position"] == position and "error" not in r["ir"]]
        ratios = np.array([a["pivot"]["hip_width_px"] / a["true_shank_px"] for a in ok], float)
        ratios = ratios[np.isfinite(ratios)]
        fractions += [a["pivot"]["knee_shank_px"] / a["pivot"]["expected_shank_px"] for a in ok]
        if ratios.size:
            spread = f"{ratios.min():.2f}-{ratios.max():.2f}, n={ratios.size}"
            parts.append(f"{position} {np.median(ratios):.2f} ({spread})")
    frac = np.array(fractions, float)
    frac = frac[np.isfinite(frac)]
    low = f"{frac.min():.2f}" if frac.size else "n/a"
    used = sum(a["pivot"]["source"] == "proportions" for a in (r["ir"] for r in suite) if "pivot" in a)
    return (
        f"hip-ir proportions (hip width / true rest shank, median (range)): {', '.join(parts)}; "
        f"knee point / predicted shank: lowest {low}; pivot from proportions on {used} clips"
    )


def _stats(values: list[float]) -> tuple[float, float, float, int]:
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (np.nan, np.nan, np.nan, 0)
    return float(np.mean(np.abs(v))), float(np.mean(v)), float(np.max(np.abs(v))), int(v.size)


def model_label() -> str:
    """The pose model this bench run uses, as its output names it (``bench/calibrate.py`` reads it):
    ``pose model full (sha256 c7ec94cbc06c)``."""
    from hiprom.capture.model import resolve_model

    name = os.environ.get("HIPROM_BENCH_MODEL") or "full"
    path, sha = resolve_model(name)
    return f"pose model {name if '/' not in name else path.stem} (sha256 {sha[:12]})"


def scoreboard(results: list[dict]) -> str:
    if not results:
        return "(no accuracy-suite clips selected)"
    lines = []
    quantities = sorted({q for r in results for q in r["errors"]})
    detection = [r["detection"] for r in results]
    lines.append(
        f"clips: {len(results)}; {model_label()}; person detected in "
        f"{100 * np.mean(detection):.1f}% of frames (lowest clip {100 * min(detection):.1f}%)"
    )
    lines.append("")
    lines.append("| quantity | group | clips | frames | MAE | bias | max |")
    lines.append("|---|---|---|---|---|---|---|")
    for q in quantities:
        groups: dict[str, list[dict]] = {"all": [r for r in results if q in r["errors"]]}
        for key in ("camera", "shape", "position"):
            for r in results:
                if q in r["errors"]:
                    groups.setdefault(f"{key}={r[key]}", []).append(r)
        for name, members in groups.items():
            if name != "all" and len(members) == len(groups["all"]):
                continue
            mae, bias, mx, n = _stats([x for r in members for x in r["errors"][q]])
            lines.append(f"| {q} | {name} | {len(members)} | {n} | {mae:.2f} | {bias:+.2f} | {mx:.2f} |")
    return "\n".join(lines)


#: the group whose errors a result filmed square-on states (hiprom.calibration.BENCH_PEAK_ERROR_DEG)
SQUARE_GROUP = "estimated square-on"


def analysis_table(results: list[dict], pan_check: bool = True) -> str:
    """Per-rep results of the knee-to-chest analysis against the truth."""
    lines = ["| mode | quantity | group | clips | MAE | bias | max |", "|---|---|---|---|---|---|---|"]
    flags = []
    for mode in ("markerless", "marker"):
        rows = [(r, r["analysis"][mode]) for r in results if mode in r.get("analysis", {})]
        ok = [(r, a) for r, a in rows if "error" not in a]
        failed = len(rows) - len(ok)
        quantities = ["peak_thigh_err", "peak_trunk_thigh_err", "peak_tilt_err", "onset_err"]
        if mode == "markerless":  # the same estimates in both modes
            quantities += ["peak_knee_flexion_err", "camera_pan_err", "camera_tilt_err"]
        else:
            quantities += ["hinge_err", "peak_hip_flexion_err"]
        for q in quantities:
            in_scope = [(r, a) for r, a in ok if a.get("true_pan") is not None and abs(a["true_pan"]) <= 15.5]
            square = [
                (r, a) for r, a in ok if a.get("camera_pan") is not None and not off_square(a["camera_pan"])
            ]
            groups = {"all": ok, "pan within 15 (the target's)": in_scope, SQUARE_GROUP: square}
            for key in ("camera", "shape"):
                for r, a in ok:
                    groups.setdefault(f"{key}={r[key]}", []).append((r, a))
            for name, members in groups.items():
                vals = [a[q] for _, a in members if a.get(q) is not None]
                if not vals:
                    continue
                mae, bias, mx, _ = _stats(vals)
                lines.append(
                    f"| {mode} | {q[:-4]} (deg) | {name} | {len(vals)} | {mae:.1f} | {bias:+.1f} | {mx:.1f} |"
                )
        unassessed = sum(a["flag"] is None for _, a in ok)  # "not assessed" is never a negative
        ok = [(r, a) for r, a in ok if a["flag"] is not None]
        tp = sum(a["flag"] and a["flag_truth"] for _, a in ok)
        tn = sum(not a["flag"] and not a["flag_truth"] for _, a in ok)
        fp = sum(a["flag"] and not a["flag_truth"] for _, a in ok)
        fn = sum(not a["flag"] and a["flag_truth"] for _, a in ok)
        total = max(tp + tn + fp + fn, 1)
        by_confidence = []
        for level in ("high", "moderate", "low"):
            calls = [a for _, a in ok if a.get("confidence") == level]
            if calls:
                right = sum(a["flag"] == a["flag_truth"] for a in calls)
                by_confidence.append(f"{level} {right}/{len(calls)}")
        flags.append(
            f"{mode}: flag correct on {tp + tn}/{tp + tn + fp + fn} clips ({100 * (tp + tn) / total:.0f}%) - "
            f"true positive {tp}, true negative {tn}, false positive {fp}, false negative {fn}; "
            f"{failed} clip(s) refused; {unassessed} not assessed; correct by stated confidence: "
            f"{', '.join(by_confidence) or '-'}"
        )
    covered = [a["hinge_in_ci"] for r in results for m, a in r.get("analysis", {}).items()
               if m == "marker" and a.get("hinge_in_ci") is not None]  # fmt: skip
    if covered:
        held, n = sum(covered), len(covered)
        flags.append(f"marker: the onset interval held the generator's hinge on {held}/{n} reps "
                     f"({100 * held / n:.0f}% coverage)")  # fmt: skip
    tail = [_drift_table(results)] + (
        [_pan_correction(results), _camera_map_refit(results)] if pan_check else []
    )
    return "\n\n".join(["\n".join(lines), "\n".join(flags), *tail])


def _pan_rows(results: list[dict]) -> list[tuple[str, dict]]:
    rows = [(r, r["analysis"]["markerless"]) for r in results if "markerless" in r.get("analysis", {})]
    return [
        (f"{r['camera']}/{r['side']}", a)
        for r, a in rows
        if "error" not in a and a.get("camera_pan") is not None and a.get("flexion_scale") is not None
    ]


def _read_and_true(rows: list[tuple[str, dict]], q: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pose model's peak reading before the pan correction, the truth, and the clipped pan."""
    from hiprom.calibration import PAN_CORRECTION_MAX_DEG

    reported = np.array([a[f"peak_{q}"] for _, a in rows])
    read = reported / np.array([a["flexion_scale"] for _, a in rows])
    true = reported - np.array([a[f"peak_{q}_err"] for _, a in rows])
    pan = np.clip([a["camera_pan"] for _, a in rows], -PAN_CORRECTION_MAX_DEG, PAN_CORRECTION_MAX_DEG)
    return read, true, pan


def _slope(read: np.ndarray, true: np.ndarray, pan: np.ndarray) -> float:
    """Least-squares ``a`` in ``read - true = a * pan * read`` (calibration.PAN_FLEXION_SLOPE_PER_DEG)."""
    x = pan * read
    return float(x @ (read - true) / (x @ x))


def _pan_correction(results: list[dict]) -> str:
    """The pan correction hiprom applies (hiprom.analysis.camera.flexion_scale), checked on these clips.

    Its slope was fitted on these clips, so the "as reported" errors are
    in-sample; the honest figure is the slope refitted without each camera
    set-up (and side) in turn and applied to the one left out.
    """
    rows = _pan_rows(results)
    if len(rows) < 4:
        return "(pan correction: too few clips)"
    groups = np.array([g for g, _ in rows])
    out, both = [], []
    for q in ("thigh", "trunk_thigh"):
        read, true, pan = _read_and_true(rows, q)
        both.append((read, true, pan))
        left_out = []
        for g in np.unique(groups):
            fit = groups != g
            a = _slope(read[fit], true[fit], pan[fit])
            left_out += list(read[~fit] * (1 - a * pan[~fit]) - true[~fit])
        reported = np.array([a[f"peak_{q}_err"] for _, a in rows])
        out.append(
            f"peak_{q}: MAE {np.mean(np.abs(read - true)):.1f} as read (no correction), "
            f"{np.mean(np.abs(reported)):.1f} as reported (in-sample), {np.mean(np.abs(left_out)):.1f} "
            f"(worst {np.max(np.abs(left_out)):.1f}) with the slope refitted without the set-up tested"
        )
    pooled = _slope(*(np.concatenate(v) for v in zip(*both, strict=True)))
    return (
        f"pan correction (applied; slope fitted on both peaks of all clips: {pooled:+.4f} per deg of pan): "
        + "; ".join(out)
    )


def _camera_map_refit(results: list[dict]) -> str:
    """The line from the estimated to the true pan (and tilt) over these clips: how to refit the maps from
    the pose model's raw depth slopes (calibration.PAN_MAP, TILT_MAP) for the model that ran them.

    ``true = a * estimated + b``; the refitted map is ``(a * gain, a * offset + b)`` (bench/calibrate.py).
    """
    rows = [
        a for _, a in _pan_rows(results) if a.get("camera_tilt") is not None and np.isfinite(a["camera_pan"])
    ]
    if len(rows) < 4:
        return "(camera map refit: too few clips)"
    out = []
    for what in ("pan", "tilt"):
        est = np.array([a[f"camera_{what}"] for a in rows])
        true = np.array([a[f"true_{what}"] for a in rows])
        a, b = np.polyfit(est, true, 1)
        out.append(f"{what} a {a:.3f} b {b:+.2f} (MAE after {np.mean(np.abs(a * est + b - true)):.1f})")
    return f"camera map refit (least squares over {len(rows)} peaks: true = a x estimated + b): " + "; ".join(
        out
    )


def _drift_table(results: list[dict]) -> str:
    """How well the hip point's cranial drift separates lumbar borrowing from a healthy hip."""
    pos = [r["hip_drift"] for r in results if r.get("hip_drift") is not None and _borrowing(r)]
    neg = [r["hip_drift"] for r in results if r.get("hip_drift") is not None and not _borrowing(r)]
    if not pos or not neg:
        return "(hip drift: no clips)"
    auc = np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])
    return (
        "markerless sign, the tested hip's drift towards the head from baseline to peak (fraction of the "
        f"trunk length): borrowing clips {min(pos):+.3f}..{max(pos):+.3f} (median {np.median(pos):+.3f}, "
        f"n={len(pos)}), healthy {min(neg):+.3f}..{max(neg):+.3f} (median {np.median(neg):+.3f}, "
        f"n={len(neg)}); "
        f"AUC {auc:.2f} (0.5 = no better than chance)"
    )


def _borrowing(r: dict) -> bool:
    rows = r.get("analysis", {})
    first = rows.get("markerless") or rows.get("marker") or {}
    return bool(first.get("flag_truth"))


def pan_correction_out_of_sample(test: list[dict]) -> str:
    """The applied pan correction on ``test``, clips its slope never saw: as read vs as reported."""
    held = _pan_rows(test)
    if not held:
        return "(pan correction out of sample: no clips)"
    out = []
    for q in ("thigh", "trunk_thigh"):
        read, true, _ = _read_and_true(held, q)
        reported = np.array([a[f"peak_{q}_err"] for _, a in held])
        out.append(
            f"peak_{q}: MAE {np.mean(np.abs(read - true)):.1f} (worst {np.max(np.abs(read - true)):.1f}) "
            f"as read, {np.mean(np.abs(reported)):.1f} (worst {np.max(np.abs(reported)):.1f}) corrected"
        )
    return (
        f"pan correction OUT OF SAMPLE (slope fitted on the main grid, applied to these {len(held)} clips): "
        + "; ".join(out)
    )


#: hiprom's own repeatability per measure: (key in the analysis rows or the IR rows, label)
REPEATED = (
    ("marker", "peak_thigh_err", "peak thigh (deg)"),
    ("marker", "peak_trunk_thigh_err", "peak goniometer (deg)"),
    ("marker", "peak_tilt_err", "peak tilt (deg)"),
    ("marker", "hinge_err", "onset hip flexion (deg)"),
    ("ir", "peak_ir_err", "peak IR (deg)"),
    ("ir", "peak_er_err", "peak ER (deg)"),
)


def repeatability_table(results: list[dict]) -> str:
    """Test-retest of hiprom itself: the same movement (side, stiffness or IR) filmed on other bodies
    and cameras. For every pair, the difference of the two measurement errors (the truth cancels);
    SEM = SD(differences) / sqrt 2, MDC95 = 1.96 sqrt 2 SEM (hiprom.calibration.HIPROM_MDC_DEG)."""
    lines = ["| measure | pairs | SD of differences | SEM | MDC95 |", "|---|---|---|---|---|"]
    for source, key, label in REPEATED:
        groups: dict[str, list[float]] = {}
        for r in results:
            if source == "ir":
                value = (r.get("ir") or {}).get(key)
            else:
                value = ((r.get("analysis") or {}).get("marker") or {}).get(key)
                if value is None:  # markerless clips carry the same thigh and goniometer estimate
                    value = ((r.get("analysis") or {}).get("markerless") or {}).get(key)
            if value is not None and r.get("camera", "").split("/")[0] != "pan180":
                groups.setdefault(r["motion"], []).append(float(value))
        diffs = [a - b for errs in groups.values() for i, a in enumerate(errs) for b in errs[i + 1 :]]
        if len(diffs) < 3:
            lines.append(f"| {label} | {len(diffs)} | n/a | n/a | n/a |")
            continue
        sd = float(np.std(diffs, ddof=1))
        sem = sd / np.sqrt(2)
        lines.append(f"| {label} | {len(diffs)} | {sd:.1f} | {sem:.1f} | {1.96 * np.sqrt(2) * sem:.1f} |")
    return "\n".join(["hiprom repeatability (the same movement on other bodies and cameras):", *lines])


def emit(text: str, out) -> int:
    """A bench's report: printed, and written to ``out`` (a path) when given; the exit code 0."""
    print(text)
    if out:
        out.write_text(text + "\n")
    return 0
