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

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from hiprom import protocols
from hiprom.errors import HipromError
from hiprom.store.db import Store, open_store
from hiprom.store.jobs import claim_job, create_job, release_stale_jobs, set_job

__all__ = ["RQRunner", "ThreadRunner", "create_job", "recover", "run_job"]

HEARTBEAT_S = 3.0
log = logging.getLogger("hiprom.web.jobs")


def run_job(job_id: str, db_url: str) -> str:
    """Analyse one job's clip, record the result under its athlete, and mark the job done or failed.

    Returns the final status. Safe to call again for the same job: a done job
    is left alone, and re-recording a clip replaces its earlier results. The
    analysis runs with the same settings as the command line (one clip, one answer).
    """
    store = open_store(db_url)
    try:
        status, job = claim_job(store, job_id, "finding the body in each frame")
        if status != "claimed":
            return status  # missing, done, failed, or running elsewhere
        stop = threading.Event()

        def heartbeat() -> None:
            while not stop.wait(HEARTBEAT_S):
                set_job(store, job_id)

        threading.Thread(target=heartbeat, daemon=True).start()
        try:
            run = _analyse(store, job)
            set_job(store, job_id, status="done", progress=1.0, message="done", result=run.document)
            return "done"
        except HipromError as exc:
            set_job(store, job_id, status="failed", message=str(exc))
            return "failed"
        except Exception as exc:  # the job must end in a state, whatever happened
            set_job(store, job_id, status="failed",
                    message=f"internal error ({type(exc).__name__}); see the server log")  # fmt: skip
            raise
        finally:
            stop.set()
    finally:
        store.close()


def _analyse(store: Store, job):
    """The pipeline on one job's clip (progress into the job row), then its result recorded."""
    from hiprom.dates import parse_date
    from hiprom.pipeline import Capture, analyze, record

    params, last = dict(job.params), [0.0]

    def progress(done: int, total: int) -> None:
        fraction = 0.9 * done / max(total, 1)
        if fraction - last[0] >= 0.02 or done == total:
            last[0] = fraction
            set_job(store, job.id, progress=fraction)

    options = protocols.get(params["test"]).options(params.get("position"), params.get("side"))
    capture = Capture(max_duration_s=params.get("max_duration_s"))  # the limit, on the decoded frames
    run = analyze(job.upload_path, job.out_dir, options, capture=capture, progress=progress)
    set_job(store, job.id, progress=0.95, message="recording the result")
    date = parse_date(params.get("session_date"))
    record(
        run, params["athlete"], store=store, date=date, notes=params.get("notes", ""), owner=job.clinician_id
    )
    return run


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
    submit, failed = release_stale_jobs(
        store, stale_after_s=stale_after_s, max_attempts=max_attempts, orphan_running=orphan_running
    )
    for job_id in submit:
        runner.submit(job_id)
    return {"requeued": submit, "failed": failed}
