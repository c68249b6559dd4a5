"""The fuzz suite (bench/fuzz.py): over 40 kinds of bad or hostile input, each handled as the README
documents: one line, the exit code, nothing left behind, bounded memory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import fuzz

pytestmark = pytest.mark.slow
CASES = fuzz.cases()


def test_there_are_at_least_forty_kinds():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    """Every case, run once, two processes at a time (each case's peak memory is its own)."""
    runnable = [c for c in CASES if "bridge" not in c.name or fuzz.SHARED.is_dir()]
    return {r["name"]: r for r in fuzz.run_cases(runnable, jobs=min(2, os.cpu_count() or 1))}


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_bad_input_is_handled_as_documented(results, name):
    if "bridge" in name:
        from tests.conftest import shared_clip

        shared_clip("physioplus/bridging.mp4")  # skips (a failure in CI) without ../shared
    assert not results[name]["problems"], results[name]


GROW_300_MB = "b = bytearray(300 << 20); b[::4096] = b'x' * len(b[::4096])"


def test_memory_is_measured_per_process(tmp_path):
    """A small case reports its own peak: not the largest child this process waited for before,
    nor this (test) process's own, which Linux would carry into a child forked from it."""
    ballast = bytearray(400 << 20)
    ballast[::4096] = b"x" * len(ballast[::4096])  # the test process itself now holds 400 MB
    code, _, _, big_mb = fuzz._run([sys.executable, "-c", GROW_300_MB], dict(os.environ), tmp_path)
    assert code == 0 and 300 < big_mb < 400
    code, _, _, small_mb = fuzz._run([sys.executable, "-c", "pass"], dict(os.environ), tmp_path)
    assert code == 0 and small_mb < 100
    del ballast


def test_a_killed_or_stuck_case_is_reported(tmp_path):
    code, _, _, _ = fuzz._run(
        [sys.executable, "-c", "import os; os.kill(os.getpid(), 9)"], dict(os.environ), tmp_path
    )
    assert code == -9
    sleep = [sys.executable, "-c", "import time; time.sleep(60)"]
    code, _, _, mb = fuzz._run(sleep, dict(os.environ), tmp_path, timeout_s=1)
    assert code == -9 and mb != mb  # killed at the timeout; its peak not known (NaN), which fails the case


def test_exit_codes_come_through(tmp_path):
    code, out, err, _ = fuzz._run([sys.executable, "-c", "import sys; print('o'); sys.exit('e')"],
                                  dict(os.environ), tmp_path)  # fmt: skip
    assert (code, out.strip(), err.strip()) == (1, "o", "e")
