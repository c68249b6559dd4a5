"""The README's table of stated errors (``bench/calibrate.py`` writes it between its markers)."""

from __future__ import annotations

LABELS = {
    "k2c.thigh": "knee-to-chest peak thigh", "k2c.trunk_thigh": "knee-to-chest peak goniometer",
    "k2c.tilt": "card peak tilt (marker)", "k2c.onset": "onset hip flexion (marker; vs the hinge)",
    "k2c.knee_flexion": "peak knee flexion", "k2c.hip_flexion": "peak hip flexion on the pelvis (marker)",
    "camera.pan": "phone pan estimate",
    "camera.tilt": "phone tilt estimate", "ir.supine": "peak IR, supine", "ir.seated": "peak IR, seated",
    "er.supine": "peak ER, supine", "er.seated": "peak ER, seated", "ir.clothed": "peak IR, clothed legs",
    "er.clothed": "peak ER, clothed legs",
    "side_to_side.supine": "IR side-to-side difference, supine",
    "side_to_side.seated": "IR side-to-side difference, seated",
}  # fmt: skip
COLUMNS = (("main grid", "in-sample"), ("main grid", "left-out"), ("held out", "held-out"),
           ("realistic", "in-sample"), ("realistic held out", "held-out"),
           ("release 3 held out", "held-out"), ("release held out", "held-out"),
           ("release 5 held out", "held-out"), ("release 6 held out", "held-out"),
           ("release 7 held out", "held-out"))  # fmt: skip
README_START, README_END = (
    "<!-- calibration table: written by bench/calibrate.py -->",
    "<!-- end calibration table -->",
)


def readme_table(doc: dict) -> str:
    """The README's table of stated errors, in-sample, left-out and held-out side by side (from ``doc``)."""
    head = ("| measure | camera | main grid (in-sample) | main grid, left out | held out | realistic "
            "| realistic held out | release 3 held out | release held out | release 5 held out "
            "| release 6 held out | release 7 held out | **stated** |")  # fmt: skip
    lines = [head, "|" + "---|" * 13]
    for key, entry in doc["errors"].items():
        if entry is None:
            continue
        measure, _, basis = key.rpartition(".")
        label = LABELS.get(key) or LABELS[measure]
        camera = basis if measure == "k2c" or key.startswith("k2c.") else "within 15°"
        if key.startswith("camera."):
            camera = "any"
        cells = []
        for suite, sample in COLUMNS:
            row = next((r for r in entry["rows"] if r["suite"] == suite and r["sample"] == sample), None)
            n = None if row is None else row.get("clips", row.get("pairs"))
            cells.append("–" if row is None else f"{row['mae']}° ({row['worst']}°), n={n}")
        stated = f"**{entry['stated'][0]}° ({entry['stated'][1]}°)**" + (
            "" if entry["out_of_sample"] else " ¹"
        )
        lines.append(f"| {label} | {camera} | " + " | ".join(cells) + f" | {stated} |")
    return "\n".join(lines)
