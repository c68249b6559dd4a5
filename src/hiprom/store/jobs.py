"""The ``jobs`` table: a row per uploaded clip, the source of truth for the web app's analyses.

A job is queued, running (with a heartbeat), done or failed. These are the
only queries of that table; :mod:`hiprom.web.jobs` runs the jobs.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from sqlalchemy import select, update

from hiprom.store.db import Store
from hiprom.store.models import Job

__all__ = ["claim_job", "create_job", "get_job", "recent_jobs", "release_stale_jobs", "set_job"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def create_job(store: Store, clinician_id: int, upload_path: Path, out_root: Path, params: dict) -> str:
    """Record a queued job for an uploaded clip; returns its id (also its output folder's name)."""
    job_id = uuid.uuid4().hex
    with store.transaction() as s:
        out_dir = str(out_root / job_id)
        s.add(Job(id=job_id, clinician_id=clinician_id, status="queued", progress=0.0, message="queued",
                  params=params, upload_path=str(upload_path), out_dir=out_dir, attempts=0))  # fmt: skip
    return job_id


def get_job(store: Store, job_id: str, owner: int | None = None) -> Job | None:
    """A job (detached), or None when there is none or it is not ``owner``'s (when given)."""
    with store.transaction() as s:
        job = s.get(Job, job_id)
    if job is None or (owner is not None and job.clinician_id != owner):
        return None
    return job


def recent_jobs(store: Store, owner: int, limit: int = 20) -> list[Job]:
    """A clinician's latest jobs, newest first."""
    with store.transaction() as s:
        query = select(Job).where(Job.clinician_id == owner).order_by(Job.created_at.desc()).limit(limit)
        return list(s.scalars(query).all())


def done_jobs_by_clip(store: Store, owner: int) -> dict[str, str]:
    """A clinician's finished jobs by their upload's file name (a session's ``clip_name``): the job id."""
    with store.transaction() as s:
        query = select(Job.id, Job.upload_path).where(Job.clinician_id == owner, Job.status == "done")
        return {Path(path).name: job_id for job_id, path in s.execute(query).all()}


def set_job(store: Store, job_id: str, **values) -> None:
    """Update a job's columns (and its heartbeat, ``updated_at``)."""
    with store.transaction() as s:
        s.execute(update(Job).where(Job.id == job_id).values(updated_at=_now(), **values))


def claim_job(store: Store, job_id: str, message: str) -> tuple[str, Job | None]:
    """Move a queued job to running, once: ``("claimed", job)``, else ``(its status, job)``.

    Only a queued job moves, so a job submitted twice runs once. ``("missing", None)`` for no such job.
    """
    with store.transaction() as s:
        claimed = s.execute(
            update(Job).where(Job.id == job_id, Job.status == "queued")
            .values(status="running", attempts=Job.attempts + 1, updated_at=_now(), progress=0.0,
                    message=message)
        ).rowcount  # fmt: skip
        job = s.get(Job, job_id)
        if job is None:
            return "missing", None
        return ("claimed" if claimed else job.status), job


def release_stale_jobs(
    store: Store, *, stale_after_s: float, max_attempts: int, orphan_running: bool
) -> tuple[list[str], list[str]]:
    """Running jobs whose heartbeat stopped: re-queued, or failed after ``max_attempts``.

    ``orphan_running``: every running job is an orphan, and queued jobs are
    returned for submission too (the in-process pool after a restart).
    Returns (ids to submit, ids failed).
    """
    cutoff = _now() - dt.timedelta(seconds=stale_after_s)
    requeued, failed = [], []
    with store.transaction() as s:
        running = select(Job).where(Job.status == "running")
        if not orphan_running:
            running = running.where(Job.updated_at < cutoff)
        for job in s.scalars(running):
            if job.attempts >= max_attempts:
                job.status = "failed"
                job.message = f"the analysis stopped {job.attempts} times (worker lost); upload again"
                failed.append(job.id)
            else:
                job.status, job.message, job.progress = "queued", "re-queued after the worker stopped", 0.0
                requeued.append(job.id)
            job.updated_at = _now()
        resubmit = []
        if orphan_running:  # the in-process pool restarted: its queue is gone with the old process
            queued = s.scalars(select(Job.id).where(Job.status == "queued"))
            resubmit = [j for j in queued if j not in requeued]
    return requeued + resubmit, failed
