"""The thigh card's stated errors and its onset error range, read from the committed bench outputs.

Used by ``bench/calibrate.py``. Knee-to-chest reps whose thigh lift came from the thigh card
(``thigh_source: "thigh card"``) are scored apart by ``bench/realism.py`` ("thigh/card", "onset/card",
"hip/card"), because their errors are the card's, not the pose model's. A stated error needs a row from
a suite nothing was fitted on (the fifth release suite); without one it is None and the results say
"not benchmarked out of sample". The onset's error range is taken from the realistic suite's thigh-card
clips (in-sample for the range; its coverage there holds by construction) and checked on the others.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from calibrate_onset import CARD_COVERAGE, CARD_ONSET, _errors, coverage, error_range

#: stated error -> bench/realism.py summary label
CARD_ROWS = {"thigh": "knee-to-chest thigh/card", "onset": "knee-to-chest onset/card",
             "hip_flexion": "knee-to-chest hip/card"}  # fmt: skip


def card_errors(out, names, stated) -> dict[str, dict | None]:
    """``k2c.<quantity>.thigh card`` -> the stated error over the outputs ``names``, as ``stated``
    (calibrate.py's ``_stated``) gives it; None without an out-of-sample row (not stated, nor refused)."""
    found = {}
    for quantity, label in CARD_ROWS.items():
        key = f"k2c.{quantity}.thigh card"
        rows = [r for r in (out.summary(n, label) for n in names if n in out.text) if r is not None]
        found[key] = stated(key, rows) if any(r["sample"] != "in-sample" for r in rows) else None
    return found


def card_rest_thigh(out, name: str, current: dict) -> dict:
    """The ``thigh_card_rest_thigh_deg`` constant: the mean true resting thigh of ``name``'s thigh-card
    clips (bench/realism.py prints it), which the card's lift is counted from (``current`` kept without
    such clips)."""
    line = out._line(name, "knee-to-chest true resting thigh, thigh-card clips: mean ")
    if line is None:
        return current
    mean, lo, hi, n = re.search(r"mean ([-\d.]+) deg, from ([-\d.]+) to ([-\d.]+) \(n=(\d+)", line).groups()
    return {
        "value": float(mean),
        "last_refit": None,
        "fit": "fitted in-sample",
        "provenance": (
            "the thigh angle with the thigh card is this plus the card's turn from rest: the mean true "
            "resting thigh (hip to knee joint centres against the table, lying with the legs straight) of "
            f"the {n} thigh-card clips of bench/{name}, from {lo} to {hi} deg by body; the pose model's own "
            "resting reading wandered by +-7 deg on a clip whose card was still, so it is not used"
        ),
    }


def card_onset_range(texts: dict[str, str], fitted_on, every, labels: dict[str, str]) -> dict:
    """The ``thigh_card_onset_error_range_deg`` constant: its value from the outputs ``fitted_on``,
    ``last_refit`` over ``every`` output, and the coverage per suite."""
    value = error_range(texts, fitted_on, CARD_ONSET) or [0.0, 0.0]
    n = len(_errors(texts, fitted_on, CARD_ONSET))
    return {
        "value": value,
        "last_refit": error_range(texts, every, CARD_ONSET),
        "from": list(fitted_on),
        "fitted_on": [labels[name] for name in fitted_on],
        "fit": "measured in-sample on every suite's thigh-card clips" if n else "not yet measured",
        "n_errors": n,
        "coverage": {k: v for k, v in coverage(texts, labels, CARD_COVERAGE).items() if v},
        "provenance": (
            "with the thigh card, the onset interval reaches from the fit's bootstrap interval minus the "
            "largest over-read (value[1]) to plus the largest under-read (-value[0]) of the thigh card's "
            f"onsets in {', '.join(fitted_on)} ({n} onsets; signed measured - true); last_refit = the same "
            "over every realistic output; coverage = how often the interval held the true onset"
        ),
    }
