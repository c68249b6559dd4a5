"""The markerless pelvis cue, measured (#18): does the back's outline tell borrowing from a healthy hip?

For every knee-to-chest clip of the benchmark (``--suite main``: the accuracy
grid's and the realistic suite's; ``--suite holdout``: their held-out
suites, nothing fitted on them), run as users run hiprom (the CLI's pose
settings, the outline taken in the same pass, reps found by the analysis,
the card ignored), this scores the outline cue of each rep
(:mod:`hiprom.analysis.k2c_outline`) against the truth:

- AUC of each cue for borrowing vs healthy reps (1.0: every borrowing rep
  scores above every healthy one; 0.5: chance), by suite and by case;
- the cue against the true peak tilt (correlation, slope);
- a cut-off fitted on the main suite (the largest sum of sensitivity and
  specificity), applied unchanged to the held-out suite: flags right.

The clips and landmarks are those of ``bench/accuracy.py`` and
``bench/realism.py`` (same caches; rendered here when missing).

Usage: ``python bench/markerless.py [--suite main|holdout] [--jobs N] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CUES = ("turn_deg", "lift")
#: the cut-off the main suite gives each cue is written here for the held-out run to use unchanged
CUTOFFS = ROOT / "bench" / "markerless_cutoffs.json"


def suites(name: str) -> list[tuple[object, Path]]:
    """(scenario, cache dir) of the suite's knee-to-chest clips."""
    from hiprom.synth.presets import accuracy_suite, holdout_suite
    from hiprom.synth.realistic import realistic_holdout_suite, realistic_suite

    cache = Path(os.environ.get("HIPROM_BENCH_DIR", ROOT / ".bench-cache"))
    if name == "main":
        grid, real = accuracy_suite(), realistic_suite()
    else:
        grid, real = holdout_suite(), realistic_holdout_suite()
    return [(s, cache) for s in grid if s.test == "knee-to-chest"] + [
        (s, cache / "realistic") for s in real if s.test == "knee-to-chest"
    ]


def case_of(scenario) -> dict:
    pan = abs(scenario.camera.pan_deg)
    return {
        "side": scenario.side,
        "view": "far side" if pan > 90 else ("pan <= 10" if pan <= 10 else "pan 12-25"),
        "clothing": getattr(scenario, "clothing", "shorts"),
        "body": scenario.body_shape,
        "second person": getattr(scenario, "second_person", "none") != "none",
        "reps": scenario.k2c.reps,
    }


def run_clip(scenario, cache: Path) -> dict:
    """The clip's reps: truth (borrowing, peak tilt) and the outline cue of the measured rep."""
    from accuracy import _clip_ready, bench_capture
    from hiprom import protocols
    from hiprom.analysis.k2c_outline import rep_outline_cue
    from hiprom.capture.outline import column_centres_px
    from hiprom.errors import HipromError
    from hiprom.pipeline import get_landmarks
    from hiprom.protocols.knee_to_chest import analyze_series
    from hiprom.synth.generate import generate_clip
    from hiprom.synth.truthfile import load_truth_summary

    if not _clip_ready(scenario, cache):
        generate_clip(scenario, cache)
    truth = load_truth_summary(cache / f"{scenario.name}.truth.json")
    protocol = protocols.get("knee-to-chest")
    out = {"name": scenario.name, "case": case_of(scenario), "reps": []}
    try:
        series = get_landmarks(cache / f"{scenario.name}.mp4", bench_capture(cache), protocol=protocol).series
        found = analyze_series(series)  # the card ignored: markerless
    except HipromError as exc:
        return {**out, "refused": str(exc)}
    columns = column_centres_px(series.image_size_px[0], series.outline_px.shape[1])
    for t in truth["reps"]:
        row = {"borrowing": bool(t["lumbar_borrowing"]), "true_tilt_deg": t["peak_pelvic_tilt_deg"]}
        match = [r for r in found.reps if r.side == truth["side"] and r.rep.start_s < t["end_s"]
                 and r.rep.end_s > t["start_s"]]  # fmt: skip
        if match:
            cue = rep_outline_cue(
                series.outline_px, columns, series.image_px, match[0].rep, match[0].baseline
            )
            row.update(turn_deg=cue.turn_deg, lift=cue.lift, rest_sd_deg=cue.rest_sd_deg, reason=cue.reason)
        else:
            row["reason"] = "rep not found"
        out["reps"].append(row)
    return out


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mann-Whitney AUC of ``scores`` for ``labels`` True (NaN scores dropped; ties count half)."""
    ok = np.isfinite(scores)
    pos, neg = scores[ok & labels], scores[ok & ~labels]
    if not (pos.size and neg.size):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (pos.size * neg.size))


def best_cutoff(scores: np.ndarray, labels: np.ndarray) -> float:
    """The cut-off (flag when score > cut-off) with the largest sensitivity + specificity."""
    ok = np.isfinite(scores)
    s, y = scores[ok], labels[ok]
    cands = np.unique(s)
    mids = (cands[:-1] + cands[1:]) / 2 if cands.size > 1 else cands
    youden = [
        ((s > c) & y).sum() / max(y.sum(), 1) + ((s <= c) & ~y).sum() / max((~y).sum(), 1) for c in mids
    ]
    return float(mids[int(np.argmax(youden))])


def _rows(results: list[dict]) -> list[dict]:
    return [
        {**rep, "name": r["name"], **r["case"]} for r in results if "refused" not in r for rep in r["reps"]
    ]


def report(results: list[dict], suite: str, cutoffs: dict[str, float]) -> str:
    rows = _rows(results)
    labels = np.array([r["borrowing"] for r in rows], bool)
    lines = [f"# markerless outline cue, {suite} suite: {len(results)} clips, {len(rows)} true reps "
             f"({int(labels.sum())} borrowing, {int((~labels).sum())} healthy)"]  # fmt: skip
    refused = [r for r in results if "refused" in r]
    measured = [r for r in rows if np.isfinite(r.get("turn_deg", np.nan))]
    lines.append(f"refused: {len(refused)} clips; reps with a cue: {len(measured)}/{len(rows)}")
    for r in refused:
        lines.append(f"  refused {r['name']}: {r['refused']}")
    for r in rows:
        if not np.isfinite(r.get("turn_deg", np.nan)):
            lines.append(f"  no cue {r['name']}: {r.get('reason')}")
    lines.append("")
    lines.append(
        "| cue | AUC | borrowing reps (median, range) | healthy reps (median, range) | r, true peak tilt |"
    )
    lines.append("|---|---|---|---|---|")
    tilt = np.array([r["true_tilt_deg"] for r in rows])
    for cue in CUES:
        s = np.array([r.get(cue, np.nan) for r in rows], float)
        ok = np.isfinite(s)
        r_tilt = np.corrcoef(s[ok], tilt[ok])[0, 1] if ok.sum() > 2 else np.nan
        lines.append(
            f"| {cue} | {auc(s, labels):.2f} | {_spread(s[labels])} | {_spread(s[~labels])} | {r_tilt:+.2f} |"
        )
    lines.append("")
    lines.append("AUC of turn_deg by case (borrowing vs healthy reps within the case):")
    turn = np.array([r.get("turn_deg", np.nan) for r in rows], float)
    for key in ("side", "view", "clothing", "body", "second person", "reps"):
        parts = []
        for value in sorted({str(r[key]) for r in rows}):
            sel = np.array([str(r[key]) == value for r in rows])
            parts.append(f"{value} {auc(turn[sel], labels[sel]):.2f} (n={int(sel.sum())})")
        lines.append(f"  {key}: " + "; ".join(parts))
    lines.append("")
    for cue in CUES:
        s = np.array([r.get(cue, np.nan) for r in rows], float)
        cut = cutoffs.get(cue)
        if cut is None:
            continue
        ok = np.isfinite(s)
        right = int(((s > cut) == labels)[ok].sum())
        lines.append(f"cut-off {cue} > {cut:.3g} (fitted on the main suite): flag right on "
                     f"{right}/{int(ok.sum())} reps with a cue")  # fmt: skip
    return "\n".join(lines)


def _spread(v: np.ndarray) -> str:
    v = v[np.isfinite(v)]
    return f"{np.median(v):+.2f} ({v.min():+.2f}..{v.max():+.2f})" if v.size else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=("main", "holdout"), default="main")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, help="also write the report here")
    parser.add_argument("--json", type=Path, help="also write the per-rep rows here")
    args = parser.parse_args(argv)
    clips = suites(args.suite)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(run_clip, *zip(*clips, strict=True)))
    if args.suite == "main":
        rows = _rows(results)
        labels = np.array([r["borrowing"] for r in rows], bool)
        cutoffs = {c: best_cutoff(np.array([r.get(c, np.nan) for r in rows], float), labels) for c in CUES}
        CUTOFFS.write_text(json.dumps(cutoffs, indent=1) + "\n")
    else:
        cutoffs = json.loads(CUTOFFS.read_text()) if CUTOFFS.is_file() else {}
    text = report(results, args.suite, cutoffs)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    if args.json:
        args.json.write_text(json.dumps(_rows(results), indent=1, default=float) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
