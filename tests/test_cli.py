"""The command line: one-line errors, distinct exit codes, nothing half-written."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest

from hiprom import cli
from hiprom.capture import model as pose
from hiprom.errors import (
    CorruptVideoError,
    EmptyVideoError,
    InputNotFoundError,
    ModelError,
    NoPersonError,
    NotAVideoError,
    TooFewDetectionsError,
)
from tests.videos import pattern_frame, write_video


def run_cli(args, capsys):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str):
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("hiprom: error: ")
    assert "Traceback" not in err


def test_exit_codes_are_distinct():
    kinds = [
        InputNotFoundError,
        NotAVideoError,
        CorruptVideoError,
        EmptyVideoError,
        NoPersonError,
        TooFewDetectionsError,
        ModelError,
    ]
    codes = [k.exit_code for k in kinds]
    assert len(set(codes)) == len(codes) and 0 not in codes and 2 not in codes


def test_missing_clip(tmp_path, capsys):
    code, _, err = run_cli(["landmarks", tmp_path / "nope.mp4", "-o", tmp_path / "o.npz"], capsys)
    assert code == InputNotFoundError.exit_code
    assert_one_line_error(err)
    assert not (tmp_path / "o.npz").exists()


def test_not_a_video(tmp_path, capsys):
    clip = tmp_path / "photo.mp4"
    clip.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    code, _, err = run_cli(["landmarks", clip, "-o", tmp_path / "o.npz"], capsys)
    assert code == NotAVideoError.exit_code
    assert_one_line_error(err)
    assert "photo.mp4" in err
    assert not (tmp_path / "o.npz").exists()


def test_empty_clip(tmp_path, capsys):
    clip = tmp_path / "empty.mp4"
    clip.touch()
    code, _, err = run_cli(["landmarks", clip, "-o", tmp_path / "o.npz"], capsys)
    assert code == EmptyVideoError.exit_code
    assert_one_line_error(err)


def test_truncated_clip(tmp_path, capsys):
    full = write_video(tmp_path / "full.mp4", [pattern_frame(96, 64, i) for i in range(30)])
    clip = tmp_path / "cut.mp4"
    clip.write_bytes(full.read_bytes()[:2000])
    code, _, err = run_cli(["landmarks", clip, "-o", tmp_path / "o.npz"], capsys)
    assert code == CorruptVideoError.exit_code
    assert_one_line_error(err)
    assert not (tmp_path / "o.npz").exists()


def test_bad_person_rule(tmp_path, capsys):
    clip = write_video(tmp_path / "c.mp4", [pattern_frame(96, 64, i) for i in range(3)])
    code, _, err = run_cli(["landmarks", clip, "--person", "tallest", "-o", tmp_path / "o.npz"], capsys)
    assert code == 3
    assert_one_line_error(err)


def test_output_must_be_npz(tmp_path, capsys):
    clip = write_video(tmp_path / "c.mp4", [pattern_frame(96, 64, i) for i in range(3)])
    code, _, err = run_cli(["landmarks", clip, "-o", tmp_path / "o.csv"], capsys)
    assert code == 3
    assert_one_line_error(err)


def test_missing_model(tmp_path, capsys):
    clip = write_video(tmp_path / "c.mp4", [pattern_frame(96, 64, i) for i in range(3)])
    code, _, err = run_cli(
        ["landmarks", clip, "--model", tmp_path / "m.task", "-o", tmp_path / "o.npz"], capsys
    )
    assert code == ModelError.exit_code
    assert_one_line_error(err)
    assert "m.task" in err


def test_altered_bundled_model_is_refused(tmp_path, monkeypatch):
    altered = tmp_path / "pose_landmarker_full.task"
    shutil.copy(pose.default_model_path(), altered)
    data = bytearray(altered.read_bytes())
    data[-100] ^= 0xFF
    altered.write_bytes(bytes(data))
    monkeypatch.setattr(pose, "default_model_path", lambda name="full": altered)
    with pytest.raises(
        ModelError, match=r"altered .*pose_landmarker_full\.task|pose_landmarker_full\.task is altered"
    ):
        pose.resolve_model()
    altered.unlink()
    with pytest.raises(ModelError, match="not found"):
        pose.resolve_model()


def test_bundled_model_checks_out():
    path, digest = pose.resolve_model()
    assert digest == pose.BUNDLED_MODEL_SHA256 and path.is_file()


@pytest.mark.parametrize("name", ["lite", "full", "heavy"])
def test_every_bundled_model_is_shipped_and_checks_out_by_name(name):
    path, digest = pose.resolve_model(name)
    assert path.name == f"pose_landmarker_{name}.task" and digest == pose.BUNDLED_MODELS[name][1]


def test_a_non_bundle_model_is_refused(tmp_path):
    fake = tmp_path / "x.task"
    fake.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match=r"not a MediaPipe \.task bundle"):
        pose.resolve_model(fake)


@pytest.mark.slow
def test_nobody_in_view(tmp_path, capsys):
    clip = write_video(tmp_path / "wall.mp4", [pattern_frame(320, 240, i) for i in range(20)])
    code, _, err = run_cli(["landmarks", clip, "-q", "-o", tmp_path / "o.npz"], capsys)
    assert code == NoPersonError.exit_code
    assert_one_line_error(err)
    assert "no person" in err
    assert not (tmp_path / "o.npz").exists()


@pytest.mark.slow
def test_person_in_too_few_frames(tmp_path, capsys):
    from tests.conftest import shared_clip
    from tests.videos import read_frames

    person = read_frames(shared_clip("pose2sim/cam01.mp4"), limit=3)
    h, w = person[0].shape[:2]
    blank = np.full((h, w, 3), 90, dtype=np.uint8)
    clip = write_video(tmp_path / "brief.mp4", [*person, *([blank] * 37)], fps=30)
    code, _, err = run_cli(["landmarks", clip, "-q", "--max-size", "640", "-o", tmp_path / "o.npz"], capsys)
    assert code == TooFewDetectionsError.exit_code
    assert_one_line_error(err)
    assert "of 40 frames" in err
    assert not (tmp_path / "o.npz").exists()


@pytest.mark.slow
def test_console_script_end_to_end(tmp_path):
    from hiprom.landmarks import LandmarkSeries
    from tests.conftest import shared_clip

    clip = shared_clip("pose2sim/cam02.mp4")
    out = tmp_path / "cam02.npz"
    exe = shutil.which("hiprom") or sys.executable
    args = [exe] if exe.endswith("hiprom") else [exe, "-m", "hiprom"]
    proc = subprocess.run(
        [*args, "landmarks", str(clip), "-o", str(out), "--max-size", "960"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "", proc.stderr  # no native log chatter, no bar off a terminal
    line = proc.stdout.strip()
    assert line.startswith("cam02.mp4: 100 frames, 60.0 fps, 540x960, person detected in ")
    assert "frames/s" in line and str(out) in line
    series = LandmarkSeries.load(out)
    assert series.n_frames == 100 and series.detection_rate >= 0.95
    again = subprocess.run(
        [*args, "landmarks", str(clip), "-o", str(out), "--max-size", "960"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "(cached)" in again.stdout


def test_marker_sheet_is_written_at_true_size(tmp_path, capsys):
    import cv2

    out = tmp_path / "card.png"
    assert cli.main(["marker", "-o", str(out), "--id", "3"]) == 0
    page = cv2.imread(str(out), cv2.IMREAD_GRAYSCALE)
    assert page.shape == (round(297 * 300 / 25.4), round(210 * 300 / 25.4))  # A4 at 300 dpi
    detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50))
    corners, ids, _ = detector.detectMarkers(page)
    assert ids is not None and ids.ravel().tolist() == [3]
    side_mm = np.linalg.norm(corners[0][0][1] - corners[0][0][0]) / (300 / 25.4)
    assert side_mm == pytest.approx(60.0, abs=0.5)  # 75 % of the 80 mm card
    data = out.read_bytes()
    at = data.index(b"pHYs")  # the DPI travels with the file: 300 dpi = 11811 pixels per metre
    assert data[at + 4 : at + 13] == (11811).to_bytes(4, "big") * 2 + b"\x01"
    below = page[round(160 * 300 / 25.4) :, :]  # the placement instructions are printed under the card
    assert (below < 128).mean() > 0.003


def test_the_board_card_prints_both_markers_parallel_at_true_size(tmp_path, capsys):
    import cv2

    from hiprom.capture.markers import CARDS, MARKER_MM

    out = tmp_path / "board.png"
    assert cli.main(["marker", "-o", str(out)]) == 0  # the board is the default card
    page = cv2.imread(str(out), cv2.IMREAD_GRAYSCALE)
    corners, ids, _ = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
                                              ).detectMarkers(page)  # fmt: skip
    assert sorted(ids.ravel().tolist()) == sorted(CARDS["board"])
    px_per_mm = 300 / 25.4
    for quad in corners:
        edge = quad[0][1] - quad[0][0]
        assert np.linalg.norm(edge) / px_per_mm == pytest.approx(MARKER_MM, abs=0.5)
        assert abs(edge[1]) < 1.0  # both top edges level: any one gives the card's angle
    centres = sorted(q[0].mean(axis=0)[0] for q in corners)
    assert (centres[1] - centres[0]) / px_per_mm == pytest.approx(70.0, abs=0.5)
    code, _, err = run_cli(["marker", "-o", tmp_path / "x.png", "--card", "board", "--id", "3"], capsys)
    assert code == 3 and "the board card's ids are fixed" in err


def test_marker_id_out_of_range(tmp_path, capsys):
    code, _, err = run_cli(["marker", "-o", tmp_path / "c.png", "--id", "77"], capsys)
    assert code == 3
    assert_one_line_error(err)
    assert not (tmp_path / "c.png").exists()


def test_analyze_missing_clip(tmp_path, capsys):
    code, _, err = run_cli(["analyze", tmp_path / "nope.mp4", "-o", tmp_path / "out"], capsys)
    assert code == InputNotFoundError.exit_code
    assert_one_line_error(err)
    assert not (tmp_path / "out").exists()


def test_an_unreadable_clip_is_bad_input_not_an_internal_error(tmp_path, capsys, samples_dir, monkeypatch):
    """chmod 000 gave exit 1 "internal error: PermissionError" (root reads anything, so the denial is
    simulated at the open the pipeline makes first)."""
    import builtins
    import shutil

    clip = tmp_path / "locked.mp4"
    shutil.copy(samples_dir / "ir_seated_left.mp4", clip)
    real_open = builtins.open

    def denied(file, *args, **kwargs):
        if str(file) == str(clip):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", denied)
    args = ["analyze", clip, "--test", "hip-ir", "--position", "seated", "-o", tmp_path / "o"]
    code, _, err = run_cli(args, capsys)
    assert code == 3
    assert_one_line_error(err)
    assert "cannot read locked.mp4: permission denied" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--athlete", "   "], 3, "the athlete's name must be 1-200 characters"),
        (["--athlete", "Sam", "--db", "nonsense://x"], 12, "cannot use nonsense://x"),
        (["-o", "{file}/out"], 10, "cannot write"),
    ],
)
def test_bad_arguments_fail_before_the_pose_pass(
    tmp_path, capsys, samples_dir, monkeypatch, extra, code, message
):
    """They were reported only after the whole analysis (18-30 s), the name after writing the folder."""

    def no_pose_pass(*args, **kwargs):
        raise AssertionError("the pose pass ran before the arguments were checked")

    monkeypatch.setattr("hiprom.pipeline.get_landmarks", no_pose_pass)
    (tmp_path / "afile").write_text("x")
    extra = [a.replace("{file}", str(tmp_path / "afile")) for a in extra]
    args = ["analyze", samples_dir / "ir_seated_left.mp4", "--test", "hip-ir", "--position", "seated"]
    if "-o" not in extra:
        extra += ["-o", tmp_path / "out"]
    got, _, err = run_cli([*args, *extra], capsys)
    assert got == code
    assert_one_line_error(err)
    assert message in err
    assert not (tmp_path / "out").exists()


def test_synth_bad_shape(tmp_path, capsys):
    pytest.importorskip("anny", reason="the synth extra is not installed")
    code, _, err = run_cli(["synth", "knee-to-chest", "--shape", "giant", "-o", tmp_path], capsys)
    assert code == 3
    assert_one_line_error(err)
    assert list(tmp_path.iterdir()) == []


def test_the_thigh_card_prints_its_own_ids_at_true_size_with_its_placement(tmp_path, capsys, monkeypatch):
    import cv2

    from hiprom.capture.marker_sheet import THIGH_PLACEMENT, placement
    from hiprom.capture.markers import CARDS, MARKER_MM

    monkeypatch.chdir(tmp_path)
    assert cli.main(["marker", "--card", "thigh"]) == 0
    out = tmp_path / "hiprom-thigh-card.png"  # its own default name: not the pelvis card's
    page = cv2.imread(str(out), cv2.IMREAD_GRAYSCALE)
    corners, ids, _ = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
                                              ).detectMarkers(page)  # fmt: skip
    assert sorted(ids.ravel().tolist()) == sorted(CARDS["thigh"])
    assert not set(CARDS["thigh"]) & {i for name in ("single", "board") for i in CARDS[name]}
    for quad in corners:
        assert np.linalg.norm(quad[0][1] - quad[0][0]) / (300 / 25.4) == pytest.approx(MARKER_MM, abs=0.5)
    assert placement("thigh") == THIGH_PLACEMENT and "thigh" in " ".join(THIGH_PLACEMENT)
    code, _, err = run_cli(["marker", "-o", tmp_path / "x.png", "--id", str(CARDS["thigh"][0])], capsys)
    assert code == 3 and "thigh card's" in err


def test_synth_thigh_card_needs_the_pelvis_card(tmp_path, capsys):
    pytest.importorskip("anny", reason="the synth extra is not installed")
    code, _, err = run_cli(["synth", "knee-to-chest", "--thigh-card", "8", "-o", tmp_path], capsys)
    assert code == 3 and "add --marker" in err
    assert_one_line_error(err)
    assert list(tmp_path.iterdir()) == []
