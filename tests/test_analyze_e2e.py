"""`hiprom analyze` end to end on the bundled sample clips (real model)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import hiprom.skeleton as sk
from hiprom import cli

pytestmark = pytest.mark.slow


def test_marker_sample_is_flagged_with_the_onset_near_the_truth(samples_dir, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli.main(["analyze", str(samples_dir / "k2c_left_early_tilt.mp4"), "-o", str(out), "-q"])
    stdout = capsys.readouterr().out
    assert code == 0
    assert "LUMBAR BORROWING" in stdout
    doc = json.loads((out / "result.json").read_text())
    assert doc["schema"] == "hiprom.result/1" and doc["test"] == "knee-to-chest"
    (result,) = doc["results"]
    truth = json.loads((samples_dir / "k2c_left_early_tilt.truth.json").read_text())["reps"][0]
    assert result["side"] == "left"
    assert result["pelvic_tilt"]["method"] == "marker"
    assert result["lumbar_borrowing"]["flag"] is True
    onset = result["pelvic_tilt"]["onset"]
    assert abs(onset["hip_flexion_deg"] - truth["onset"]["hip_flexion_deg"]) <= 8.0
    lo, hi = onset["ci_deg"]
    assert lo <= truth["onset"]["hip_flexion_deg"] <= hi
    # MediaPipe's hip and knee points are not the joint centres: README, Accuracy, gives the spread
    assert abs(result["peak_thigh_angle_deg"] - truth["peak_thigh_vs_table_deg"]) <= 8.0
    assert (out / "frames.csv").read_text().splitlines()[1].startswith("time_s,left_thigh_vs_table_deg")
    import cv2

    plot = cv2.imread(str(out / "angles.png"))
    assert plot is not None and plot.shape[0] > 400 and plot.std() > 10  # drawn, not blank
    import av

    with av.open(str(out / "annotated.mp4")) as video:
        stream = video.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        frames = [f.to_ndarray(format="rgb24") for f in video.decode(stream)]
    source = json.loads((samples_dir / "k2c_left_early_tilt.truth.json").read_text())
    assert len(frames) == source["n_frames"]


def test_the_pose_pass_reads_the_card_as_a_pass_of_its_own_would(samples_dir, tmp_path):
    """The card is found while the clip is decoded for the pose model (one decode, not two)."""
    from hiprom.capture.markers import detect_marker_angles
    from hiprom.pipeline import Capture, get_landmarks

    clip = samples_dir / "k2c_left_early_tilt.mp4"
    run = get_landmarks(clip, Capture(max_people=1, cache_dir=tmp_path))
    alone, marker_id = detect_marker_angles(clip)
    assert run.series.meta["marker_id"] == marker_id is not None
    np.testing.assert_array_equal(run.series.marker_ccw_deg, alone)
    assert np.isfinite(alone).mean() > 0.9
    cached = get_landmarks(clip, Capture(max_people=1, cache_dir=tmp_path))
    assert cached.from_cache
    np.testing.assert_array_equal(cached.series.marker_ccw_deg, alone)
    renamed = tmp_path / "another-upload.mp4"  # the same clip under another name (a second upload)
    renamed.write_bytes(clip.read_bytes())
    again = get_landmarks(renamed, Capture(max_people=1, cache_dir=tmp_path))
    assert again.from_cache and again.series.meta["clip_name"] == "another-upload.mp4"
    plain = get_landmarks(
        samples_dir / "k2c_right_healthy.mp4", Capture(max_people=1, cache_dir=tmp_path)
    ).series
    assert plain.marker_ccw_deg is None and plain.meta["marker_id"] is None


def test_markerless_sample_says_what_it_cannot_tell(samples_dir, tmp_path, capsys):
    out = tmp_path / "out"
    clip = str(samples_dir / "k2c_right_healthy.mp4")
    assert cli.main(["analyze", clip, "-o", str(out), "-q", "--no-video"]) == 0
    assert not (out / "annotated.mp4").exists()
    (result,) = json.loads((out / "result.json").read_text())["results"]
    assert result["side"] == "right"
    assert result["pelvic_tilt"]["method"] == "markerless" and result["pelvic_tilt"]["peak_deg"] is None
    # not measured is never "no": the finding is not assessed, and the headline says so
    assert result["lumbar_borrowing"]["flag"] is None and result["lumbar_borrowing"]["confidence"] is None
    assert "lumbar borrowing not assessed" in result["lumbar_borrowing"]["reasons"][0]
    assert "lumbar borrowing NOT ASSESSED (no pelvis card)" in capsys.readouterr().out


def test_wrong_test_clip_is_refused_in_one_line(samples_dir, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli.main(["analyze", str(samples_dir / "ir_seated_left.mp4"), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1 and err.startswith("hiprom: error: ") and "Traceback" not in err
    assert not (out / "result.json").exists()


def test_ir_sample_end_to_end(samples_dir, tmp_path, capsys):
    out = tmp_path / "out"
    clip = samples_dir / "ir_seated_left.mp4"
    code = cli.main(["analyze", str(clip), "--test", "hip-ir", "--position", "seated", "-o", str(out), "-q"])
    stdout = capsys.readouterr().out
    assert code == 0
    assert "left hip, seated: internal rotation" in stdout and "LIMITED" in stdout
    truth = json.loads((samples_dir / "ir_seated_left.truth.json").read_text())
    doc = json.loads((out / "result.json").read_text())
    assert doc["schema"] == "hiprom.result/1" and doc["test"] == "hip-ir" and doc["position"] == "seated"
    (result,) = doc["results"]
    assert result["side"] == "left" and result["position"] == "seated"
    # peak IR/ER within the seated benchmark's worst case (README, Accuracy)
    assert abs(result["peak_ir_deg"] - truth["peak_ir_deg"]) <= 5.0
    assert abs(result["peak_er_deg"] - truth["peak_er_deg"]) <= 5.0
    assert result["limited"] is True  # truth 18 deg
    assert result["mdc_deg"] == 9.0 and result["measurement_error_deg"] is not None
    assert [h["kind"] for h in result["holds"]] == ["ir", "er"]
    assert isinstance(result["quality"]["warnings"], list)
    assert (out / "frames.csv").read_text().splitlines()[1].startswith("time_s,left_hip_rotation_deg")
    import cv2

    plot = cv2.imread(str(out / "rotation.png"))
    assert plot is not None and plot.std() > 10
    import av

    with av.open(str(out / "annotated.mp4")) as video:
        stream = video.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert sum(1 for _ in video.decode(stream)) == truth["n_frames"]


@pytest.mark.parametrize(
    ("clip", "position", "message"),
    [
        ("ir_seated_left.mp4", "prone", "points away from the head"),
        ("k2c_left_early_tilt.mp4", "seated", "wrong camera view: the hips overlap"),
        ("k2c_right_healthy.mp4", "supine", "wrong camera view: the hips overlap"),
    ],
)
def test_ir_wrong_view_is_refused_in_one_line(samples_dir, tmp_path, capsys, clip, position, message):
    out = tmp_path / "out"
    args = [
        "analyze",
        str(samples_dir / clip),
        "--test",
        "hip-ir",
        "--position",
        position,
        "-o",
        str(out),
        "-q",
    ]
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1 and err.startswith("hiprom: error: ") and message in err
    assert not out.exists() or not (out / "result.json").exists()


def test_ir_needs_a_position(samples_dir, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli.main(["analyze", str(samples_dir / "ir_seated_left.mp4"), "--test", "hip-ir", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 3 and "--position" in err and err.count("\n") == 1
    assert not out.exists()


def test_a_mirrored_clip_gives_the_other_side_and_the_same_angles(samples_dir, tmp_path):
    """The model always sees a lying body with its head on the right: the clip and its mirror image
    then give the same landmarks (mirrored) and the same angles, with left and right swapped."""
    from hiprom import protocols
    from hiprom.pipeline import Capture, analyze
    from tests.videos import read_frames, write_video

    clip = samples_dir / "k2c_right_healthy.mp4"  # filmed with the head on the left
    mirrored = write_video(tmp_path / "mirrored.mp4", [f[:, ::-1] for f in read_frames(clip)], crf=12)
    options, capture = (
        protocols.get("knee-to-chest").options(),
        Capture(max_people=1, cache_dir=tmp_path / "cache"),
    )
    no_video = protocols.Outputs(video=False)
    a = analyze(clip, tmp_path / "a", options, capture=capture, outputs=no_video)
    b = analyze(mirrored, tmp_path / "b", options, capture=capture, outputs=no_video)
    assert a.landmarks.series.meta["mirrored_for_model"] is True
    assert b.landmarks.series.meta["mirrored_for_model"] is False
    (ra,), (rb,) = a.document["results"], b.document["results"]
    assert (ra["side"], rb["side"]) == ("right", "left")
    for key in ("peak_thigh_angle_deg", "peak_trunk_thigh_angle_deg"):
        assert abs(ra[key] - rb[key]) < 1.5, key
    width = a.landmarks.series.image_size_px[0]
    hips_a = a.landmarks.series.image_px[:, sk.pair("hip")]
    hips_b = b.landmarks.series.image_px[:, [sk.RIGHT_HIP, sk.LEFT_HIP]]  # left <-> right
    both = np.isfinite(hips_a).all(axis=(1, 2)) & np.isfinite(hips_b).all(axis=(1, 2))
    assert both.mean() > 0.9
    apart_px = np.median(np.abs(hips_a[both, :, 0] - (width - hips_b[both, :, 0])))
    assert apart_px < 3
