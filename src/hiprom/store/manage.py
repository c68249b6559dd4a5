"""Tidying the store: rename, merge and delete athletes, delete sessions (their files with them).

Every call works on one clinician's rows only (``owner``; ``None``: the command line's) and raises
:class:`~hiprom.errors.BadInputError` for a row that is not theirs. Deleting removes the files the
results name (annotated video, key frames, plots) and, for clips uploaded to the web app, the
upload and the job's folder, but only inside ``data_dir``: a folder the command line wrote for the
user stays theirs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from hiprom.errors import BadInputError
from hiprom.store.db import Store
from hiprom.store.models import Athlete, Job, Result, TestSession
from hiprom.store.records import clean_name, owned_by, owns

__all__ = ["delete_athlete", "delete_session", "merge_athletes", "rename_athlete", "session_owner"]


def _athlete(s, athlete_id: int, owner: int | None) -> Athlete:
    athlete = s.get(Athlete, athlete_id)
    if not owns(s, athlete, owner):
        raise BadInputError(f"no athlete {athlete_id} of yours in the store")
    return athlete


def rename_athlete(store: Store, athlete_id: int, new_name: str, owner: int | None = None) -> str:
    """Give the athlete another name (tidied); a name another of the owner's athletes has is refused
    (merge them instead). Returns the new name."""
    name = clean_name(new_name)
    with store.transaction() as s:
        athlete = _athlete(s, athlete_id, owner)
        other = s.scalar(select(Athlete.id).where(Athlete.name == name, owned_by(owner)))
        if other is not None and other != athlete.id:
            raise BadInputError(f"another athlete is called {name!r}: merge the two instead")
        athlete.name = name
    return name


def merge_athletes(store: Store, source_id: int, target_id: int, owner: int | None = None) -> int:
    """Move every session of athlete ``source_id`` to ``target_id`` and remove the source; returns how
    many sessions moved."""
    if source_id == target_id:
        raise BadInputError("choose two different athletes to merge")
    with store.transaction() as s:
        source, target = _athlete(s, source_id, owner), _athlete(s, target_id, owner)
        moved = list(source.sessions)
        for session in moved:
            session.athlete_id = target.id
        s.flush()
        s.expire(source)
        s.delete(source)
    return len(moved)


def session_owner(store: Store, session_id: int) -> tuple[int | None, int] | None:
    """(clinician id, athlete id) of a session, or None when there is no such session."""
    with store.transaction() as s:
        row = s.execute(select(Athlete.clinician_id, Athlete.id).join(TestSession)
                        .where(TestSession.id == session_id)).first()  # fmt: skip
    return None if row is None else (row[0], row[1])


def delete_session(
    store: Store, session_id: int, owner: int | None = None, data_dir: Path | None = None
) -> int:
    """Delete one session with its results and their files (inside ``data_dir``); returns how many
    files and folders were removed."""
    with store.transaction() as s:
        session = s.get(TestSession, session_id)
        if session is None or not owns(s, session.athlete, owner):
            raise BadInputError(f"no session {session_id} of yours in the store")
        doomed = _files_of(s, list(session.results), owner)
        s.delete(session)
    return _remove(doomed, data_dir)


def delete_athlete(
    store: Store, athlete_id: int, owner: int | None = None, data_dir: Path | None = None
) -> int:
    """Delete the athlete, every session and result and their files (inside ``data_dir``); returns how
    many files and folders were removed."""
    with store.transaction() as s:
        athlete = _athlete(s, athlete_id, owner)
        doomed = _files_of(s, [r for v in athlete.sessions for r in v.results], owner)
        s.delete(athlete)
    return _remove(doomed, data_dir)


def _files_of(s, results: list[Result], owner: int | None) -> list[Path]:
    """The files the results name, and the web jobs (rows deleted here) that made them: upload, folder."""
    paths = [Path(p) for r in results for p in (r.artefacts or {}).values() if p]
    names = {r.clip_name for r in results if r.clip_name}
    if owner is not None and names:
        for job in s.scalars(select(Job).where(Job.clinician_id == owner)).all():
            if Path(job.upload_path).name in names:
                paths += [Path(job.upload_path), Path(job.out_dir)]
                s.delete(job)
    return paths


def _remove(paths: list[Path], data_dir: Path | None) -> int:
    if data_dir is None:
        return 0
    root, removed = Path(data_dir).resolve(), 0
    for path in paths:
        path = path.resolve()
        if root not in path.parents or not path.exists():
            continue  # only what the app stored; the command line's output folders stay the user's
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed += 1
    return removed
