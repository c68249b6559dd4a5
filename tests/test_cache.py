"""The landmark cache."""

from __future__ import annotations

import numpy as np

from hiprom.capture.cache import LandmarkCache, default_cache_dir
from tests.factories import make_series


def test_key_depends_on_clip_model_and_settings():
    base = LandmarkCache.key("a" * 64, "m" * 64, {"max_people": 2})
    assert base == LandmarkCache.key("a" * 64, "m" * 64, {"max_people": 2})
    assert base != LandmarkCache.key("b" * 64, "m" * 64, {"max_people": 2})
    assert base != LandmarkCache.key("a" * 64, "n" * 64, {"max_people": 2})
    assert base != LandmarkCache.key("a" * 64, "m" * 64, {"max_people": 1})


def test_put_get_and_corrupt_entry(tmp_path):
    cache = LandmarkCache(tmp_path)
    assert cache.get("k") is None
    series = make_series()
    cache.put("k", series)
    np.testing.assert_array_equal(cache.get("k").image_px, series.image_px)
    cache.path("k").write_bytes(b"garbage")
    assert cache.get("k") is None
    assert not cache.path("k").exists()


def test_default_dir_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("HIPROM_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
