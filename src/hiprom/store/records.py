"""Record analyses and read them back (the store's whole API for the CLI and the web app).

Every write is one transaction: the athlete, the session and all results of a
clip are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, or_, select

from hiprom.errors import BadInputError, StoreError
from hiprom.store.accounts import LOCAL_CLINICIAN, local_clinician_id
from hiprom.store.corrections import applied
from hiprom.store.db import Store
from hiprom.store.models import Athlete, Clinician, Result, TestSession

__all__ = [
    "StoredResult",
    "athlete_id",
    "athlete_name",
    "athlete_rows",
    "athletes",
    "clean_name",
    "entry_field",
    "owned_by",
    "owns",
    "record_analysis",
    "results_of",
]


@dataclass(frozen=True)
class StoredResult:
    """One stored result, detached from the database.

    ``result`` is the entry as read: the measured entry with a clinician's correction applied
    (its ``clinician_correction`` then says so, with the measured values); ``correction`` the
    correction itself (None: as measured).
    """

    id: int
    athlete: str
    date: dt.date
    notes: str
    clip_name: str
    clip_sha256: str
    test: str
    position: str
    side: str
    rep_index: int
    result: dict
    document: dict
    artefacts: dict
    session_id: int | None = None
    correction: dict | None = None


def entry_field(entry: dict, dotted: str):
    """A field of a result entry by dotted path (``"pelvic_tilt.onset.hip_flexion_deg"``); None if absent."""
    value = entry
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def owned_by(owner: int | None):
    """Athletes of one clinician (web app) or, for ``None``, those recorded from the command line: the
    local clinician's (:data:`hiprom.store.accounts.LOCAL_CLINICIAN`; a row without an owner, from a
    store before revision 0006, counts as theirs)."""
    if owner is not None:
        return Athlete.clinician_id == owner
    local = select(Clinician.id).where(Clinician.username == LOCAL_CLINICIAN).scalar_subquery()
    return or_(Athlete.clinician_id.is_(None), Athlete.clinician_id == local)


def owns(s, athlete: Athlete | None, owner: int | None) -> bool:
    """Whether ``athlete`` is ``owner``'s (``None``: the command line's), in the open session ``s``."""
    if athlete is None:
        return False
    if owner is None:
        return athlete.clinician_id is None or athlete.clinician_id == local_clinician_id(s)
    return athlete.clinician_id == owner


def clean_name(name: str) -> str:
    """The athlete's name with its spaces tidied; :class:`BadInputError` when blank or too long."""
    name = " ".join(str(name).split())
    if not name or len(name) > 200:
        raise BadInputError("the athlete's name must be 1-200 characters")
    return name


def record_analysis(
    store: Store,
    athlete: str,
    document: dict,
    artefacts: dict[str, str | Path],
    *,
    date: dt.date | None = None,
    notes: str = "",
    owner: int | None = None,
) -> list[int]:
    """Store every entry of a result document under ``athlete`` and the session of ``date``.

    The athlete and the session (one per athlete and date) are created when
    new; notes are appended to the session's. Re-recording the same clip in
    the same session replaces its results. ``owner``: the clinician (web
    app) the athlete belongs to; ``None`` for the command line's athletes.
    Returns the new result ids. One transaction: all of it or nothing. Two runs
    creating the same new athlete (or session) at once: the unique keys refuse
    the second, which is then redone and finds the first's row.
    """
    from sqlalchemy.exc import IntegrityError

    name = clean_name(athlete)
    date = date or dt.date.today()
    paths = {k: str(Path(v).resolve()) for k, v in artefacts.items()}
    for attempt in range(3):
        try:
            with store.transaction() as s:
                return _write(s, name, owner, date, notes, document, paths)
        except StoreError as exc:
            if not isinstance(exc.__cause__, IntegrityError) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _write(s, name: str, owner: int | None, date: dt.date, notes: str, document: dict, paths: dict) -> list:
    """One attempt of :func:`record_analysis`, inside the transaction ``s``."""
    clip = document.get("clip") or {}
    sha = str(clip.get("clip_sha256") or "")
    person = s.scalar(select(Athlete).where(Athlete.name == name, owned_by(owner)))
    if person is None:
        person = Athlete(
            name=name, clinician_id=local_clinician_id(s, create=True) if owner is None else owner
        )
        s.add(person)
        s.flush()
    visit = s.scalar(select(TestSession).where(TestSession.athlete_id == person.id, TestSession.date == date))
    if visit is None:
        visit = TestSession(athlete_id=person.id, date=date, notes="")
        s.add(visit)
        s.flush()
    if notes.strip() and notes.strip() not in visit.notes:
        visit.notes = f"{visit.notes}\n{notes.strip()}".strip()
    kept = {}  # a clinician's corrections survive re-recording the same clip (the same rep)
    for old in s.scalars(
        select(Result).where(
            Result.session_id == visit.id, Result.clip_sha256 == sha, Result.test == document["test"]
        )
    ):
        if old.correction:
            kept[(old.rep_index, old.side, _rep_start(old.result))] = old.correction
        s.delete(old)
    s.flush()
    rows = []
    for index, entry in enumerate(document["results"]):
        row = Result(
            session_id=visit.id,
            clip_sha256=sha,
            clip_name=str(clip.get("clip_name") or ""),
            test=document["test"],
            position=entry.get("position") or "supine",
            side=entry["side"],
            rep_index=index,
            result=entry,
            document=document,
            artefacts=paths,
            correction=kept.get((index, entry["side"], _rep_start(entry))),
        )
        s.add(row)
        rows.append(row)
    s.flush()
    return [r.id for r in rows]


def _rep_start(entry: dict):
    return (entry.get("rep") or {}).get("start_s")


def athlete_rows(store: Store, owner: int | None = None) -> list[dict]:
    """Every athlete (of ``owner``): id, name, number of sessions, last session's date; by name."""
    with store.transaction() as s:
        query = (
            select(Athlete.id, Athlete.name, func.count(TestSession.id), func.max(TestSession.date))
            .outerjoin(TestSession)
            .where(owned_by(owner))
            .group_by(Athlete.id, Athlete.name)
            .order_by(Athlete.name)
        )
        return [{"id": i, "name": n, "sessions": int(c), "last": d} for i, n, c, d in s.execute(query)]


def athletes(store: Store, owner: int | None = None) -> list[tuple[str, int, dt.date | None]]:
    """Every athlete (of ``owner``) with the number of sessions and the last session's date."""
    return [(r["name"], r["sessions"], r["last"]) for r in athlete_rows(store, owner)]


def results_of(
    store: Store,
    athlete: str,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    owner: int | None = None,
) -> list[StoredResult]:
    """An athlete's (of ``owner``) results in date order (inclusive bounds); unknown -> BadInputError."""
    name = clean_name(athlete)
    with store.transaction() as s:
        person = s.scalar(select(Athlete).where(Athlete.name == name, owned_by(owner)))
        if person is None:
            known = ", ".join(a for a, *_ in athletes(store, owner)) or "none yet"
            raise BadInputError(f"no athlete called {name!r} in the store (athletes: {known})")
        query = (
            select(Result, TestSession)
            .join(TestSession)
            .where(TestSession.athlete_id == person.id)
            .order_by(TestSession.date, Result.id)
        )
        if date_from is not None:
            query = query.where(TestSession.date >= date_from)
        if date_to is not None:
            query = query.where(TestSession.date <= date_to)
        return [
            StoredResult(
                r.id,
                name,
                v.date,
                v.notes,
                r.clip_name,
                r.clip_sha256,
                r.test,
                r.position,
                r.side,
                r.rep_index,
                applied(r.result, r.correction),
                r.document,
                r.artefacts,
                v.id,
                r.correction,
            )
            for r, v in s.execute(query)
        ]


def athlete_name(store: Store, athlete_id: int, owner: int | None = None) -> str | None:
    """The name of athlete ``athlete_id`` if it is ``owner``'s, else None."""
    with store.transaction() as s:
        athlete = s.get(Athlete, athlete_id)
        return athlete.name if owns(s, athlete, owner) else None


def athlete_id(store: Store, name: str, owner: int | None = None) -> int | None:
    """The id of ``owner``'s athlete called ``name``, if any."""
    with store.transaction() as s:
        return s.scalar(select(Athlete.id).where(Athlete.name == " ".join(name.split()), owned_by(owner)))
