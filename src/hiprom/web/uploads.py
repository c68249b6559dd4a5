"""Uploaded clips: checked by content (not the name), size and duration; stored under a server-made name."""

from __future__ import annotations

import math
import os
import uuid
from pathlib import Path

from hiprom.errors import BadInputError, HipromError

__all__ = ["sniff_video", "store_upload"]


def sniff_video(head: bytes) -> str | None:
    """The container from a file's first bytes: ``"mp4"`` (MP4/MOV/3GP), ``"webm"``, ``"avi"`` or None."""
    if len(head) >= 12 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    return None


def store_upload(stream, upload_dir: Path, *, max_bytes: int, max_duration_s: float) -> Path:
    """Copy an uploaded file ``stream`` to ``upload_dir/<uuid>.<kind>`` after checking it.

    Raises :class:`BadInputError` (HTTP 400/413 in the app) for a file that is
    not a video by its content, too large, unreadable, or too long; nothing is
    left on disk then.
    """
    head = stream.read(64)
    kind = sniff_video(head)
    if kind is None:
        raise BadInputError("that file is not a video (MP4, MOV, WebM or AVI by its content)")
    upload_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = upload_dir / f"{uuid.uuid4().hex}.{kind}"
    size = len(head)
    try:
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:  # owner only
            fh.write(head)
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    raise BadInputError(f"the clip is larger than {max_bytes // (1 << 20)} MB")
                fh.write(chunk)
        from hiprom.capture.video import open_video

        with open_video(path) as reader:
            duration = reader.info.duration_s
            if not math.isfinite(duration):
                duration = reader.info.n_frames_expected / max(reader.info.fps_nominal, 1e-6)
        if duration > max_duration_s:
            raise BadInputError(f"the clip is {duration:.0f} s long; the limit is {max_duration_s:.0f} s")
    except HipromError:
        path.unlink(missing_ok=True)
        raise
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise BadInputError(f"the upload could not be saved: {exc.strerror or exc}") from exc
    return path
