"""The synthetic scene's closed choices, light enough for the command line to import."""

from __future__ import annotations

__all__ = ["CLOTHING", "FLIPS", "SECOND_PERSON"]

#: the patient's clothes: the default shorts and shirt, long patterned trousers and sleeves, leggings
CLOTHING = ("shorts", "tracksuit", "leggings")
#: a second person in view: a clinician standing behind the plinth, or leaning in over it
SECOND_PERSON = ("none", "standing", "leaning")
#: how the clip is stored: as filmed, mirrored (a front camera), upside down (no rotation tag)
FLIPS = ("none", "mirrored", "upside_down")
