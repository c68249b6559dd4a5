"""The pose model bundle: where the bundled one is, and checking any bundle before it is loaded.

The bundled model is ``models/pose_landmarker_full.task``, built offline by
``models/build_pose_landmarker.py`` from mediapipe 0.10.21's Apache-2.0 BlazePose
GHUM full models; nothing is downloaded. Its SHA-256 is checked on load.
"""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path

from hiprom.errors import BadInputError, ModelError

__all__ = ["BUNDLED_MODEL_NAME", "BUNDLED_MODEL_SHA256", "default_model_path", "resolve_model"]

BUNDLED_MODEL_NAME = "pose_landmarker_full.task"
BUNDLED_MODEL_SHA256 = "c7ec94cbc06c92a836714024e7cd3e641b8f68a07d43552930ed38a5f4086535"
_TASK_MEMBERS = {"pose_detector.tflite", "pose_landmarks_detector.tflite"}


def default_model_path() -> Path:
    """The bundled model: inside the installed package, else the repo's ``models/``."""
    packaged = resources.files("hiprom").joinpath("_models", BUNDLED_MODEL_NAME)
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "models" / BUNDLED_MODEL_NAME


def resolve_model(model_path: str | Path | None = None) -> tuple[Path, str]:
    """Check a model bundle and return ``(path, sha256)``.

    The bundled model must match :data:`BUNDLED_MODEL_SHA256`. A model given
    by path (e.g. Google's official lite/full/heavy ``.task``) must be a
    PoseLandmarker bundle; its hash is recorded, not checked.
    """
    from hiprom.capture.video import sha256_file

    bundled = model_path is None
    path = default_model_path() if bundled else Path(model_path)
    if not path.is_file():
        hint = " (rebuild it with models/build_pose_landmarker.py)" if bundled else ""
        raise ModelError(f"pose model not found: {path}{hint}")
    try:
        digest = sha256_file(path)
    except BadInputError as exc:  # unreadable: the model's problem, not the clip's
        raise ModelError(f"pose model {path}: {exc}") from None
    if bundled and digest != BUNDLED_MODEL_SHA256:
        raise ModelError(
            f"pose model {path} is altered (sha256 {digest[:12]}..., expected "
            f"{BUNDLED_MODEL_SHA256[:12]}...); restore it or rebuild it"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            members = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"{path} is not a MediaPipe .task bundle") from exc
    if not _TASK_MEMBERS <= members:
        raise ModelError(f"{path} is not a pose landmarker bundle (needs {sorted(_TASK_MEMBERS)})")
    return path, digest
