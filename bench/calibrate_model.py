"""A calibration for another pose model (``bench/calibrate.py --model NAME``).

Each pose model reads bodies its own way (the heavy model's 3D landmarks put the phone's pan 9 deg off with
the default model's map), so its corrections and stated errors must be measured with it alone: the same
benches, run with ``--model NAME``, write their outputs to ``bench/NAME/`` under the default model's file
names, and ``bench/calibrate.py --model NAME`` writes ``src/hiprom/calibration_NAME.json`` from them
(``hiprom.calibration`` loads every such file; a result names the model its errors came from).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: the protocols a model's calibration covers: the knee-to-chest analysis takes every correction and error
#: from the landmarks' model's calibration; the hip-rotation analysis reads the default model's constants
#: (not yet threaded), so its results from another model state no error although the outputs score it
TESTS = ["knee-to-chest"]
#: the constants refitted on the model's own main grid (in-sample there), by adopting the bench's refit
#: (``--refit``, or one at a time: the maps first, then the pan slope and proportions, then the offsets,
#: each followed by a new run of the grid) until the refit equals the value in use
GRID_REFITS = ("camera_pan_map", "camera_tilt_map", "pan_flexion_slope_per_deg", "hip_width_per_shank",
               "pose_model_thigh_offset_deg", "pose_model_rest_thigh_deg")  # fmt: skip


def paths(model: str | None, bench: Path, default_target: Path) -> tuple[Path, Path]:
    """The folder of the bench outputs and the calibration file for ``model`` (None: the default)."""
    if model is None:
        return bench, default_target
    return bench / model, default_target.with_name(f"calibration_{model}.json")


def starting_document(model: str, target: Path, default_target: Path) -> dict:
    """The model's current calibration, or the first time the default model's, its constants marked as
    carried over (``model_note``) until ``--refit`` replaces them with the model's own."""
    if target.is_file():
        return json.loads(target.read_text())
    doc = copy.deepcopy(json.loads(default_target.read_text()))
    for c in doc["constants"].values():
        c["model_note"] = f"carried over from the default model's calibration; not refitted for {model}"
    return doc


def for_model(doc: dict, model: str, commands: dict[str, str]) -> dict:
    """``doc`` as written for ``model``: its sources under ``bench/<model>/`` (a constant carried over from
    the default model keeps the default's), the commands that ran them with ``--model``, and the tests it
    covers."""
    carried = {k: c for k, c in doc["constants"].items() if c.get("model_note")}
    out = json.loads(json.dumps(doc).replace("bench/last_", f"bench/{model}/last_"))
    out["constants"].update(copy.deepcopy(carried))
    for name in GRID_REFITS:
        if name not in carried:
            out["constants"][name]["model_provenance"] = (
                f"refitted for {model} on bench/{model}/last_accuracy_run.txt (its main grid, in-sample): "
                "the "
                "bench's refit adopted and the grid re-run until they agreed; the provenance above is the "
                "default model's first fit"
            )
    out["commands"] = {name: _with_model(cmd, name, model) for name, cmd in commands.items()}
    out["tests"] = TESTS
    out["about"] = doc["about"].replace("calibration.json", f"calibration_{model}.json")
    return out


def _with_model(command: str, name: str, model: str) -> str:
    if command.startswith("python bench/accuracy.py"):
        base = command.replace(" --record", "")
        return f"{base} --model {model} > bench/{model}/{name}"
    return command.replace(" --out bench/", f" --model {model} --out bench/{model}/")


def camera_map_refits(line: str | None, constants: dict) -> None:
    """``last_refit`` of the pan and tilt maps, where the main grid's output prints (``line``) the line from
    the estimated to the true angle (``true = a x estimated + b``, so the map becomes ``a x`` itself ``+ b``):
    the maps are the pose model's own, from its raw depth slopes."""
    for what in ("pan", "tilt"):
        m = line and re.search(rf"{what} a ([-\d.]+) b ([-+][\d.]+)", line)
        if m:
            a, b = float(m[1]), float(m[2])
            c = constants[f"camera_{what}_map"]
            c["last_refit"] = {
                "gain": round(a * c["gain"], 2),
                "offset_deg": round(a * c["offset_deg"] + b, 1),
            }
