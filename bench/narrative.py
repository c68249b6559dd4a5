"""The figures in the README's and docs' prose, bound to where they were measured.

A measured figure in prose is written as a *value marker*::

    the thigh reads <!-- v:err:k2c.thigh.square-on -->4.6° (worst 10.9°)<!-- /v --> off

(HTML comments do not show on a rendered page). ``bench/calibrate.py``
rewrites the text between the markers from the spec, and
``tests/test_calibration.py`` fails when a marker's text differs from what
its spec gives now, or when a decimal figure stands outside a marker, a
generated block and a code block (a line may say ``<!-- not measured: why -->``
instead, for a one-off probe or a dated figure of history). Specs:

- ``err:KEY`` a stated error as "m° (worst w°)"; ``err:KEY:mae``, ``err:KEY:worst``;
- ``cal:PATH`` an entry of ``calibration.json``, the path's parts joined by ``/``;
- ``re:FILE:REGEX`` the first group of REGEX's first match in a committed bench output;
- ``cell:FILE:CELLS:N`` cell N (from 0) of the output's table row whose first cells are CELLS
  (joined by ``|``);
- ``py:MODULE:NAME`` a constant of hiprom's code (a clinical norm of ``hiprom.norms``), with
  ``/``-joined keys or indices after NAME;
- ``json:FILE:PATH`` an entry of a committed JSON file (a sample clip's truth), FILE from the
  repository's root.

FILE is ``A``, ``H``, ``R``, ``RH``, ``RL``, ``RL3`` (the suites of ``bench/calibrate.py``)
or a file name under ``bench/``. A spec may end in filters after ``!``: ``abs``,
``pct`` (absolute value x 100), ``neg``, ``int`` (rounded to a whole number), ``r1`` (to one
decimal).

Tables copied from the outputs are *generated blocks* (``BLOCKS``), written
between ``<!-- bench block: NAME ... -->`` and ``<!-- end bench block: NAME -->``.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import narrative_models

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
SHORT = {"A": "last_accuracy_run.txt", "H": "last_holdout_run.txt", "R": "last_realism_run.txt",
         "RH": "last_realism_holdout_run.txt", "RL": "last_release_holdout_run.txt",
         "RL3": "last_release3_holdout_run.txt", "RL5": "last_release5_holdout_run.txt",
         "RL6": "last_release6_holdout_run.txt",
         "RL7": "last_release7_holdout_run.txt",
         "M": "last_markerless_run.txt", "MH": "last_markerless_holdout_run.txt"}  # fmt: skip
MARKER = re.compile(r"<!-- v:(?P<spec>.+?) -->(?P<text>.*?)<!-- /v -->")
#: a decimal figure (not part of a version number or a name)
FIGURE = re.compile(r"(?<![\w.])(?<!\w[−-])[−-]?\d+\.\d+(?![\w.]*\d)")
BLOCK_START = re.compile(r"<!-- (bench block: .+|calibration table: .+) -->")
BLOCK_END = re.compile(r"<!-- end (bench block: .+|calibration table) -->")


def _text(file: str, folder: Path = BENCH) -> str:
    return (folder / SHORT.get(file, file)).read_text()


def _number(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 0.1 and value else str(value)
    return str(value)


def _filter(value: str, name: str) -> str:
    x = float(value.replace("−", "-"))
    if name == "abs":
        return _number(abs(x))
    if name == "neg":
        return _number(-x)
    if name == "pct":
        return f"{abs(x) * 100:g}"
    if name == "int":
        return str(round(x))
    if name == "r1":
        return f"{x:.1f}"
    raise ValueError(f"unknown filter {name!r}")


def resolve(spec: str, calibration: dict, folder: Path = BENCH) -> str:
    """The text a value marker's ``spec`` gives from the calibration document and the bench outputs."""
    spec, *filters = spec.split("!")
    kind, _, rest = spec.partition(":")
    if kind == "err":
        key, _, part = rest.partition(":")
        mae, worst = calibration["errors"][key]["stated"]
        value = {"": f"{mae}° (worst {worst}°)", "mae": str(mae), "worst": str(worst)}[part]
    elif kind in ("cal", "json"):
        node = calibration
        if kind == "json":
            file, _, rest = rest.partition(":")
            node = json.loads((folder.parent / file).read_text())
        for step in rest.split("/"):
            node = node[int(step)] if isinstance(node, list) else node[step]
        value = _number(node)
    elif kind == "re":
        file, _, pattern = rest.partition(":")
        m = re.search(pattern, _text(file, folder), re.M)
        if m is None:
            raise KeyError(f"no match for {pattern!r} in {file}")
        value = m.group(1)
    elif kind == "cell":
        file, cells, col = rest.split(":")
        parts = find_row(_text(file, folder), tuple(c.strip() for c in cells.split("|")))
        if parts is None:
            raise KeyError(f"no row {cells!r} in {file}")
        value = parts[int(col)]
    elif kind == "py":  # a constant of hiprom itself (a clinical norm in hiprom.norms)
        module, _, path = rest.partition(":")
        node = getattr(importlib.import_module(module), path.split("/")[0])
        for step in path.split("/")[1:]:
            if step.isdigit():  # a list, tuple or array
                node = node[int(step)]
            else:
                node = node[step] if isinstance(node, dict) else getattr(node, step)
        value = _number(node)
    else:
        raise ValueError(f"unknown value marker kind {kind!r}")
    for name in filters:
        value = _filter(value, name)
    return value


def render(text: str, calibration: dict, folder: Path = BENCH) -> str:
    """``text`` with every value marker's content replaced by what its spec gives now."""
    return MARKER.sub(
        lambda m: f"<!-- v:{m['spec']} -->{resolve(m['spec'], calibration, folder)}<!-- /v -->", text
    )


def unbound_figures(text: str) -> list[tuple[int, str]]:
    """(line number, figure) for every decimal figure outside a marker, a generated block or code."""
    found, fenced, block = [], False, False
    for i, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            fenced = not fenced
            continue
        if BLOCK_START.search(line):
            block = True
        if BLOCK_END.search(line):
            block = False
            continue
        if fenced or block or "<!-- not measured" in line:
            continue
        bare = re.sub(r"`[^`]*`", "", MARKER.sub("", line))  # inline code names a file or an option
        found += [(i, m.group(0)) for m in FIGURE.finditer(bare)]
    return found


def documents(root: Path = ROOT) -> list[Path]:
    """The Markdown files whose figures are bound: the README and docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def write(calibration: dict, root: Path = ROOT, extra: dict[str, tuple[str, str]] | None = None) -> None:
    """Re-render every document's generated blocks and value markers.

    ``extra`` maps more start markers to (end marker, body): the calibration table."""
    for path in documents(root):
        text = path.read_text()
        new = render(render_blocks(text, root / "bench", extra), calibration, root / "bench")
        if new != text:
            path.write_text(new)


def load_calibration(root: Path = ROOT) -> dict:
    return json.loads((root / "src" / "hiprom" / "calibration.json").read_text())


# --- generated blocks ------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    return [p.strip() for p in line.strip().strip("|").split("|")]


def _table(file: str, header: str, keep=None, folder: Path = BENCH) -> str:
    """A Markdown table of an output, from its header line to its last row; ``keep(cells)`` filters rows."""
    lines = _text(file, folder).splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(header))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    rows = lines[start + 2 : end]
    return "\n".join(lines[start : start + 2] + [r for r in rows if keep is None or keep(_cells(r))])


def find_row(text: str, cells: tuple[str, ...]) -> list[str] | None:
    """The cells of the first Markdown table row in ``text`` whose first cells are ``cells``."""
    for line in text.splitlines():
        if line.startswith("|") and (parts := _cells(line))[: len(cells)] == list(cells):
            return parts
    return None


def _rows(file: str, header: str, wanted: list[tuple[str, ...]], folder: Path = BENCH) -> list[str]:
    """The output's table rows whose first cells are each of ``wanted``, in that order, under ``header``."""
    text = _text(file, folder)
    rows = [find_row(text, cells) for cells in wanted]
    return [header, "|" + "---|" * (header.count("|") - 1)] + ["| " + " | ".join(r) + " |" for r in rows if r]


def _lines(file: str, starts: tuple[str, ...], folder: Path = BENCH) -> list[str]:
    lines = _text(file, folder).splitlines()
    return [f"- {ln}" for s in starts for ln in lines if ln.startswith(s)]


_GROUPS = ("all", "pan within 15 (the target's)", "estimated square-on")
_CAMERAS = ("camera=pan0/tilt5", "camera=pan10/tilt5", "camera=pan-15/tilt15", "camera=pan25/tilt8",
            "camera=pan180/tilt5")  # fmt: skip
ANALYSIS_ROWS = [
    ("markerless", q, g)
    for q in ("peak_thigh (deg)", "peak_trunk_thigh (deg)", "peak_knee_flexion (deg)")
    for g in _GROUPS + _CAMERAS
]
ANALYSIS_ROWS += [("marker", q, g) for q in ("peak_tilt (deg)", "peak_hip_flexion (deg)", "onset (deg)",
                                             "hinge (deg)") for g in _GROUPS]  # fmt: skip
_ANALYSIS_HEAD = "| mode | quantity | group | clips | MAE | bias | max |"
_FLAG_LINES = ("marker: flag correct", "marker: the onset interval")


def _analysis(file: str, folder: Path) -> str:
    return "\n".join(
        [*_rows(file, _ANALYSIS_HEAD, ANALYSIS_ROWS, folder), "", *_lines(file, _FLAG_LINES, folder)]
    )


def _landmarks(folder: Path) -> str:
    joints = ("hip", "knee", "ankle", "shoulder")
    groups = ("all", "position=supine", "position=seated", "position=prone")
    head = "| quantity | group | clips | frames | MAE | bias | max |"
    return "\n".join(_rows("A", head, [(f"{j}_2d_pct_width", g) for j in joints for g in groups], folder))


def _raw_angles(folder: Path) -> str:
    head = "| quantity | group | clips | frames | MAE | bias | max |"
    return "\n".join(_rows("A", head, [(q, "all") for q in ("raw_thigh_vs_table_deg", "raw_trunk_thigh_deg")],
                           folder))  # fmt: skip


#: (label, line start) of ``bench/realism.py``'s summary lines
SCOREBOARD = (("refused", "refused: "), ("side right", "side right: "), ("reps found", "reps found: "),
              ("printed angles off by more than 10°", "printed angles off by more than 10 deg: "),
              ("knee-to-chest thigh", "knee-to-chest thigh: "),
              ("knee-to-chest goniometer", "knee-to-chest goniometer: "),
              ("card tilt (marker)", "knee-to-chest tilt: "), ("onset (marker)", "knee-to-chest onset: "),
              ("borrowing flag (clips with a card)", "knee-to-chest borrowing flag (clips with a card): "),
              ("onset interval held the true onset", "knee-to-chest onset interval held the true onset on "),
              ("thigh, with the thigh card", "knee-to-chest thigh/card: "),
              ("hip flexion on the pelvis, with the thigh card", "knee-to-chest hip/card: "),
              ("onset, with the thigh card", "knee-to-chest onset/card: "),
              ("onset interval with the thigh card held the true onset",
               "knee-to-chest onset interval with the thigh card: held the true onset on "),
              ("hip IR, clothed legs", "hip-ir ir: "), ("hip ER, clothed legs", "hip-ir er: "))  # fmt: skip


def _scoreboard(folder: Path) -> str:
    files = ("R", "RH", "RL3", "RL", "RL5", "RL6", "RL7")
    out = [
        "| | realistic | realistic held out | release 3 held out | release held out | release 5 held out "
        "| release 6 held out | release 7 held out |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, start in SCOREBOARD:
        cells = [narrative_models.cell_after(_text(f, folder).splitlines(), start) for f in files]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def _within_15(cells: list[str]) -> bool:
    return cells[1] == "within 15 deg"


def _code(file: str, folder: Path) -> str:
    return "```\n" + _text(file, folder).rstrip("\n") + "\n```"


BLOCKS = {
    "knee-to-chest analysis": lambda f: _analysis("A", f),
    "held-out analysis": lambda f: _analysis("H", f),
    "card cases (realistic)": lambda f: _table("R", "| card case |", folder=f),
    "card cases (realistic held out)": lambda f: _table("RH", "| card case |", folder=f),
    "card cases (release held out)": lambda f: _table("RL", "| card case |", folder=f),
    "card cases (release 3 held out)": lambda f: _table("RL3", "| card case |", folder=f),
    "card cases (release 5 held out)": lambda f: _table("RL5", "| card case |", folder=f),
    "card cases (release 6 held out)": lambda f: _table("RL6", "| card case |", folder=f),
    "card cases (release 7 held out)": lambda f: _table("RL7", "| card case |", folder=f),
    "landmarks": _landmarks,
    "raw angles": _raw_angles,
    "hip-rotation analysis": lambda f: _table("A", "| position | camera |", _within_15, f),
    "hip-rotation analysis (held out)": lambda f: _table("H", "| position | camera |", _within_15, f),
    "hip-rotation gates": lambda f: _table("A", "| gate clip |", folder=f),
    "repeatability": lambda f: _table("A", "| measure | pairs |", folder=f),
    "realistic scoreboard": _scoreboard,
    "model comparison": lambda f: narrative_models.comparison(f, _text, SHORT),
    "models": lambda f: narrative_models.models(f, _text, _cells),
    "throughput": lambda f: "\n".join([_table("last_throughput.txt", "| stage |", folder=f), "",
                                        *_lines("last_throughput.txt", ("processes", "ratio"), f), "",
                                        *_memory_table(f)]),
    "web load": lambda f: _code("last_web_load.txt", f),
    "markerless scoreboard": lambda f: _markerless(f),
}  # fmt: skip


def _markerless(folder: Path) -> str:
    """The outline cue's scoreboard (#18) from ``bench/markerless.py``'s two outputs."""
    out = ["| suite | clips (refused) | true reps: borrowing / healthy | reps with a cue | outline turn AUC "
           "| turn AUC, phone 12-25° off square | buttock lift AUC | main cut-off: flag right |",
           "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    patterns = (r"refused: (\d+) clips", r"reps with a cue: (\d+/\d+)", r"\| turn_deg \| ([\d.]+|nan) \|",
                r"pan 12-25 ([\d.]+|nan)", r"\| lift \| ([\d.]+|nan) \|",
                r"cut-off turn_deg > [\d.]+ .*?flag right on (\d+/\d+)")  # fmt: skip
    for label, f in (("main", "M"), ("held out", "MH")):
        text = _text(f, folder)
        clips, bor, hea = re.search(
            r"(\d+) clips, \d+ true reps \((\d+) borrowing, (\d+) healthy\)", text
        ).groups()
        refused, cued, turn, panned, lift, right = (
            m.group(1) if (m := re.search(p, text)) else "–" for p in patterns
        )
        cells = (label, f"{clips} ({refused})", f"{bor} / {hea}", cued, turn, panned, lift, right)
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def _memory_table(folder) -> list[str]:
    """The throughput run's peak-memory table and its growth line, when it was measured (--memory)."""
    text = _text("last_throughput.txt", folder)
    if "| clip | frames |" not in text:
        return []
    return [_table("last_throughput.txt", "| clip | frames |", folder=folder), "",
            *_lines("last_throughput.txt", ("growth",), folder)]  # fmt: skip


def block_markers(name: str) -> tuple[str, str]:
    return (
        f"<!-- bench block: {name} (written by bench/calibrate.py) -->",
        f"<!-- end bench block: {name} -->",
    )


def bench_block(name: str, folder: Path = BENCH) -> str:
    return BLOCKS[name](folder)


def render_blocks(text: str, folder: Path = BENCH, extra: dict[str, tuple[str, str]] | None = None) -> str:
    """``text`` with each generated block (``BLOCKS``, and ``extra``'s) rewritten from the outputs."""
    blocks = [(*block_markers(name), lambda n=name: bench_block(n, folder)) for name in BLOCKS]
    blocks += [(start, end, lambda b=body: b) for start, (end, body) in (extra or {}).items()]
    for start_marker, end_marker, body in blocks:
        pos = 0
        while (i := text.find(start_marker, pos)) >= 0:
            start, end = i + len(start_marker), text.index(end_marker, i)
            text = text[:start] + "\n" + body() + "\n" + text[end:]
            pos = start
    return text
