"""A result folder is replaced as a whole or not at all (a rerun stopped half-way left the old clip's
result.json beside the new clip's frames.csv)."""

from __future__ import annotations

import json

import pytest

from hiprom._fs import atomic_folder


def test_a_failure_inside_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.json").write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_folder(out) as staging:
        (staging / "frames.csv").write_text("new")
        raise KeyboardInterrupt
    assert sorted(p.name for p in out.iterdir()) == ["result.json"]
    assert (out / "result.json").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging left behind


def test_success_replaces_the_whole_set(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale_key_frame.jpg").write_text("old")
    with atomic_folder(out) as staging:
        (staging / "result.json").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["result.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_leftovers_of_a_killed_run_are_cleared_and_a_set_caught_mid_swap_comes_back(tmp_path):
    out = tmp_path / "out"
    (tmp_path / ".out.partial-dead").mkdir()
    (tmp_path / ".out.partial-dead" / "frames.csv").write_text("half")
    (tmp_path / ".out.old-dead").mkdir()  # killed after moving the old set aside, before the swap
    (tmp_path / ".out.old-dead" / "result.json").write_text("last complete")
    with pytest.raises(RuntimeError), atomic_folder(out):
        raise RuntimeError("stopped again")
    assert (out / "result.json").read_text() == "last complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_file_where_the_folder_should_be_is_a_clear_error(tmp_path):
    from hiprom.errors import OutputError

    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputError, match="it is a file"), atomic_folder(tmp_path / "out"):
        pass


@pytest.mark.slow
def test_an_analysis_stopped_while_writing_keeps_the_previous_complete_set(
    tmp_path, samples_dir, monkeypatch
):
    from hiprom import protocols
    from hiprom.pipeline import Capture, analyze

    out, cache = tmp_path / "out", Capture()  # the session's landmark cache: other tests ran these clips
    options = protocols.get("hip-ir").options("seated")
    analyze(samples_dir / "ir_seated_left.mp4", out, options, capture=cache,
            outputs=protocols.Outputs(video=False))  # fmt: skip
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C while the video is being written, after frames.csv

    monkeypatch.setattr("hiprom.report.overlay.render_clip", stopped)
    with pytest.raises(KeyboardInterrupt):
        analyze(samples_dir / "ir_seated_left_followup.mp4", out, options, capture=cache)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert json.loads((out / "result.json").read_text())["clip"]["clip_name"] == "ir_seated_left.mp4"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_clip_cut_short_is_said_to_be(tmp_path, samples_dir, stiff, monkeypatch):
    """248 of 255 frames decoded gave exit 0 and no word about it: the end of the clip may be lost."""
    import numpy as np

    from hiprom import pipeline, protocols
    from hiprom.landmarks import LandmarkSeries
    from tests.factories import truth_landmarks

    truth, _ = stiff
    pts, vis = truth_landmarks(truth)
    n = pts.shape[0]
    series = LandmarkSeries(
        time_s=truth["time_s"], image_px=pts, depth_px=np.zeros((n, 33)), visibility=vis,
        presence=np.ones((n, 33)), world_m=np.full((n, 33, 3), np.nan),
        meta={"clip_name": "k2c_left_early_tilt.mp4", "width_px": 1280, "height_px": 720,
              "n_frames_expected": n + 7},
    )  # fmt: skip
    monkeypatch.setattr(pipeline, "get_landmarks", lambda *a, **k: pipeline.LandmarkRun(series, True, 0.0))
    options = protocols.get("knee-to-chest").options(None, None, "off")
    doc = pipeline.analyze(samples_dir / "k2c_left_early_tilt.mp4", tmp_path / "out", options,
                           outputs=protocols.Outputs(video=False)).document  # fmt: skip
    assert any(f"decoded {n} of the {n + 7} frames" in w for w in doc["quality"]["warnings"])
