"""The hard cases a clinic produces, run the way users run hiprom (#14).

Renders (or reuses) :func:`hiprom.synth.realistic.realistic_suite` (``--suite
holdout``: the held-out one, run once per release) into ``--cache-dir``, runs
``hiprom analyze``'s own defaults on every clip (two people looked for, the
person rule of the test, the card used when in view), and scores what a
clinician would read:

- refused: clips hiprom would not measure, with the reason (a refusal is not
  wrong; an upside-down clip or another person hiding the patient should be one);
- side right: measured clips whose every result names the tested leg;
- reps found: true reps with a reported rep overlapping them in time;
- printed angles off by more than 10 deg: every thigh, goniometer, tilt, onset
  and IR/ER number printed, against the truth (a number under the wrong side,
  or for a rep that did not happen, counts as off); this must be zero;
- the errors of what was printed (MAE, worst) and the borrowing flag.

Usage: ``python bench/realism.py [--suite main|holdout|release] [--jobs N] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

OFF_DEG = 10.0


def run_clip(scenario, cache: Path) -> dict:
    """Render if needed, analyse with the CLI's defaults, score against the truth."""
    from accuracy import _clip_ready, bench_capture
    from hiprom import protocols
    from hiprom.errors import HipromError
    from hiprom.pipeline import analyze
    from hiprom.synth.generate import generate_clip
    from hiprom.synth.truthfile import load_truth_summary

    if not _clip_ready(scenario, cache):
        generate_clip(scenario, cache)
    truth = load_truth_summary(cache / f"{scenario.name}.truth.json")
    protocol = protocols.get(scenario.test)
    options = protocol.options(truth["position"] if len(protocol.positions) > 1 else None)
    out = {
        "name": scenario.name,
        "test": scenario.test,
        "side": truth["side"],
        "card_case": _card_case(scenario),
    }
    try:
        doc = analyze(
            cache / f"{scenario.name}.mp4",
            cache / "out" / scenario.name,
            options,
            capture=bench_capture(cache),
            outputs=protocols.Outputs(video=False),
        ).document
    except HipromError as exc:
        return {**out, "refused": str(exc)}
    score = _k2c_score if scenario.test == "knee-to-chest" else _ir_score
    out["card_seen"], out["card_errors"] = (
        _card_seen(scenario, cache, truth) if scenario.marker else (None, None)
    )
    return {**out, **score(doc, truth), "warnings": doc["quality"]["warnings"]}


def _card_case(scenario) -> str | None:
    """The occlusion case of a knee-to-chest clip's card (None: no card, or not a knee-to-chest)."""
    if not scenario.marker or scenario.test != "knee-to-chest":
        return None
    board = ("thigh card + " if scenario.thigh_card else "") + (
        "board, " if scenario.card_layout == "board" else ""
    )
    if scenario.card != "strapped":
        return "ideal (facing the phone)"
    if scenario.k2c.arms_rest == "side":
        return f"{board}strapped, arms along the side"
    return board + ("strapped 5-10 deg" if abs(scenario.card_yaw_deg) <= 10 else "strapped 12-15 deg")


def _card_seen(scenario, cache: Path, truth: dict) -> tuple[float, dict | None]:
    """The share of the true raises' frames (start to end of each rep) where the card's angle is known
    (read or followed), and the angle's error against the true tilt on read and on followed frames."""
    from accuracy import bench_capture
    from hiprom import protocols
    from hiprom.pipeline import get_landmarks
    from hiprom.synth.truthfile import load_truth

    protocol = protocols.get(scenario.test)
    clip, capture = cache / f"{scenario.name}.mp4", bench_capture(cache)
    series = get_landmarks(clip, capture, protocol=protocol).series
    if series.marker_ccw_deg is None:
        return 0.0, None
    t, angle = series.time_s, series.marker_ccw_deg
    raised = np.zeros(t.size, bool)
    for rep in truth["reps"]:
        raised |= (t >= rep["start_s"]) & (t <= rep["end_s"])
    followed = series.marker_followed
    true = load_truth(cache / f"{scenario.name}.truth.csv")
    true_tilt = true["pelvic_tilt_deg"][: t.size]
    read = np.isfinite(angle) & ~followed
    # the card's angle against the true tilt: sign and offset from the read frames (any offset is fine)
    sign = np.sign(np.corrcoef(angle[read], true_tilt[read])[0, 1]) if read.sum() > 2 else 1.0
    err = np.abs(sign * angle - np.median(sign * angle[read] - true_tilt[read]) - true_tilt)
    errors = {kind: err[mask & raised] for kind, mask in (("read", read), ("followed", followed))}
    errors["read_share"] = float(read[raised].mean()) if raised.any() else 0.0
    # the body's true resting thigh (what the thigh card's lift is counted from; calibrate_card.py)
    errors["true_rest_thigh"] = float(true["thigh_vs_table_deg"][0]) if scenario.thigh_card else None
    thigh = series.thigh_card_ccw_deg  # the thigh card's angle known on the rep frames (None: none worn)
    errors["thigh_card_share"] = (
        None if thigh is None or not raised.any() else float(np.isfinite(thigh[raised]).mean())
    )
    return (float(np.isfinite(angle[raised]).mean()) if raised.any() else 0.0), errors


def _k2c_score(doc: dict, truth: dict) -> dict:
    entries, true_reps = doc["results"], truth["reps"]
    errors: dict[str, list[float]] = {"thigh": [], "goniometer": [], "tilt": [], "onset": []}
    off, found, flags, covered, covered_card = 0, 0, [], [], []
    used = set()
    for t in true_reps:
        match = [
            i
            for i, e in enumerate(entries)
            if i not in used
            and e["side"] == truth["side"]
            and e["rep"]["start_s"] < t["end_s"]
            and e["rep"]["end_s"] > t["start_s"]
        ]
        if not match:
            continue
        i = match[0]
        used.add(i)
        found += 1
        e = entries[i]
        tilt, onset = e["pelvic_tilt"], e["pelvic_tilt"]["onset"]["hip_flexion_deg"]
        true_onset = t["onset"]["hip_flexion_deg"] if t["onset"]["found"] else None
        card = e.get("thigh_source") == "thigh card"  # the thigh's lift from the thigh card: its own rows
        pairs = [
            ("thigh/card" if card else "thigh", e["peak_thigh_angle_deg"], t["peak_thigh_vs_table_deg"]),
            ("goniometer", e["peak_trunk_thigh_angle_deg"], t["peak_trunk_thigh_deg"]),
            ("tilt", tilt["peak_deg"], t["peak_pelvic_tilt_deg"]),
            ("onset/card" if card else "onset", onset, true_onset),
        ]
        if card:
            pairs.append(("hip/card", e.get("peak_hip_flexion_deg"), t["peak_hip_flexion_deg"]))
        for key, measured, true in pairs:
            if measured is None:
                continue
            if true is None:  # an onset printed where the truth has none
                off += 1
                continue
            errors.setdefault(key, []).append(measured - true)
            off += abs(measured - true) > OFF_DEG
        ci = tilt["onset"].get("ci_deg")
        if ci is not None and true_onset is not None:
            (covered_card if card else covered).append(bool(ci[0] <= true_onset <= ci[1]))
        flag = e["lumbar_borrowing"]["flag"]
        flags.append((flag, t["lumbar_borrowing"], e["lumbar_borrowing"]["confidence"], tilt["method"]))
    for i, e in enumerate(entries):  # printed for the wrong leg, or for a raise that did not happen
        if i not in used:
            off += sum(e[k] is not None for k in ("peak_thigh_angle_deg", "peak_trunk_thigh_angle_deg"))
    sides_right = all(e["side"] == truth["side"] for e in entries)
    return {
        "side_right": sides_right,
        "reps_true": len(true_reps),
        "reps_found": found,
        "reps_printed": len(entries),
        "off": off,
        "errors": errors,
        "flags": flags,
        "covered": covered,
        "covered_card": covered_card,
    }


def _ir_score(doc: dict, truth: dict) -> dict:
    entries = doc["results"]
    errors: dict[str, list[float]] = {"ir": [], "er": []}
    off = 0
    for e in entries:
        if e["side"] != truth["side"]:
            off += sum(e[k] is not None for k in ("peak_ir_deg", "peak_er_deg"))
            continue
        for key, measured, true in (
            ("ir", e["peak_ir_deg"], truth["peak_ir_deg"]),
            ("er", e["peak_er_deg"], truth["peak_er_deg"]),
        ):
            if measured is not None:
                errors[key].append(measured - true)
                off += abs(measured - true) > OFF_DEG
    sides_right = bool(entries) and all(e["side"] == truth["side"] for e in entries)
    return {
        "side_right": sides_right,
        "reps_true": 1,
        "reps_found": int(any(e["side"] == truth["side"] for e in entries)),
        "reps_printed": len(entries),
        "off": off,
        "errors": errors,
        "flags": [],
    }


def _mae(values: list[float]) -> str:
    if not values:
        return "-"
    a = np.abs(np.asarray(values, float))
    return f"{a.mean():.1f} (worst {a.max():.1f}, n={a.size})"


def report(results: list[dict], suite: str) -> str:
    from accuracy_tables import model_label

    lines = [
        f"realistic suite ({suite}): {len(results)} clips, hiprom analyze's defaults; {model_label()}",
        "",
        "| clip | outcome | side right | reps found | printed off > 10 deg | errors (deg) |",
        "|---|---|---|---|---|---|",
    ]
    measured = [r for r in results if "refused" not in r]
    for r in results:
        if "refused" in r:
            lines.append(f"| {r['name']} | refused: {r['refused'][:90]} | - | - | 0 | - |")
            continue
        errs = ", ".join(f"{k} {', '.join(f'{v:+.1f}' for v in vs)}" for k, vs in r["errors"].items() if vs)
        if r.get("card_seen") is not None:
            said = ", ".join("not assessed" if f[0] is None else f"{'yes' if f[0] else 'no'} ({f[2]})"
                             for f in r["flags"])  # fmt: skip
            share = (r.get("card_errors") or {}).get("read_share", 0.0)
            thigh = (r.get("card_errors") or {}).get("thigh_card_share")
            thigh = "" if thigh is None else f", thigh card on {100 * thigh:.0f}%"
            errs += (f"; card angle on {100 * r['card_seen']:.0f}% of rep frames ({100 * share:.0f}% read"
                     f"{thigh}); borrowing: {said or '-'}")  # fmt: skip
        lines.append(
            f"| {r['name']} | measured | {'yes' if r['side_right'] else 'NO'} | "
            f"{r['reps_found']}/{r['reps_true']} | {r['off']} | {errs} |"
        )
    true_reps = sum(r["reps_true"] for r in measured)
    lines += [
        "",
        f"refused: {len(results) - len(measured)} of {len(results)}",
        f"side right: {sum(r['side_right'] for r in measured)}/{len(measured)} measured clips",
        f"reps found: {sum(r['reps_found'] for r in measured)}/{true_reps} true reps of measured clips",
        f"printed angles off by more than {OFF_DEG:.0f} deg: {sum(r['off'] for r in measured)}",
    ]
    for test in ("knee-to-chest", "hip-ir"):
        rows = [r for r in measured if r["test"] == test]
        keys = sorted({k for r in rows for k in r["errors"]})
        for k in keys:
            lines.append(f"{test} {k}: MAE {_mae([v for r in rows for v in r['errors'].get(k, [])])}")
    flags = [f for r in measured if r.get("card_seen") is not None for f in r["flags"]]  # clips with a card
    if flags:
        judged = [f for f in flags if f[0] is not None]
        right = sum(f[0] == f[1] for f in judged)
        lines.append(
            f"knee-to-chest borrowing flag (clips with a card): right on {right}/{len(judged)} judged reps, "
            f"{len(flags) - len(judged)} not assessed; wrong ones said: "
            f"{', '.join(f[2] for f in judged if f[0] != f[1]) or 'none'}"
        )
    covered = [c for r in measured for c in r.get("covered", [])]
    if covered:
        held = f"{sum(covered)}/{len(covered)}"
        lines.append(f"knee-to-chest onset interval held the true onset on {held} reps")
    covered = [c for r in measured for c in r.get("covered_card", [])]
    if covered:  # the thigh card's reps (their own error range): apart from the pose model's
        lines.append(f"knee-to-chest onset interval with the thigh card: held the true onset on "
                     f"{sum(covered)}/{len(covered)} reps")  # fmt: skip
    for kind in ("read", "followed"):
        err = [float(e) for r in measured if r.get("card_errors") for e in r["card_errors"][kind]]
        if err:
            lines.append(f"card angle vs true tilt on rep frames, {kind}: MAE {np.mean(err):.1f} deg "
                         f"(worst {np.max(err):.1f}, {len(err)} frames)")  # fmt: skip
    rests = [r["card_errors"]["true_rest_thigh"] for r in results
             if (r.get("card_errors") or {}).get("true_rest_thigh") is not None]  # fmt: skip
    if rests:
        lines.append(f"knee-to-chest true resting thigh, thigh-card clips: mean {np.mean(rests):.1f} deg, "
                     f"from {min(rests):.1f} to {max(rests):.1f} (n={len(rests)})")  # fmt: skip
    seen = [r["card_seen"] for r in measured if r.get("card_seen") is not None]
    if seen:
        low, mid = 100 * min(seen), 100 * np.median(seen)
        lines.append(
            f"card angle on rep frames: median {mid:.0f}%, lowest {low:.0f}% ({len(seen)} card clips)"
        )
    return "\n".join([*lines, "", occlusion_table(results)])


def occlusion_table(results: list[dict]) -> str:
    """The card by occlusion case: seen, onset error, the interval's coverage, the flag (#16)."""
    lines = ["| card case | clips (refused) | card angle known on rep frames | onset MAE (worst, n) "
             "| interval held the true onset | flag: TP / TN / FP / FN / not assessed |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for case in sorted({r["card_case"] for r in results if r.get("card_case")}):
        rows = [r for r in results if r.get("card_case") == case]
        ok = [r for r in rows if "refused" not in r]
        seen = [100 * r["card_seen"] for r in ok if r.get("card_seen") is not None]
        seen_text = f"median {np.median(seen):.0f}%, lowest {min(seen):.0f}%" if seen else "-"
        cov = [c for r in ok for c in (*r.get("covered", []), *r.get("covered_card", []))]
        flags = [f for r in ok for f in r["flags"]]
        tally = [sum(f[0] is True and f[1] for f in flags), sum(f[0] is False and not f[1] for f in flags),
                 sum(f[0] is True and not f[1] for f in flags), sum(f[0] is False and f[1] for f in flags),
                 sum(f[0] is None for f in flags)]  # fmt: skip
        onsets = [v for r in ok for k in ("onset", "onset/card") for v in r["errors"].get(k, [])]
        lines.append(f"| {case} | {len(rows)} ({len(rows) - len(ok)}) | {seen_text} | {_mae(onsets)} | "
                     f"{f'{sum(cov)}/{len(cov)}' if cov else '-'} | "
                     f"{' / '.join(map(str, tally))} |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--suite", choices=("main", "holdout", "release", "release3", "release5", "release6", "release7"),
        default="main",
        help="release: hiprom.synth.release_holdout, run once per release and never tuned on; "
        "release3: the third release's suite; release5: the fifth's, every clip with the thigh card",
    )  # fmt: skip
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("HIPROM_BENCH_DIR", ROOT / ".bench-cache")) / "realistic",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="")
    parser.add_argument("--out", type=Path, help="also write the report here")
    parser.add_argument(
        "--model", help="a bundled pose model (lite, full, heavy) instead of the CLI's default"
    )
    args = parser.parse_args(argv)
    if args.model:  # read by each worker (hiprom.pipeline.Capture.model_path)
        os.environ["HIPROM_BENCH_MODEL"] = args.model
    from hiprom.synth.realistic import realistic_holdout_suite, realistic_suite
    from hiprom.synth.release_holdout import (
        release3_suite,
        release5_suite,
        release6_suite,
        release7_suite,
        release_holdout_suite,
    )

    chosen = {
        "main": realistic_suite,
        "holdout": realistic_holdout_suite,
        "release": release_holdout_suite,
        "release3": release3_suite,
        "release5": release5_suite,
        "release6": release6_suite,
        "release7": release7_suite,
    }
    suite = [s for s in chosen[args.suite]() if args.only in s.name]
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(run_clip, suite, [args.cache_dir] * len(suite)))
    from accuracy_tables import emit

    took = f"\n\n({len(suite)} clips in {time.perf_counter() - start:.0f} s)"
    return emit(report(results, args.suite) + took, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
