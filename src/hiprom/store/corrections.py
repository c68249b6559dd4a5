"""A clinician's corrections of stored results: kept beside the measured entry, never over it.

A correction is a small JSON record on the result row (``Result.correction``): what was set (the
onset's numbers and the finding that follows), by whom and when. The measured entry stays as the
analysis wrote it; :func:`applied` gives the entry a report or a comparison uses, which says in
``clinician_correction`` that it was corrected and what had been measured.
"""

from __future__ import annotations

import copy

from sqlalchemy import select

from hiprom.errors import BadInputError
from hiprom.store.db import Store
from hiprom.store.models import Athlete, Result, TestSession

__all__ = ["applied", "clip_results", "set_correction"]


def applied(entry: dict, correction: dict | None) -> dict:
    """The entry a reader sees: the measured ``entry`` with ``correction`` applied (unchanged if None).

    The corrected fields replace the measured ones; ``clinician_correction`` keeps who set them,
    when, and the measured values they replaced.
    """
    if not correction:
        return entry
    out = copy.deepcopy(entry)
    tilt = out.setdefault("pelvic_tilt", {})
    measured = {"onset": tilt.get("onset"), "lumbar_borrowing": out.get("lumbar_borrowing")}
    tilt["onset"] = correction["onset"]
    out["lumbar_borrowing"] = correction["lumbar_borrowing"]
    out["clinician_correction"] = {
        "what": correction.get("what", "onset"),
        "by": correction.get("by"),
        "at": correction.get("at"),
        "measured": measured,
    }
    return out


def _owned_row(s, result_id: int, owner: int | None) -> Result:
    from hiprom.store.records import owns

    row = s.get(Result, result_id)
    athlete = None if row is None else s.get(Athlete, s.get(TestSession, row.session_id).athlete_id)
    if row is None or not owns(s, athlete, owner):
        raise BadInputError(f"no result {result_id} of yours in the store")
    return row


def set_correction(store: Store, result_id: int, correction: dict | None, owner: int | None = None) -> None:
    """Keep ``correction`` on result ``result_id`` (``None`` removes it: the measured value is used
    again). Only ``owner``'s results; another's is refused as unknown."""
    with store.transaction() as s:
        _owned_row(s, result_id, owner).correction = correction


def clip_results(store: Store, athlete: str, clip_sha256: str, test: str, owner: int | None = None) -> list:
    """One clip's stored results of ``owner``'s athlete ``athlete``, in the latest session that holds
    them: ``(result_id, rep_index, measured entry, correction, artefacts)`` by rep index."""
    from hiprom.store.records import clean_name, owned_by

    with store.transaction() as s:
        rows = s.execute(
            select(Result, TestSession.date)
            .join(TestSession)
            .join(Athlete)
            .where(
                Athlete.name == clean_name(athlete),
                owned_by(owner),
                Result.clip_sha256 == clip_sha256,
                Result.test == test,
            )
            .order_by(TestSession.date.desc(), Result.rep_index)
        ).all()
        if not rows:
            return []
        latest = rows[0][1]
        return [
            (r.id, r.rep_index, r.result, r.correction, dict(r.artefacts)) for r, d in rows if d == latest
        ]
