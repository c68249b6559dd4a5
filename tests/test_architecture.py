"""The code's shape (docs/architecture.md): small files and functions, data flowing one way,
knowledge with one home. Each check reads the source, so a change that breaks the shape fails here."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "hiprom"
PY = sorted(SRC.rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


def _imports(path: Path) -> set[str]:
    """Every module a file imports (at any depth: lazy imports count)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_files_and_functions_stay_small():
    too_long = []
    for path in PY:
        text = path.read_text()
        if text.count("\n") > 400:
            too_long.append(f"{_rel(path)}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    too_long.append(f"{_rel(path)}:{node.lineno} {node.name}() {length} lines")
    assert not too_long, "split these (400 lines a file, 80 a function):\n" + "\n".join(too_long)


@pytest.mark.parametrize("package", ["kinematics", "store", "synth", "capture"])
def test_nothing_below_or_beside_the_analysis_imports_it(package):
    offenders = [
        f"{_rel(p)} imports {m}"
        for p in (SRC / package).rglob("*.py")
        for m in _imports(p)
        if m == "hiprom.analysis" or m.startswith("hiprom.analysis.")
    ]
    assert not offenders, "\n".join(offenders)


#: what the numpy core may import besides the standard library
CORE_ALLOWED = {
    "kinematics": ("numpy", "scipy", "hiprom.kinematics", "hiprom.errors", "hiprom.skeleton"),
    "analysis": ("numpy", "scipy", "hiprom.kinematics", "hiprom.analysis", "hiprom.errors", "hiprom.skeleton",
                 "hiprom.norms", "hiprom.calibration"),
}  # fmt: skip


@pytest.mark.parametrize("package", sorted(CORE_ALLOWED))
def test_the_numpy_core_imports_no_io_no_video_no_model(package):
    import sys

    stdlib = sys.stdlib_module_names | {"__future__"}
    allowed = CORE_ALLOWED[package]
    offenders = []
    for path in (SRC / package).rglob("*.py"):
        for m in _imports(path):
            top = m.split(".")[0]
            if top in stdlib or any(m == a or m.startswith(a + ".") for a in allowed):
                continue
            offenders.append(f"{_rel(path)} imports {m}")
    assert not offenders, "\n".join(offenders)


def test_norms_are_not_known_below_the_analysis():
    """Clinical norms judge measurements; geometry, capture and the landmark format know none."""
    low = [
        p
        for p in PY
        if _rel(p).startswith(("kinematics/", "capture/")) or p.name in ("landmarks.py", "skeleton.py")
    ]
    offenders = [f"{_rel(p)} imports {m}" for p in low for m in _imports(p)
                 if m.startswith(("hiprom.norms", "hiprom.protocols", "hiprom.calibration"))]  # fmt: skip
    assert not offenders, "\n".join(offenders)


# an index of a body landmark written as a number: pts[:, 23], [23, 24], 11 + k, (25, 26)
_INDEX_LITERAL = re.compile(
    r"\[\s*(?:[^\[\]]*,\s*)?(?:1[12]|2[3-9]|3[0-2])\s*(?:[\],+]|$)|\b(?:1[12]|2[3-9]|3[0-2]) \+ k\b"
    r"|\((?:11, 12|23, 24|25, 26|27, 28)\)"
)


@pytest.mark.parametrize("folder", ["src", "tests", "bench"])
def test_landmark_indices_are_written_in_one_module(folder):
    offenders = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        if path.name in ("skeleton.py", "test_architecture.py"):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            if _INDEX_LITERAL.search(code) and re.search(
                r"pts|px|lm|image|world|vis|cand|order|points", code
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "name the landmark (hiprom.skeleton) instead:\n" + "\n".join(offenders)


def test_clinical_cut_offs_have_one_home():
    """The borrowing cut, the limited-IR cut and the MDCs are typed in hiprom.norms only."""
    patterns = {
        "borrowing 110 deg": r"(?i)borrow\w*[^\n]*=\s*110(\.0)?\b",
        "limited IR 20 deg": r"limited_ir_deg: float = 20|axhline\(20",
        "IR MDC": r"\b7\.8\b",
        "flexion MDC": r"\b9\.7\b|\* 3\.5\b",
        "asymmetry 15 deg": r"ASYMMETRY_IR_DEG = 15",
    }
    offenders = []
    for path in PY + sorted((SRC / "web" / "templates").glob("*.html")):
        if path.name in ("norms.py",):
            continue
        text = path.read_text()
        for what, pattern in patterns.items():
            for match in re.finditer(pattern, text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(SRC)}:{line}: {what}")
    assert not offenders, "\n".join(offenders)


def test_every_registered_protocol_is_complete():
    from hiprom import protocols

    assert protocols.names() == ("knee-to-chest", "hip-ir")
    for p in protocols.all_protocols():
        assert p.positions and p.form_label and p.title
        for position in p.positions:
            measures = p.measures(position)
            assert measures and all(m.key.endswith("_deg") for m in measures)
            assert any(m.mdc_deg for m in measures), "something must be comparable across sessions"
        assert p.options(p.positions[0] if len(p.positions) > 1 else None).test == p.name


def test_the_pipeline_takes_a_protocols_options_not_a_bag_of_keywords():
    from hiprom.pipeline import analyze

    params = inspect.signature(analyze).parameters
    assert list(params)[:3] == ["clip", "out_dir", "options"] and len(params) <= 6


def test_core_messages_name_options_not_command_line_flags():
    """The core words a problem for any face; the CLI adds its flags (hiprom.cli.main.FLAGS)."""
    offenders = []
    for path in PY:
        if _rel(path).startswith("cli/"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.search(r"--(position|side|marker|test|athlete|session)\b", node.value):
                    offenders.append(f"{_rel(path)}:{node.lineno}: {node.value[:60]!r}")
    assert not offenders, "\n".join(offenders)


def test_a_bad_option_reaches_the_cli_user_with_its_flag(capsys, tmp_path):
    from hiprom import cli

    clip = ROOT / "sample_videos" / "ir_seated_left.mp4"
    code = cli.main(["analyze", str(clip), "--test", "hip-ir", "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code == 3 and "needs a position" in err and "(--position)" in err
    assert not (tmp_path / "out").exists()  # refused before anything was written
