"""Analysis jobs: a row in the store per upload, run outside the request by a pluggable runner.

The job function :func:`run_job` is the same everywhere: the in-process pool
(default, nothing to install) and an RQ worker on Redis (``--jobs rq``; run
``hiprom worker``) both call it with the job's id. The ``jobs`` table is the
source of truth: a job is queued, running (with a heartbeat every few
seconds), done or failed; :func:`recover` re-queues a job whose heartbeat
stopped (its worker died) or marks it failed after ``max_attempts``, so no job
is silently dropped, and a finished job is never run twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select, update

from hiprom.errors import HipromError
from hiprom.store.db import Store, open_store
from hiprom.store.models import Job

__all__ = ["RQRunner", "ThreadRunner", "create_job", "recover", "run_job"]

HEARTBEAT_S = 3.0
log = logging.getLogger("hiprom.web.jobs")


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


def _set(store: Store, job_id: str, **values) -> None:
    with store.transaction() as s:
        s.execute(update(Job).where(Job.id == job_id).values(updated_at=_now(), **values))


def run_job(job_id: str, db_url: str) -> str:
    """Analyse one job's clip, record the result under its athlete, and mark the job done or failed.

    Returns the final status. Safe to call again for the same job: a done job
    is left alone, and re-recording a clip replaces its earlier results.
    """
    from hiprom.pipeline import analyze
    from hiprom.store.records import parse_date, record_analysis

    store = open_store(db_url)
    try:
        with store.transaction() as s:
            # claim the job: only a queued job moves to running, so a job submitted twice runs once
            claimed = s.execute(
                update(Job).where(Job.id == job_id, Job.status == "queued")
                .values(status="running", attempts=Job.attempts + 1, updated_at=_now(), progress=0.0,
                        message="finding the body in each frame")
            ).rowcount  # fmt: skip
            job = s.get(Job, job_id)
            if job is None:
                return "missing"
            if not claimed:
                return job.status  # done, failed, or running elsewhere
            params, upload, out_dir, owner = dict(job.params), job.upload_path, job.out_dir, job.clinician_id
        stop = threading.Event()

        def heartbeat() -> None:
            while not stop.wait(HEARTBEAT_S):
                _set(store, job_id)

        beat = threading.Thread(target=heartbeat, daemon=True)
        beat.start()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            fraction = 0.9 * done / max(total, 1)
            if fraction - last[0] >= 0.02 or done == total:
                last[0] = fraction
                _set(store, job_id, progress=fraction)

        try:
            run = analyze(upload, out_dir, test=params["test"], position=params.get("position"),
                          side=params.get("side"), max_people=1, progress=progress)  # fmt: skip
            _set(store, job_id, progress=0.95, message="recording the result")
            record_analysis(store, params["athlete"], run.document, run.paths,
                            date=parse_date(params.get("session_date")), notes=params.get("notes", ""),
                            owner=owner)  # fmt: skip
            _set(store, job_id, status="done", progress=1.0, message="done", result=run.document)
            return "done"
        except HipromError as exc:
            _set(store, job_id, status="failed", message=str(exc))
            return "failed"
        except Exception as exc:  # the job must end in a state, whatever happened
            _set(
                store,
                job_id,
                status="failed",
                message=f"internal error ({type(exc).__name__}); see the server log",
            )
            raise
        finally:
            stop.set()
    finally:
        store.close()


class ThreadRunner:
    """The default: a pool of threads in the web server's process, and a sweeper for stalled jobs.

    The sweeper (every ``sweep_s``) re-queues a job whose heartbeat stopped
    (:func:`recover`), so a job whose thread died is retried, then failed.
    """

    name = "thread"

    def __init__(self, db_url: str, workers: int = 1, sweep_s: float = 10.0):
        self.db_url = db_url
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hiprom-job")
        self._stop = threading.Event()
        self._sweeper = threading.Thread(
            target=self._sweep, args=(sweep_s,), daemon=True, name="hiprom-sweeper"
        )
        self._sweeper.start()

    def submit(self, job_id: str) -> None:
        future = self.pool.submit(run_job, job_id, self.db_url)
        future.add_done_callback(self._report)

    @staticmethod
    def _report(future) -> None:
        if (exc := future.exception()) is not None:
            log.error("analysis job crashed", exc_info=exc)

    def _sweep(self, every_s: float) -> None:
        store = open_store(self.db_url)
        try:
            while not self._stop.wait(every_s):
                try:
                    recover(store, self, stale_after_s=max(30.0, 5 * HEARTBEAT_S))
                except Exception:  # keep sweeping; say why
                    log.exception("job sweeper")
        finally:
            store.close()

    def shutdown(self) -> None:
        self._stop.set()
        self.pool.shutdown(wait=False, cancel_futures=True)


class RQRunner:
    """Jobs on an RQ queue in Redis; ``hiprom worker --redis URL`` (or ``rq worker hiprom``) runs them."""

    name = "rq"

    def __init__(self, db_url: str, redis_url: str, queue: str = "hiprom"):
        from redis import Redis
        from rq import Queue

        self.db_url = db_url
        self.queue = Queue(queue, connection=Redis.from_url(redis_url))

    def submit(self, job_id: str) -> None:
        self.queue.enqueue(run_job, job_id, self.db_url, job_timeout=3600, result_ttl=3600, failure_ttl=86400)

    def shutdown(self) -> None:
        self.queue.connection.close()


def recover(store: Store, runner, *, stale_after_s: float = 60.0, max_attempts: int = 2,
            orphan_running: bool = False) -> dict[str, list[str]]:  # fmt: skip
    """Re-queue jobs whose worker died (no heartbeat for ``stale_after_s``); fail them after ``max_attempts``.

    ``orphan_running``: every running job is an orphan and every queued job
    must be submitted again (the in-process pool after a restart). A job
    submitted twice still runs once (:func:`run_job` claims it). Returns the
    ids re-queued and failed.
    """
    cutoff = _now() - dt.timedelta(seconds=stale_after_s)
    requeued, failed = [], []
    with store.transaction() as s:
        running = select(Job).where(Job.status == "running")
        if not orphan_running:
            running = running.where(Job.updated_at < cutoff)
        for job in s.scalars(running):
            if job.attempts >= max_attempts:
                job.status, job.message = (
                    "failed",
                    f"the analysis stopped {job.attempts} times (worker lost); upload again",
                )
                failed.append(job.id)
            else:
                job.status, job.message, job.progress = "queued", "re-queued after the worker stopped", 0.0
                requeued.append(job.id)
            job.updated_at = _now()
        resubmit = []
        if orphan_running:  # the in-process pool restarted: its queue is gone with the old process
            resubmit = [
                j for j in s.scalars(select(Job.id).where(Job.status == "queued")) if j not in requeued
            ]
    for job_id in requeued + resubmit:
        runner.submit(job_id)
    return {"requeued": requeued + resubmit, "failed": failed}
