"""The notebooks run top to bottom against the installed package, and show what they say they show."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _run(path: Path) -> dict:
    cells = json.loads(path.read_text())["cells"]
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)
    return namespace


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    _run(path)
    import matplotlib.pyplot as plt

    assert plt.get_fignums(), "the notebook drew nothing"
    plt.close("all")


@pytest.mark.slow
def test_measured_vs_truth_plots_the_truth_and_the_models_reading(monkeypatch):
    """The curves are the truth file's and the pose model's, the onset line is the truth's onset,
    and the run uses the CLI's settings (the bench and the notebook must not differ from users')."""
    import matplotlib.pyplot as plt

    from hiprom.pipeline import Capture

    monkeypatch.chdir(ROOT)
    ns = _run(ROOT / "notebooks" / "measured_vs_truth.ipynb")
    first, tilt = (plt.figure(n) for n in plt.get_fignums()[:2])
    truth_line, measured_line = first.axes[0].lines[:2]
    np.testing.assert_array_equal(truth_line.get_ydata(), ns["truth"]["thigh_vs_table_deg"])
    np.testing.assert_array_equal(measured_line.get_ydata(), ns["measured"]["thigh_vs_table_deg"])
    err = ns["measured"]["thigh_vs_table_deg"] - ns["truth"]["thigh_vs_table_deg"]
    assert np.nanmedian(np.abs(err)) < 10.0  # the real model on the real clip, not a stand-in
    onset = ns["summary"]["reps"][0]["onset"]
    assert onset["found"] and onset["definition"] == "geometric hinge"
    marks = [ln for ln in tilt.axes[0].lines if "onset" in str(ln.get_label())]
    assert marks and marks[0].get_xdata()[0] == pytest.approx(onset["hip_flexion_deg"])
    assert ns["series"].meta["max_people"] == Capture().max_people
    plt.close("all")
