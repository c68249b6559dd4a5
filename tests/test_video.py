"""Video input: rotation, real timestamps, downscale, bad files (no mediapipe)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from hiprom.capture.video import _normalise_rotation, _scaled_size, open_video, sha256_file
from hiprom.errors import (
    BadInputError,
    CorruptVideoError,
    EmptyVideoError,
    InputNotFoundError,
    NotAVideoError,
)
from tests.videos import pattern_frame, write_video

W, H = 160, 96  # landscape, all sides differ


@pytest.fixture
def upright_clip(tmp_path):
    return write_video(tmp_path / "upright.mp4", [pattern_frame(W, H, i) for i in range(12)], fps=30)


def _decode_all(path, **kwargs):
    with open_video(path, **kwargs) as reader:
        items = list(reader.frames())
        return reader.info, np.array([t for t, _ in items]), [f for _, f in items]


def test_upright_clip_info_and_frames(upright_clip):
    info, times, frames = _decode_all(upright_clip)
    assert (info.width_px, info.height_px, info.rotation_deg) == (W, H, 0)
    assert info.n_frames_expected == 12 and info.fps_nominal == pytest.approx(30)
    assert len(frames) == 12
    assert frames[0].shape == (H, W, 3) and frames[0].dtype == np.uint8
    assert frames[0].flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(times, np.arange(12) / 30, atol=1e-6)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_clip_comes_out_upright(tmp_path, upright_clip, rotation):
    """Pixels stored turned, with a display-rotation tag, decode to the upright image."""
    upright = [pattern_frame(W, H, i) for i in range(12)]
    # store the frame turned clockwise by `rotation`; the tag says turn it back counter-clockwise
    stored = [np.ascontiguousarray(np.rot90(f, k=-rotation // 90)) for f in upright]
    clip = write_video(tmp_path / f"rot{rotation}.mp4", stored, fps=30, rotation_ccw_deg=rotation)
    info, _, frames = _decode_all(clip)
    _, _, reference = _decode_all(upright_clip)
    assert info.rotation_deg == rotation
    assert (info.width_px, info.height_px) == (W, H)
    assert frames[0].shape == (H, W, 3)
    # the red block is top-left again; compression noise aside the frames agree
    assert frames[3][5, 5, 0] > 180 and frames[3][5, 5, 2] < 80
    assert np.abs(frames[3].astype(int) - reference[3].astype(int)).mean() < 4


def test_rotation_convention_matches_opencv(tmp_path):
    """OpenCV's own FFmpeg backend auto-rotates the same way hiprom does."""
    upright = [pattern_frame(W, H, i) for i in range(6)]
    stored = [np.ascontiguousarray(np.rot90(f, k=-1)) for f in upright]
    clip = write_video(tmp_path / "rot.mp4", stored, fps=30, rotation_ccw_deg=90)
    cap = cv2.VideoCapture(str(clip))
    ok, bgr = cap.read()
    cap.release()
    assert ok
    _, _, frames = _decode_all(clip)
    assert bgr.shape == frames[0].shape
    assert np.abs(bgr[..., ::-1].astype(int) - frames[0].astype(int)).mean() < 2


def test_variable_frame_rate_keeps_real_timestamps(tmp_path):
    times = np.cumsum([0, 0.033, 0.034, 0.050, 0.016, 0.040, 0.033, 0.100, 0.033])
    clip = write_video(
        tmp_path / "vfr.mp4", [pattern_frame(W, H, i) for i in range(times.size)], times_s=times
    )
    _, decoded, _ = _decode_all(clip)
    np.testing.assert_allclose(decoded - decoded[0], times, atol=2e-4)


def test_downscale_fits_longer_side(upright_clip):
    info, _, frames = _decode_all(upright_clip, max_size_px=80)
    assert max(info.width_px, info.height_px) == 80
    assert frames[0].shape == (info.height_px, info.width_px, 3)
    assert _scaled_size(1920, 1080, 960) == (960, 540)
    assert _scaled_size(640, 480, None) == (640, 480)
    assert _scaled_size(640, 480, 1000) == (640, 480)


@pytest.mark.parametrize(
    ("raw", "expected"), [(0, 0), (90, 90), (-90, 270), (180, 180), (-180, 180), (89.6, 90)]
)
def test_normalise_rotation(raw, expected):
    assert _normalise_rotation(raw) == expected


def test_missing_file(tmp_path):
    with pytest.raises(InputNotFoundError, match="no such file"):
        open_video(tmp_path / "nope.mp4")


def test_directory_is_not_a_video(tmp_path):
    with pytest.raises(NotAVideoError):
        open_video(tmp_path)


def test_text_file_is_not_a_video(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n" * 20)
    with pytest.raises(NotAVideoError, match="not a video"):
        open_video(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mov"
    path.touch()
    with pytest.raises(EmptyVideoError):
        open_video(path)


def test_audio_only_file_has_no_video_stream(tmp_path):
    import av

    path = tmp_path / "sound.m4a"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=8000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 1024), dtype=np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode()]:
            out.mux(packet)
    with pytest.raises(NotAVideoError, match="no video stream"):
        open_video(path)


@pytest.mark.parametrize("faststart", [True, False])
def test_truncated_file(tmp_path, faststart):
    """Cut in half: index first (web style) or last (an interrupted phone recording)."""
    rng = np.random.default_rng(0)
    frames = [pattern_frame(W, H, i) + rng.integers(0, 40, (H, W, 3), dtype=np.uint8) for i in range(60)]
    full = write_video(tmp_path / "full.mp4", frames, fps=30, crf=10, faststart=faststart)
    data = full.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptVideoError, match="truncated"):
        _decode_all(cut)


def test_errors_are_value_errors():
    assert issubclass(CorruptVideoError, ValueError) and issubclass(BadInputError, ValueError)


def test_sha256_file(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc")
    assert sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize("ext", [".png", ".jpg"])
def test_still_image_is_not_a_video(tmp_path, ext):
    path = tmp_path / f"photo{ext}"
    cv2.imwrite(str(path), np.zeros((40, 60, 3), dtype=np.uint8))
    renamed = path.rename(tmp_path / "photo.mp4")
    with pytest.raises(NotAVideoError, match="still image"):
        open_video(renamed)


def test_frames_larger_than_hiprom_decodes_are_refused_before_decoding(tmp_path):
    """A 752 KB upload of 16000 x 16000 frames took the server to 5.7 GB: the frame size is checked
    from the stream's header, before the first frame is decoded."""
    import time

    import av

    from hiprom.capture.video import MAX_FRAME_PIXELS, open_video
    from hiprom.errors import BadInputError

    side = 4200  # 17.6 megapixels, just over the limit (a real bomb declares far more)
    assert side * side > MAX_FRAME_PIXELS
    path = tmp_path / "big.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width = stream.height = side
        stream.pix_fmt = "yuv420p"
        frame = av.VideoFrame.from_ndarray(np.zeros((side, side, 3), np.uint8), format="rgb24")
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    start = time.perf_counter()
    with pytest.raises(BadInputError, match="4200 x 4200 pixels, more than hiprom decodes"):
        open_video(path)
    assert time.perf_counter() - start < 1.0  # refused from the header, nothing decoded


def test_the_duration_limit_counts_the_decoded_frames(samples_dir):
    """A 100 s clip whose header claimed 1 s passed a 60 s limit: the frames' own times count."""
    from hiprom.capture.video import open_video
    from hiprom.errors import BadInputError

    with open_video(samples_dir / "ir_seated_left.mp4", max_duration_s=2.0) as reader:
        assert reader.info.duration_s > 5.0
        seen = []
        with pytest.raises(BadInputError, match="runs past 2 s of decoded frames"):
            for time_s, _ in reader.frames():
                seen.append(time_s)
    assert 1.9 <= seen[-1] - seen[0] <= 2.1
    with open_video(samples_dir / "ir_seated_left.mp4", max_duration_s=60.0) as reader:
        assert sum(1 for _ in reader.frames()) == reader.info.n_frames_expected


def test_a_video_whose_index_lists_no_tracks_is_corrupt_not_not_a_video(tmp_path, samples_dir):
    """A damaged index gave exit 4 "no video stream"; it is a corrupt video (exit 5)."""
    from hiprom.errors import CorruptVideoError

    data = (samples_dir / "ir_seated_left.mp4").read_bytes()
    assert data.count(b"trak") == 1
    broken = tmp_path / "noindex.mp4"
    broken.write_bytes(data.replace(b"trak", b"free"))  # the index's only track box made padding
    with pytest.raises(CorruptVideoError, match="its index lists no tracks"):
        open_video(broken)
