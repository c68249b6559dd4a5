"""Export an athlete's stored results: CSV (one row per rep/side) and an HL7 FHIR R4 Bundle.

The FHIR Bundle (type ``collection``) holds the athlete as a Patient and one
Observation per measurement: the value in UCUM degrees, the hip joint as the
body site with its laterality, the test position (core extension
``observation-bodyPosition``), the session date, and hiprom's warnings as
notes. Measurement codes come from hiprom's own code system (there are no
LOINC codes for these video measures).
"""

from __future__ import annotations

import csv
import io
import uuid

from hiprom import protocols
from hiprom.store.records import StoredResult
from hiprom.store.records import entry_field as _get

__all__ = ["MEASURE_SYSTEM", "to_csv", "to_fhir_bundle"]

MEASURE_SYSTEM = "https://github.com/hiprom/hiprom/fhir/CodeSystem/measure"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
_LATERALITY_EXT = "https://github.com/hiprom/hiprom/fhir/StructureDefinition/laterality"
_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
_HIP_JOINT = {"system": SNOMED, "code": "24136001", "display": "Hip joint structure"}
_LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right")}
_POSITION = {
    "supine": ("40199007", "Supine body position"),
    "seated": ("33586001", "Sitting position"),
    "prone": ("1240000", "Prone body position"),
}
_CSV_FIELDS = [
    "athlete",
    "date",
    "test",
    "position",
    "side",
    "rep_index",
    "peak_thigh_angle_deg",
    "peak_trunk_thigh_angle_deg",
    "pelvic_tilt_method",
    "pelvic_tilt_peak_deg",
    "onset_hip_flexion_deg",
    "lumbar_borrowing",
    "peak_ir_deg",
    "peak_er_deg",
    "ir_limited",
    "warnings",
    "clip_name",
    "clip_sha256",
    "session_notes",
]


def to_csv(results: list[StoredResult]) -> str:
    """One row per stored result; empty cells where a measure does not apply."""
    out = io.StringIO()
    writer = csv.DictWriter(out, _CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        e = r.result
        borrowing = _get(e, "lumbar_borrowing.flag")
        writer.writerow(
            {k: _cell(v) for k, v in {
                "athlete": r.athlete,
                "date": r.date.isoformat(),
                "test": r.test,
                "position": r.position,
                "side": r.side,
                "rep_index": r.rep_index,
                "peak_thigh_angle_deg": e.get("peak_thigh_angle_deg"),
                "peak_trunk_thigh_angle_deg": e.get("peak_trunk_thigh_angle_deg"),
                "pelvic_tilt_method": _get(e, "pelvic_tilt.method"),
                "pelvic_tilt_peak_deg": _get(e, "pelvic_tilt.peak_deg"),
                "onset_hip_flexion_deg": _get(e, "pelvic_tilt.onset.hip_flexion_deg"),
                "lumbar_borrowing": _borrowing_cell(r.test, borrowing),
                "peak_ir_deg": e.get("peak_ir_deg"),
                "peak_er_deg": e.get("peak_er_deg"),
                "ir_limited": "" if e.get("limited") is None else e["limited"],
                "warnings": " | ".join(_get(e, "quality.warnings") or []),
                "clip_name": r.clip_name,
                "clip_sha256": r.clip_sha256,
                "session_notes": r.notes,
            }.items()}
        )  # fmt: skip
    return out.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe
    (OWASP, CSV injection). Numbers stay numbers (a negative angle is not text)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _borrowing_cell(test: str, flag) -> str | bool:
    """The finding for the CSV: True/False with the card, "not assessed" without (never a False)."""
    if test != "knee-to-chest":
        return ""
    return "not assessed" if flag is None else flag


def _uuid(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'hiprom:' + ':'.join(map(str, parts)))}"


def to_fhir_bundle(athlete: str, results: list[StoredResult]) -> dict:
    """A FHIR R4 ``Bundle`` (collection) of the athlete's Observations, as a JSON-ready dict.

    Identifiers are stable UUIDs derived from the stored result ids, so
    exporting twice gives the same Bundle.
    """
    patient_url = _uuid("patient", athlete)
    entries = [
        {
            "fullUrl": patient_url,
            "resource": {"resourceType": "Patient", "name": [{"text": athlete}]},
        }
    ]
    for r in results:
        protocol = protocols.get(r.test)
        for measure in protocol.measures(r.position):
            key, code, display = measure.key, measure.code, measure.display
            value = _get(r.result, key)
            if not isinstance(value, int | float):
                continue
            lat_code, lat_display = _LATERALITY[r.side]
            pos_code, pos_display = _POSITION.get(r.position, _POSITION["supine"])
            observation = {
                "resourceType": "Observation",
                "status": "final",
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                "code": "exam",
                                "display": "Exam",
                            }
                        ]
                    }
                ],
                "code": {
                    "coding": [{"system": MEASURE_SYSTEM, "code": code, "display": display}],
                    "text": display,
                },
                "subject": {"reference": patient_url, "display": athlete},
                "effectiveDateTime": r.date.isoformat(),
                "valueQuantity": {"value": float(value), "unit": "deg", "system": UCUM, "code": "deg"},
                "bodySite": {
                    "coding": [_HIP_JOINT],
                    "text": f"{r.side} hip joint",
                    "extension": [
                        {
                            "url": _LATERALITY_EXT,
                            "valueCodeableConcept": {
                                "coding": [{"system": SNOMED, "code": lat_code, "display": lat_display}]
                            },
                        }
                    ],
                },
                "extension": [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/observation-bodyPosition",
                        "valueCodeableConcept": {
                            "coding": [{"system": SNOMED, "code": pos_code, "display": pos_display}]
                        },
                    }
                ],
                "method": {
                    "text": f"hiprom {r.document.get('hiprom_version', '')} video analysis "
                    "(MediaPipe pose landmarks); see the hiprom README for its measured error"
                },
            }
            _annotate(observation, protocol, r, measure)
            entries.append({"fullUrl": _uuid("observation", r.id, key), "resource": observation})
        for code, display, value, notes in protocol.fhir_findings(r.result):
            finding = _finding(r, patient_url, athlete, code, display, value, notes)
            if r.correction:  # the finding follows the clinician's onset
                finding["status"] = "amended"
            entries.append({"fullUrl": _uuid("observation", r.id, code), "resource": finding})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _annotate(observation: dict, protocol, r: StoredResult, measure) -> None:
    """An observation's interpretation (e.g. limited), the clinician's change and the warnings, if any."""
    if (interpretation := protocol.fhir_interpretation(r.result, measure)) is not None:
        coding = {"system": _INTERPRETATION, "code": interpretation[0], "display": interpretation[1]}
        observation["interpretation"] = [{"coding": [coding]}]
    warnings = _get(r.result, "quality.warnings") or []
    if (fix := _correction_note(r, measure.key)) is not None:  # a clinician changed this value
        observation["status"], warnings = "amended", [fix, *warnings]
    if warnings:
        observation["note"] = [{"text": w} for w in warnings]


def _correction_note(r: StoredResult, key: str) -> str | None:
    """Who changed ``key`` of a corrected entry and what had been measured; None if it was not changed."""
    fix = r.result.get("clinician_correction") or {}
    if not fix or not key.startswith("pelvic_tilt.onset."):
        return None
    measured = _get({"pelvic_tilt": {"onset": (fix.get("measured") or {}).get("onset") or {}}}, key)
    return f"set by the clinician {fix.get('by')} on {fix.get('at')}; hiprom measured {measured}"


def _finding(r: StoredResult, patient_url: str, athlete: str, code: str, display: str, value, notes) -> dict:
    """A yes/no finding as an Observation: ``valueBoolean``, or a data-absent reason when not assessed."""
    observation = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": MEASURE_SYSTEM, "code": code, "display": display}], "text": display},
        "subject": {"reference": patient_url, "display": athlete},
        "effectiveDateTime": r.date.isoformat(),
        "bodySite": {"coding": [_HIP_JOINT], "text": f"{r.side} hip joint"},
    }
    if value is None:  # not assessed is never "no"
        absent = {"system": _ABSENT, "code": "not-performed", "display": "Not Performed"}
        observation["dataAbsentReason"] = {"coding": [absent], "text": "not assessed"}
    else:
        observation["valueBoolean"] = bool(value)
    if notes:
        observation["note"] = [{"text": n} for n in notes]
    return observation
