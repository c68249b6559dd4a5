"""The pose model bundles: where the bundled ones are, and checking any bundle before it is loaded.

Three are bundled, built offline by ``models/build_pose_landmarker.py`` from
Google's Apache-2.0 BlazePose GHUM models (nothing is downloaded): *full* (the
default) from the mediapipe 0.10.21 wheel, *lite* and *heavy* with their
landmark models from the npm registry's ``@mediapipe/pose``. Each one's
SHA-256 is checked on load.
"""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path

from hiprom.errors import BadInputError, ModelError

__all__ = [
    "BUNDLED_MODELS",
    "BUNDLED_MODEL_NAME",
    "BUNDLED_MODEL_SHA256",
    "default_model_path",
    "resolve_model",
]

#: name -> (file, SHA-256) of the bundled models; "full" is the default
BUNDLED_MODELS: dict[str, tuple[str, str]] = {
    "full": ("pose_landmarker_full.task", "c7ec94cbc06c92a836714024e7cd3e641b8f68a07d43552930ed38a5f4086535"),
    "lite": ("pose_landmarker_lite.task", "e5e6f3e782ed8850ee0b198c94d22b634ec7980b21fcf18da07a42a8db56c97e"),
    "heavy": (
        "pose_landmarker_heavy.task",
        "925bebae6d73b482093a1ae4a830dd9ed0807c2b150b2cd6837d15cea614c88a",
    ),
}
BUNDLED_MODEL_NAME, BUNDLED_MODEL_SHA256 = BUNDLED_MODELS["full"]
_TASK_MEMBERS = {"pose_detector.tflite", "pose_landmarks_detector.tflite"}


def default_model_path(name: str = "full") -> Path:
    """A bundled model (``lite``, ``full``, ``heavy``): in the installed package, else the repo's models/."""
    file = BUNDLED_MODELS[name][0]
    packaged = resources.files("hiprom").joinpath("_models", file)
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "models" / file


def resolve_model(model_path: str | Path | None = None) -> tuple[Path, str]:
    """Check a model bundle and return ``(path, sha256)``.

    ``None`` or a bundled name (``"lite"``, ``"full"``, ``"heavy"``) is a bundled
    model and must match its SHA-256 in :data:`BUNDLED_MODELS`. A model given by
    path (e.g. Google's official ``.task``) must be a PoseLandmarker bundle; its
    hash is recorded, not checked.
    """
    from hiprom.capture.video import sha256_file

    name = "full" if model_path is None else str(model_path)
    bundled = name in BUNDLED_MODELS
    path = default_model_path(name) if bundled else Path(model_path)
    expected = BUNDLED_MODELS[name][1] if bundled else None
    if not path.is_file():
        hint = " (rebuild it with models/build_pose_landmarker.py)" if bundled else ""
        raise ModelError(f"pose model not found: {path}{hint}")
    try:
        digest = sha256_file(path)
    except BadInputError as exc:  # unreadable: the model's problem, not the clip's
        raise ModelError(f"pose model {path}: {exc}") from None
    if bundled and digest != expected:
        raise ModelError(
            f"pose model {path} is altered (sha256 {digest[:12]}..., expected "
            f"{expected[:12]}...); restore it or rebuild it"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            members = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"{path} is not a MediaPipe .task bundle") from exc
    if not _TASK_MEMBERS <= members:
        raise ModelError(f"{path} is not a pose landmarker bundle (needs {sorted(_TASK_MEMBERS)})")
    return path, digest
