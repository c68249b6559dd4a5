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
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from hiprom import protocols
from hiprom.errors import HipromError
from hiprom.store.db import Store, open_store
from hiprom.store.jobs import claim_job, create_job, get_job, release_stale_jobs, set_job

__all__ = ["RQRunner", "ThreadRunner", "create_job", "recover", "run_job"]

HEARTBEAT_S = 3.0
#: Address space one analysis process may use (MB): MediaPipe reserves about 1.6 GB of it on a 720p clip
#: (322 MB resident), so 4 GB leaves room for long 1080p clips while one bad upload cannot take the machine.
JOB_MEMORY_MB = 4096
OUT_OF_MEMORY = ("the analysis needed more memory than one job may use; try a shorter clip or a lower "
                 "resolution (the server's job memory limit)")  # fmt: skip
log = logging.getLogger("hiprom.web.jobs")


def _out_of_address_space(exc: BaseException) -> bool:
    """A failure to map or allocate memory (under the job memory limit a library's import fails so)."""
    text = str(exc).lower()
    return any(s in text for s in ("failed to map segment", "cannot allocate memory", "out of memory"))


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
        except MemoryError:  # the job's memory limit (ThreadRunner): this clip, not the server, gives up
            set_job(store, job_id, status="failed", message=OUT_OF_MEMORY)
            return "failed"
        except (ImportError, OSError) as exc:
            if not _out_of_address_space(exc):
                raise
            set_job(store, job_id, status="failed", message=OUT_OF_MEMORY)  # a library could not be mapped
            return "failed"
        except Exception as exc:  # the job must end in a state, whatever happened
            set_job(store, job_id, status="failed",
                    message=f"internal error ({type(exc).__name__}); see the server log")  # fmt: skip
            raise
        except BaseException:  # interrupted (a worker stopped; a library aborting under the memory limit)
            set_job(store, job_id, status="failed",
                    message="the analysis was interrupted (its worker was stopped, or it went beyond the "
                    "job memory limit); upload the clip again")  # fmt: skip
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

    options = protocols.get(params["test"]).options(
        params.get("position"), params.get("side"), params.get("marker", "auto")
    )
    # the duration limit on the decoded frames; the pose pass's processes as the app shares its cores
    capture = Capture(max_duration_s=params.get("max_duration_s"), jobs=params.get("pose_jobs", 1))
    outputs = protocols.Outputs(blur_faces=params.get("blur_faces", True))  # faces blurred unless asked
    run = analyze(job.upload_path, job.out_dir, options, capture=capture, progress=progress, outputs=outputs)
    set_job(store, job.id, progress=0.95, message="recording the result")
    date = parse_date(params.get("session_date"))
    record(
        run, params["athlete"], store=store, date=date, notes=params.get("notes", ""), owner=job.clinician_id
    )
    return run


def _limit_memory(memory_mb: int) -> None:
    """In each job process: cap its address space, so a runaway analysis fails alone (MemoryError)."""
    import resource

    if memory_mb > 0:
        limit = memory_mb * (1 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class ThreadRunner:
    """The default: jobs in worker processes beside the web server, and a sweeper for stalled jobs.

    Each worker process (``workers`` of them, started fresh, not forked from
    the server) runs :func:`run_job` under an address-space limit of
    ``memory_mb`` (0: none), so one clip that needs too much memory fails with
    a clear message instead of taking the server and everyone's jobs down; a
    worker that dies outright fails its job and is replaced. The sweeper
    (every ``sweep_s``) re-queues a job whose heartbeat stopped
    (:func:`recover`), then fails it.
    """

    name = "thread"

    def __init__(self, db_url: str, workers: int = 1, sweep_s: float = 10.0, memory_mb: int = JOB_MEMORY_MB):
        self.db_url, self.workers, self.memory_mb = db_url, workers, memory_mb
        self._lock = threading.Lock()
        self.pool = self._new_pool()
        self._stop = threading.Event()
        self._sweeper = threading.Thread(
            target=self._sweep, args=(sweep_s,), daemon=True, name="hiprom-sweeper"
        )
        self._sweeper.start()

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")  # nothing of the server's threads or sockets
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=_limit_memory,
                                   initargs=(self.memory_mb,))  # fmt: skip

    def submit(self, job_id: str) -> None:
        with self._lock:
            try:
                pool = self.pool
                future = pool.submit(run_job, job_id, self.db_url)
            except BrokenProcessPool:
                pool = self.pool = self._new_pool()
                future = pool.submit(run_job, job_id, self.db_url)
        future.add_done_callback(lambda f: self._report(f, job_id, pool))

    def _report(self, future, job_id: str, pool: ProcessPoolExecutor) -> None:
        if future.cancelled() or (exc := future.exception()) is None:
            return
        if isinstance(exc, BrokenProcessPool):  # a worker died (killed, or beyond its memory limit)
            self._after_a_dead_worker(job_id, pool)
            return
        log.error("analysis job crashed", exc_info=exc)

    def _after_a_dead_worker(self, job_id: str, pool: ProcessPoolExecutor) -> None:
        """The job the dead worker was running fails; the ones still queued behind it run again."""
        with self._lock:
            if self._stop.is_set():
                return
            if self.pool is pool:  # the first report of this pool's death replaces it
                pool.shutdown(wait=False, cancel_futures=True)
                self.pool = self._new_pool()
        store = open_store(self.db_url)
        try:
            job = get_job(store, job_id)
            if job is not None and job.status == "running":
                set_job(store, job_id, status="failed",
                        message=f"the analysis process ended abruptly: {OUT_OF_MEMORY}")  # fmt: skip
                log.error("analysis worker died on job %s", job_id)
            elif job is not None and job.status == "queued":
                self.submit(job_id)
        finally:
            store.close()

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
        with self._lock:
            self.pool.shutdown(wait=True, cancel_futures=True)


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
