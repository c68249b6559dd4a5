"""Synthetic clinical clips with exact ground truth (optional extra ``hiprom[synth]``).

A parametric human body (the ``anny`` package: MakeHuman mesh, rig and
skinning, Apache-2.0, on torch CPU) is posed frame by frame for a supine
knee-to-chest test or an internal-rotation test, rendered by a small OpenCV
triangle painter from a chosen camera, and written as a clip with per-frame
truth computed from the posed skeleton. torch and anny are imported only
here; the rest of hiprom never needs them.
"""

from __future__ import annotations


def require_synth() -> None:
    """Raise a clear error if the optional dependencies are missing."""
    try:
        import anny  # noqa: F401
        import torch  # noqa: F401
    except ImportError as exc:
        from hiprom.errors import HipromError

        raise HipromError(
            "the synthetic-clip generator needs the optional extra: pip install 'hiprom[synth]' "
            f"({exc.name} is missing)"
        ) from exc
