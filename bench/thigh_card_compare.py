"""The thigh card against the pose model's thigh, on the same clips (#16).

For every knee-to-chest clip of the realistic suite and the fifth release suite that wears the thigh card,
runs ``hiprom analyze``'s knee-to-chest analysis twice on the same cached landmarks (``bench/realism.py``
renders and caches them; run it first): as it is (the thigh card used where it stands for the thigh) and
with the thigh card's angles removed (the pose model's thigh, as without the card). Scores the onset's
hip angle, the peak hip flexion on the pelvis and the peak thigh against the truth, and the borrowing
flag. Nothing is fitted here.

Usage: ``python bench/thigh_card_compare.py [--out FILE]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _score(doc: dict, truth: dict) -> list[dict]:
    """Per true rep: the signed errors and the flag of the matching result entry (None: not measured)."""
    out = []
    for t in truth["reps"]:
        overlap = [e for e in doc["results"] if e["side"] == truth["side"]
                   and e["rep"]["start_s"] < t["end_s"] and e["rep"]["end_s"] > t["start_s"]]  # fmt: skip
        entry = overlap[0] if overlap else None
        if entry is None:
            out.append(None)
            continue
        onset = entry["pelvic_tilt"]["onset"]["hip_flexion_deg"]
        true_onset = t["onset"]["hip_flexion_deg"] if t["onset"]["found"] else None
        hip = entry.get("peak_hip_flexion_deg")
        out.append({
            "onset": None if onset is None or true_onset is None else onset - true_onset,
            "hip": None if hip is None else hip - t["peak_hip_flexion_deg"],
            "thigh": entry["peak_thigh_angle_deg"] - t["peak_thigh_vs_table_deg"],
            "flag": (entry["lumbar_borrowing"]["flag"], t["lumbar_borrowing"],
                     entry["lumbar_borrowing"]["confidence"]),
            "source": entry.get("thigh_source"),
        })  # fmt: skip
    return out


def compare_clip(scenario, cache: Path) -> dict:
    from accuracy import bench_capture
    from hiprom import protocols
    from hiprom.errors import HipromError
    from hiprom.pipeline import get_landmarks
    from hiprom.synth.truthfile import load_truth_summary

    truth = load_truth_summary(cache / f"{scenario.name}.truth.json")
    protocol = protocols.get("knee-to-chest")
    row = {"name": scenario.name}
    try:
        series = get_landmarks(cache / f"{scenario.name}.mp4", bench_capture(cache), protocol=protocol).series
    except HipromError as exc:
        return {**row, "refused": str(exc)}
    for label, s in (("card", series), ("pose", dataclasses.replace(series, thigh_card_ccw_deg=None))):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                row[label] = _score(protocol.analyse(s, protocol.options(), []).document, truth)
        except HipromError as exc:
            row[label] = f"refused: {exc}"
    return row


def _fmt(reps) -> str:
    if isinstance(reps, str):
        return reps[:60]
    cells = []
    for r in reps:
        if r is None:
            cells.append("rep not measured")
            continue
        flag = (
            "not assessed" if r["flag"][0] is None else f"{'yes' if r['flag'][0] else 'no'} ({r['flag'][2]})"
        )
        right = "" if r["flag"][0] is None else (" right" if r["flag"][0] == r["flag"][1] else " WRONG")
        parts = [f"{k} {r[k]:+.1f}" for k in ("onset", "hip", "thigh") if r[k] is not None]
        cells.append(
            ", ".join(parts) + f"; {flag}{right}" + (" [thigh card]" if r["source"] == "thigh card" else "")
        )
    return " / ".join(cells)


#: how each reading is named in the summary lines
SAID = {"card": "with the thigh card", "pose": "pose model's thigh"}


def _summary(rows: list[dict], label: str) -> list[str]:
    reps = [r for row in rows if isinstance(row.get(label), list) for r in row[label] if r is not None]
    lines = []
    for k in ("onset", "hip", "thigh"):
        v = np.abs([r[k] for r in reps if r[k] is not None])
        lines.append(
            f"{SAID[label]}: {k}: "
            + (f"MAE {v.mean():.1f} (worst {v.max():.1f}, n={v.size})" if v.size else "-")
        )
    judged = [r["flag"] for r in reps if r["flag"][0] is not None]
    right, unjudged = sum(f[0] == f[1] for f in judged), sum(r["flag"][0] is None for r in reps)
    lines.append(f"{SAID[label]}: flag: right on {right}/{len(judged)} judged reps, {unjudged} not assessed")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    cache = Path(os.environ.get("HIPROM_BENCH_DIR", ROOT / ".bench-cache")) / "realistic"
    parser.add_argument("--cache-dir", type=Path, default=cache)
    args = parser.parse_args(argv)
    from accuracy_tables import model_label
    from hiprom.synth.realistic import realistic_suite
    from hiprom.synth.release_holdout import release5_suite, release6_suite

    text = [f"the thigh card against the pose model's thigh, on the same landmarks; {model_label()}", ""]
    suites = (("realistic suite", realistic_suite()), ("release 5 held out", release5_suite()),
              ("release 6 held out", release6_suite()))  # fmt: skip
    for title, suite in suites:
        rows = [compare_clip(s, args.cache_dir) for s in suite if s.thigh_card]
        text += [f"## {title}", "", "| clip | with the thigh card | the same clip, the pose model's thigh |",
                 "|---|---|---|"]  # fmt: skip
        for row in rows:
            if "refused" in row:
                text.append(f"| {row['name']} | refused: {row['refused'][:70]} | - |")
            else:
                text.append(f"| {row['name']} | {_fmt(row['card'])} | {_fmt(row['pose'])} |")
        text += [
            "",
            *(f"{title}, {line}" for label in ("card", "pose") for line in _summary(rows, label)),
            "",
        ]
    from accuracy_tables import emit

    return emit("\n".join(text), args.out)


if __name__ == "__main__":
    raise SystemExit(main())
