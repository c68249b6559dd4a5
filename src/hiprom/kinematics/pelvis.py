"""The normal pelvic contribution to supine hip flexion.

Notes
-----
In passive supine hip flexion with the knee flexed, the pelvis tilts
posteriorly gradually, not abruptly: about 0.5 deg at 15 deg of hip flexion,
1.5 at 30, 2.4 at 45, 3.9 at 61 and 11.4 at 128 (Takei et al. 2002, MRI).
"Early posterior tilt" therefore means tilt well above this curve at a given
hip angle, not any tilt at all (see ``docs`` and the clinical notes).
"""

from __future__ import annotations

import numpy as np

__all__ = ["TAKEI_HIP_FLEXION_DEG", "TAKEI_POSTERIOR_TILT_DEG", "normal_posterior_tilt_deg"]

#: Hip flexion (femur on pelvis) and the posterior pelvic tilt measured there.
TAKEI_HIP_FLEXION_DEG = np.array([0.0, 15.0, 30.0, 45.0, 61.0, 128.0])
TAKEI_POSTERIOR_TILT_DEG = np.array([0.0, 0.5, 1.5, 2.4, 3.9, 11.4])


def normal_posterior_tilt_deg(hip_flexion_deg: np.ndarray) -> np.ndarray:
    """Expected posterior pelvic tilt of a healthy hip at a given hip flexion.

    Parameters
    ----------
    hip_flexion_deg : (...) array
        Hip flexion, femur on pelvis, degrees (0 = neutral).

    Returns
    -------
    tilt_deg : (...) array
        Posterior tilt from the supine resting position, degrees: piecewise
        linear through the Takei et al. (2002) points, 0 for extension,
        extended linearly past 128 deg. NaN stays NaN.
    """
    hip = np.asarray(hip_flexion_deg, dtype=float)
    tilt = np.interp(hip, TAKEI_HIP_FLEXION_DEG, TAKEI_POSTERIOR_TILT_DEG)
    slope = (TAKEI_POSTERIOR_TILT_DEG[-1] - TAKEI_POSTERIOR_TILT_DEG[-2]) / (
        TAKEI_HIP_FLEXION_DEG[-1] - TAKEI_HIP_FLEXION_DEG[-2]
    )
    beyond = hip > TAKEI_HIP_FLEXION_DEG[-1]
    tilt = np.where(beyond, TAKEI_POSTERIOR_TILT_DEG[-1] + slope * (hip - TAKEI_HIP_FLEXION_DEG[-1]), tilt)
    return np.where(np.isnan(hip), np.nan, tilt)
