"""Clinical norms, cut-offs and minimal detectable changes, with their references.

The one home of every clinical number hiprom judges a measurement by
(``../shared/docs/clinical-notes.md`` has the sources in full). Imported by
``analysis/`` and everything above it; never by ``kinematics/`` (geometry
knows no norms).
"""

from __future__ import annotations

import math
from typing import Literal, get_args

from hiprom.skeleton import SIDES, Side  # the body's sides are the skeleton's (re-exported here)

__all__ = [
    "ASYMMETRY_IR_DEG",
    "BORROWING_HIP_FLEXION_DEG",
    "FLEXION_MDC_DEG",
    "GONIOMETER_SE_DEG",
    "HEALTHY_IR_DEG",
    "IR_MDC_DEG",
    "LIMITED_IR_DEG",
    "POSITIONS",
    "SIDES",
    "Position",
    "Side",
    "ir_band",
]

Position = Literal["supine", "seated", "prone"]
POSITIONS: tuple[str, ...] = get_args(Position)

#: Knee-to-chest: posterior pelvic tilt beginning below this hip flexion (femur on pelvis) is early,
#: i.e. lumbar borrowing. Normal hip flexion 110-120 deg (AAOS-style and primary-care references);
#: normal pelvic motion is gradual below it (Takei et al. 2002).
BORROWING_HIP_FLEXION_DEG = 110.0

#: Hip internal rotation at or below this is limited (clinical notes: <= 20 deg).
LIMITED_IR_DEG = 20.0
#: Healthy hip internal rotation (clinical notes, seed norm).
HEALTHY_IR_DEG = (40.0, 50.0)


def ir_band(peak_ir_deg: float | None, limited_ir_deg: float = LIMITED_IR_DEG) -> str | None:
    """Where a peak IR falls: "limited" (<= the cut), "below healthy" (between the cut and the healthy
    range), "healthy" (40-50 deg), "above healthy"; None when not measured."""
    if peak_ir_deg is None or not math.isfinite(peak_ir_deg):
        return None
    if peak_ir_deg <= limited_ir_deg:
        return "limited"
    lo, hi = HEALTHY_IR_DEG
    return "below healthy" if peak_ir_deg < lo else ("healthy" if peak_ir_deg <= hi else "above healthy")


#: A side-to-side IR difference of this much is flagged (APTA hip OA guideline, 2017).
ASYMMETRY_IR_DEG = 15.0

#: Goniometric hip flexion intra-rater standard error (hip OA cohort, PubMed 18503813).
GONIOMETER_SE_DEG = 3.5
#: Minimal detectable change of hip flexion: 1.96 x sqrt(2) x the SE above (= 9.7 deg).
FLEXION_MDC_DEG = round(1.96 * math.sqrt(2) * GONIOMETER_SE_DEG, 1)
#: Minimal detectable change of hip IR by position: supine 90/90 7.8 deg (Friesenbichler et al.,
#: HIP Int 2020); seated and prone the upper end of 6-9 deg (Gradoz et al. 2018).
IR_MDC_DEG: dict[str, float] = {"supine": 7.8, "seated": 9.0, "prone": 9.0}
