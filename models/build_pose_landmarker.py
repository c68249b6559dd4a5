"""Rebuild ``models/pose_landmarker_{lite,full,heavy}.task`` from Google's Apache-2.0 BlazePose models.

Why: Google's official ``.task`` bundles are fetched from the internet on first
use, which fails offline (and in many clinics). ``mediapipe==0.10.21``'s wheel
ships the same BlazePose GHUM models (Apache-2.0) as raw ``.tflite`` files;
the Tasks API accepts them once each carries TFLite metadata describing the
image-input normalisation, packed in an uncompressed zip with the names the
PoseLandmarker graph expects.

Run it in a throwaway virtual environment (mediapipe 1.x's metadata writer
does not import; 0.10.21's needs numpy < 2)::

    python3.11 -m venv /tmp/mp021
    /tmp/mp021/bin/pip install "mediapipe==0.10.21" "numpy<2"
    /tmp/mp021/bin/python models/build_pose_landmarker.py

*full* takes both models from the wheel. *lite* and *heavy* take the landmark
model from the npm registry's ``@mediapipe/pose`` package (Apache-2.0; the same
BlazePose GHUM family, the detector is shared)::

    npm pack @mediapipe/pose && tar xzf mediapipe-pose-*.tgz
    /tmp/mp021/bin/python models/build_pose_landmarker.py --variant lite \
        --landmarks package/pose_landmark_lite.tflite
    /tmp/mp021/bin/python models/build_pose_landmarker.py --variant heavy \
        --landmarks package/pose_landmark_heavy.tflite

The output is byte-for-byte reproducible (fixed zip timestamps); the script
prints the SHA-256 that ``hiprom.capture.model`` checks when it loads the bundle.
"""

from __future__ import annotations

import argparse
import hashlib
import struct
import zipfile
from pathlib import Path

import mediapipe
from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

# (name inside the bundle, path inside the mediapipe wheel, mean, std, n outputs)
_MODELS = (
    ("pose_detector.tflite", "modules/pose_detection/pose_detection.tflite", 127.5, 127.5, 2),
    ("pose_landmarks_detector.tflite", "modules/pose_landmark/pose_landmark_full.tflite", 0.0, 255.0, 5),
)
_ALIGN = 4  # the Tasks runtime mmaps stored members; keep their data 4-byte aligned
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def add_metadata(buf: bytes, name: str, mean: float, std: float, n_outputs: int) -> bytes:
    """Return ``buf`` with image-input normalisation metadata populated."""
    writer = metadata_writer.MetadataWriter.create(bytearray(buf))
    writer.add_general_info(name, "BlazePose GHUM (mediapipe 0.10.21), metadata by hiprom")
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    for _ in range(n_outputs):
        writer.add_feature_output()
    model, _json = writer.populate()
    return bytes(model)


def write_bundle(members: dict[str, bytes], out: Path) -> None:
    """Write an uncompressed, aligned, reproducible zip."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            offset = zf.fp.tell() + 30 + len(name.encode())
            pad = (-(offset + 4)) % _ALIGN
            # an Android-zipalign style extra field (id 0xD935) used only as padding
            info.extra = struct.pack("<HH", 0xD935, pad) + b"\0" * pad
            zf.writestr(info, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=("lite", "full", "heavy"), default="full")
    parser.add_argument(
        "--landmarks", type=Path, help="the landmark .tflite (lite/heavy: from @mediapipe/pose)"
    )
    parser.add_argument("-o", "--out", type=Path)
    args = parser.parse_args()
    if mediapipe.__version__ != "0.10.21":
        raise SystemExit(f"needs mediapipe==0.10.21, found {mediapipe.__version__}")
    if args.variant != "full" and args.landmarks is None:
        raise SystemExit(f"--variant {args.variant} needs --landmarks pose_landmark_{args.variant}.tflite")
    out = args.out or Path(__file__).resolve().parent / f"pose_landmarker_{args.variant}.task"
    root = Path(mediapipe.__file__).parent
    members = {}
    for name, rel, mean, std, n_out in _MODELS:
        source = (
            args.landmarks if (args.landmarks and name == "pose_landmarks_detector.tflite") else root / rel
        )
        members[name] = add_metadata(source.read_bytes(), name, mean, std, n_out)
    args.out = out
    tmp = args.out.with_suffix(".task.tmp")
    write_bundle(members, tmp)
    tmp.replace(args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"{args.out}  sha256={digest}  size={args.out.stat().st_size}")


if __name__ == "__main__":
    main()
