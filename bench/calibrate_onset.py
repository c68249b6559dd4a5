"""The onset interval's error range and coverage, read from the committed bench outputs.

Used by ``bench/calibrate.py``. The onset hip angle is read off the pose model's
thigh, whose error is a per-clip bias the fit's bootstrap cannot see; the interval
is therefore extended by the largest over-read and under-read of the onset that the
held-out realistic suites measured (signed, measured - true, from each clip's row
of ``bench/realism.py``'s output). With ``n`` such errors, a new clip's error lies
beyond their range with a chance of about 2/(n + 1), before the bootstrap's own width.
"""

from __future__ import annotations

import re

#: one clip's signed onset errors in a bench/realism.py row: "onset +17.0" or "onset +12.8, +12.3"
_ONSET = re.compile(r"\bonset ([-+]\d+\.\d(?:, [-+]\d+\.\d)*)")
_GRID = re.compile(r"held the generator's hinge on (\d+)/(\d+) reps")
_REALISTIC = re.compile(r"onset interval held the true onset on (\d+)/(\d+) reps")


#: the same with the thigh card (bench/realism.py's "onset/card" errors and its own coverage line)
CARD_ONSET = re.compile(r"\bonset/card ([-+]\d+\.\d(?:, [-+]\d+\.\d)*)")
CARD_COVERAGE = re.compile(r"onset interval with the thigh card: held the true onset on (\d+)/(\d+) reps")


def signed_onset_errors(text: str, pattern: re.Pattern = _ONSET) -> list[float]:
    """Every onset error (measured - true, deg) printed in the clip rows of a bench/realism.py output
    (``pattern``: the pose model's onsets, or :data:`CARD_ONSET` the thigh card's)."""
    rows = (line for line in text.splitlines() if line.startswith("| ") and " | measured | " in line)
    return [float(v) for row in rows for m in pattern.finditer(row) for v in m[1].split(", ")]


def _errors(texts: dict[str, str], names, pattern: re.Pattern = _ONSET) -> list[float]:
    return [e for name in names if name in texts for e in signed_onset_errors(texts[name], pattern)]


def error_range(texts: dict[str, str], names, pattern: re.Pattern = _ONSET) -> list[float] | None:
    """``[most under-read, most over-read]`` over the outputs ``names`` (each end 0 at least)."""
    errs = _errors(texts, names, pattern)
    return [min(min(errs), 0.0), max(max(errs), 0.0)] if errs else None


def coverage(texts: dict[str, str], labels: dict[str, str], pattern: re.Pattern | None = None):
    """How often the interval held the true onset, per output (``labels``: file name -> suite label);
    ``pattern``: the coverage line (default the pose model's, of bench/accuracy.py or realism.py)."""
    found: dict[str, list[int] | None] = {}
    for name, label in labels.items():
        m = (
            pattern.search(texts[name])
            if pattern
            else _GRID.search(texts[name]) or _REALISTIC.search(texts[name])
        )
        found[label] = [int(m[1]), int(m[2])] if m else None
    return found


def onset_error_range(texts: dict[str, str], current: dict, held_out, labels: dict[str, str]) -> dict:
    """The ``onset_error_range_deg`` constant: its value from the outputs it was fitted on
    (``current["from"]``), ``last_refit`` from every held-out realistic output ``held_out``, and the
    coverage per suite."""
    value = error_range(texts, current["from"])
    if value is None:
        raise SystemExit(f"calibrate: no onset errors in {current['from']}")
    n = len(_errors(texts, current["from"]))
    return {
        "value": value,
        "last_refit": error_range(texts, held_out),
        "from": current["from"],
        "fitted_on": [labels[name] for name in current["from"]],  # coverage there is in-sample
        "fit": "measured on held-out suites",
        "n_errors": n,
        "coverage": coverage(texts, labels),
        "provenance": (
            "the onset interval reaches from the fit's bootstrap interval minus the largest over-read "
            "(value[1]) to plus the largest under-read (-value[0]) of the onset among the held-out realistic "
            f"clips of {', '.join(current['from'])} ({n} onsets; signed measured - true); last_refit = the "
            "same over every held-out realistic output; coverage = how often the interval held the true onset"
        ),
    }
