"""The README shows what the tool prints: its two example outputs are the CLI's own, line for line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hiprom import cli

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _blocks_after(marker: str) -> list[str]:
    """The README's plain (language-less) code blocks after ``marker``, in order."""
    text = (ROOT / "README.md").read_text()
    blocks, current, lang = [], None, ""
    for line in text[text.index(marker) :].splitlines():
        if line.startswith("```"):
            if current is None:
                current, lang = [], line[3:].strip()
            else:
                if not lang:
                    blocks.append("\n".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


@pytest.mark.parametrize(
    ("marker", "args"),
    [
        ("Command 1 prints", ["sample_videos/k2c_left_early_tilt.mp4"]),
        ("The bundled hip-rotation clip", ["sample_videos/ir_seated_left.mp4", "--test", "hip-ir",
                                           "--position", "seated"]),
    ],
)  # fmt: skip
def test_the_readme_examples_are_what_the_cli_prints(marker, args, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = cli.main(["analyze", *args, "-o", str(tmp_path / "out"), "-q", "--no-video"])
    printed = [ln for ln in capsys.readouterr().out.splitlines() if not ln.startswith("-> ")]
    shown = _blocks_after(marker)[0].strip().splitlines()
    assert code == 0 and printed == shown


def test_the_readmes_screenshots_are_there():
    """The result page and the report's first page, shown in the README, are committed beside it."""
    text = (ROOT / "README.md").read_text()
    for name in ("docs/images/result-page-phone.png", "docs/images/report-page-1.png"):
        assert f'src="{name}"' in text and (ROOT / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
