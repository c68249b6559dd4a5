"""The pose-model blocks of the README (``bench/narrative.py``'s ``models`` and ``model comparison``).

Each takes the folder of the bench outputs and narrative's readers (``_text``: an output's text by file
name or alias; ``_cells``: a Markdown row's cells; ``SHORT``: the aliases); a model's own outputs are in
``bench/<model>/`` under the default model's file names (``bench/calibrate_model.py``).
"""

from __future__ import annotations

from pathlib import Path

#: lite: a first look with the default model's calibration; heavy: its own calibration (bench/heavy/)
_MODEL_FILES = {"lite": ("last_model_realism_lite.txt", "last_model_accuracy_lite.txt"), "full": ("R", "A"),
                "heavy": ("heavy/last_realism_run.txt", "heavy/last_accuracy_run.txt")}  # fmt: skip


def models(folder: Path, _text, _cells) -> str:
    """The pose models side by side on the realistic suite and the main grid, and the bare loop's speed."""
    head = ("| model | realistic suite: refused | thigh | goniometer | onset | main grid: thigh MAE (bias) "
            "| goniometer MAE (bias) | IR supine MAE | bare loop frames/s vs full |")  # fmt: skip
    out = [head, "|" + "---|" * 9]
    speed = {_cells(ln)[0]: _cells(ln)[2] for ln in _text("last_model_throughput.txt", folder).splitlines()
             if ln.startswith("|")}  # fmt: skip

    def after(text: str, start: str) -> str:
        line = next(ln for ln in text.splitlines() if ln.startswith(start))
        return line[len(start) :]

    for model, (real, acc) in _MODEL_FILES.items():
        r, a = _text(real, folder), _text(acc, folder)
        row = {}
        for q in ("peak_thigh", "peak_trunk_thigh"):
            parts = next(
                _cells(ln) for ln in a.splitlines() if ln.startswith(f"| markerless | {q} (deg) | all |")
            )
            row[q] = f"{parts[4]} ({parts[5]})"
        ir = next(_cells(ln) for ln in a.splitlines() if ln.startswith("| supine | within 15 deg |"))
        out.append(
            f"| {model} | {after(r, 'refused: ')} | {after(r, 'knee-to-chest thigh: ')} | "
            f"{after(r, 'knee-to-chest goniometer: ')} | {after(r, 'knee-to-chest onset: ')} | "
            f"{row['peak_thigh']} | {row['peak_trunk_thigh']} | {ir[3]} | {speed.get(model, '–')} |"
        )
    return "\n".join(out)


#: the suites the models are compared on, the main realistic one first (in-sample for both models' fits)
_COMPARED = (("realistic", "R"), ("realistic held out", "RH"), ("release 3 held out", "RL3"),
             ("release held out", "RL"), ("release 5 held out", "RL5"), ("release 6 held out", "RL6"),
             ("release 7 held out", "RL7"))  # fmt: skip
_COMPARED_LINES = (("refused", "refused: "), ("off > 10°", "printed angles off by more than 10 deg: "),
                   ("thigh", "knee-to-chest thigh: "), ("goniometer", "knee-to-chest goniometer: "),
                   ("onset, pelvis card", "knee-to-chest onset: "),
                   ("onset, both cards", "knee-to-chest onset/card: "),
                   ("flag", "knee-to-chest borrowing flag (clips with a card): "))  # fmt: skip


def cell_after(lines: list[str], start: str) -> str:
    """What follows ``start`` on the first line that begins with it, as a table cell ("–" if none)."""
    line = next((ln for ln in lines if ln.startswith(start)), None)
    return "–" if line is None else line[len(start) :].replace("|", "/")


def comparison(folder: Path, _text, SHORT: dict) -> str:
    """The default (full) and the heavy model, each with its own calibration, suite by suite."""
    head = "| suite | model | " + " | ".join(label for label, _ in _COMPARED_LINES) + " |"
    out = [head, "|" + "---|" * (2 + len(_COMPARED_LINES))]
    for suite, short in _COMPARED:
        for model, file in (("full", SHORT[short]), ("heavy", f"heavy/{SHORT[short]}")):
            lines = _text(file, folder).splitlines()
            cells = []
            for _, start in _COMPARED_LINES:
                cell = cell_after(lines, start)
                cells.append(cell.replace("MAE ", "").replace("; wrong ones said: none", ""))
            out.append(f"| {suite} | {model} | " + " | ".join(cells) + " |")
    return "\n".join(out)
