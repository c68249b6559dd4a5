"""The landmark series container and its file format."""

from __future__ import annotations

import json

import numpy as np
import pytest

import hiprom.skeleton as sk
from hiprom.errors import LandmarkFileError, OutputError
from hiprom.landmarks import FORMAT, LandmarkSeries
from hiprom.skeleton import LANDMARK_NAMES, landmark_index
from tests.factories import make_series


def test_shapes_and_detection():
    s = make_series(n_frames=7, missing=(2, 5))
    assert s.n_frames == 7
    assert s.image_px.shape == (7, 33, 2) and s.world_m.shape == (7, 33, 3)
    np.testing.assert_array_equal(s.detected, [True, True, False, True, True, False, True])
    assert s.detection_rate == pytest.approx(5 / 7)
    assert s.point("left_hip").shape == (7, 2)
    assert s.image_size_px == (640, 480)


def test_arrays_are_read_only():
    s = make_series()
    with pytest.raises(ValueError):
        s.image_px[0, 0, 0] = 1.0


def test_bad_shape_names_the_array():
    s = make_series(n_frames=7)
    with pytest.raises(
        ValueError, match=r"Expected 'world_m' to have shape \(7, 33, 3\), but got \(7, 3, 33\)"
    ):
        LandmarkSeries(
            s.time_s, s.image_px, s.depth_px, s.visibility, s.presence, s.world_m.transpose(0, 2, 1)
        )


def test_time_must_increase():
    s = make_series()
    t = s.time_s.copy()
    t[3] = t[2]
    with pytest.raises(ValueError, match="strictly increasing"):
        LandmarkSeries(t, s.image_px, s.depth_px, s.visibility, s.presence, s.world_m)


def test_meta_must_be_json():
    s = make_series()
    with pytest.raises(TypeError):
        LandmarkSeries(
            s.time_s, s.image_px, s.depth_px, s.visibility, s.presence, s.world_m, meta={"x": object()}
        )


def test_marker_angles_round_trip_and_are_checked(tmp_path):
    s = make_series(n_frames=5)
    marker = np.array([10.0, np.nan, 11.5, 12.0, np.nan])
    with_marker = LandmarkSeries(s.time_s, s.image_px, s.depth_px, s.visibility, s.presence, s.world_m,
                                 meta={**s.meta, "marker_id": 7}, marker_ccw_deg=marker)  # fmt: skip
    back = LandmarkSeries.load(with_marker.save(tmp_path / "m.npz"))
    np.testing.assert_array_equal(back.marker_ccw_deg, marker)
    assert back.meta["marker_id"] == 7
    assert LandmarkSeries.load(s.save(tmp_path / "none.npz")).marker_ccw_deg is None
    with pytest.raises(ValueError, match=r"'marker_ccw_deg' to have shape \(5,\)"):
        LandmarkSeries(s.time_s, s.image_px, s.depth_px, s.visibility, s.presence, s.world_m,
                       marker_ccw_deg=marker[:3])  # fmt: skip


def test_round_trip_keeps_nan_and_meta(tmp_path):
    s = make_series(n_frames=9, missing=(0, 4))
    path = s.save(tmp_path / "sub" / "a.npz")
    back = LandmarkSeries.load(path)
    for name in ("time_s", "image_px", "depth_px", "visibility", "presence", "world_m"):
        np.testing.assert_array_equal(getattr(back, name), getattr(s, name))
    assert back.meta == s.meta
    assert np.isnan(back.image_px[4]).all()


def test_saved_file_is_documented_npz(tmp_path):
    path = make_series().save(tmp_path / "a.npz")
    with np.load(path) as npz:
        assert set(npz.files) == {
            "time_s",
            "image_px",
            "depth_px",
            "visibility",
            "presence",
            "world_m",
            "meta_json",
        }
        assert json.loads(str(npz["meta_json"]))["format"] == FORMAT


def test_failed_save_leaves_nothing(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", boom)
    with pytest.raises(OutputError, match="No space left"):
        make_series().save(tmp_path / "a.npz")
    assert list(tmp_path.iterdir()) == []


def test_failed_save_keeps_previous_file(tmp_path, monkeypatch):
    path = make_series(seed=1).save(tmp_path / "a.npz")
    before = path.read_bytes()
    monkeypatch.setattr(np, "savez_compressed", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        make_series(seed=2).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_load_rejects_garbage(tmp_path, content):
    path = tmp_path / "x.npz"
    path.write_bytes(content)
    with pytest.raises(LandmarkFileError):
        LandmarkSeries.load(path)


def test_load_rejects_other_format(tmp_path):
    path = tmp_path / "x.npz"
    np.savez(path, meta_json=np.array(json.dumps({"format": "other/9"})))
    with pytest.raises(LandmarkFileError, match="unknown landmark format"):
        LandmarkSeries.load(path)


def test_load_missing(tmp_path):
    with pytest.raises(LandmarkFileError, match="no such landmark file"):
        LandmarkSeries.load(tmp_path / "none.npz")


def test_landmark_names():
    assert len(LANDMARK_NAMES) == 33
    assert landmark_index("left_hip") == 23 and landmark_index("right_knee") == 26
    with pytest.raises(KeyError, match="unknown landmark"):
        landmark_index("left_asis")


def test_mirror_index_swaps_left_and_right_and_is_its_own_inverse():
    from hiprom.skeleton import MIRROR_INDEX

    idx = np.array(MIRROR_INDEX)
    np.testing.assert_array_equal(idx[idx], np.arange(len(LANDMARK_NAMES)))
    pairs = {LANDMARK_NAMES[i]: LANDMARK_NAMES[j] for i, j in enumerate(idx)}
    assert pairs["nose"] == "nose"
    assert pairs["left_hip"] == "right_hip" and pairs["right_knee"] == "left_knee"
    assert pairs["mouth_left"] == "mouth_right" and pairs["left_eye_inner"] == "right_eye_inner"


def test_mirrored_candidates_map_back_to_the_frame_as_filmed():
    """A left hip seen at x on the mirrored frame is the right hip at width - x on the real one."""
    from hiprom.capture.pose import mirror_candidates

    rng = np.random.default_rng(3)
    cand = rng.uniform(0, 640, size=(4, 2, 33, 5)).astype(np.float32)
    world = rng.normal(size=(4, 2, 33, 3)).astype(np.float32)
    back, back_world = mirror_candidates(cand, world, 640)
    np.testing.assert_allclose(
        back[..., sk.RIGHT_HIP, 0], 640 - cand[..., sk.LEFT_HIP, 0]
    )  # right hip <- mirrored left hip
    np.testing.assert_array_equal(
        back[..., sk.RIGHT_HIP, 1:], cand[..., sk.LEFT_HIP, 1:]
    )  # y, depth, visibility, presence
    np.testing.assert_array_equal(back_world[..., sk.RIGHT_HIP, 0], -world[..., sk.LEFT_HIP, 0])
    np.testing.assert_array_equal(back_world[..., sk.RIGHT_HIP, 1:], world[..., sk.LEFT_HIP, 1:])
    twice, twice_world = mirror_candidates(back, back_world, 640)
    np.testing.assert_allclose(twice, cand, atol=1e-4)
    np.testing.assert_array_equal(twice_world, world)
