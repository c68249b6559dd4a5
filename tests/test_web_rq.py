"""The web app's jobs on a real Redis server with RQ workers: done once, and a killed worker's job retried."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from hiprom.store.models import Job, Result
from hiprom.web import jobs as jobs_module
from tests.webclient import sign_in, upload

pytestmark = pytest.mark.slow


def _worker(data_dir, redis_url, *extra) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "hiprom",
        "worker",
        "--data-dir",
        str(data_dir),
        "--redis",
        redis_url,
        *extra,
    ]
    # a landmark cache of its own: a cache hit would finish the job before it could be killed mid-way
    env = {**os.environ, "HIPROM_CACHE_DIR": str(data_dir / "worker-cache")}
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)


def _job(store, job_id) -> Job:
    with store.transaction() as s:
        return s.get(Job, job_id)


def test_rq_worker_runs_the_job_and_a_killed_worker_is_retried(tmp_path, redis_url, samples_dir):
    from hiprom.web.app import create_app
    from hiprom.web.auth import add_clinician

    data_dir = tmp_path / "web"
    app = create_app(data_dir, jobs="rq", redis_url=redis_url)
    store = app.extensions["hiprom"]["store"]
    add_clinician(store, "ana", "ana-password-1")
    client = app.test_client()
    sign_in(client, "ana", "ana-password-1")
    first = upload(client, samples_dir / "ir_seated_left.mp4", session_date="2026-10-01")
    second = upload(client, samples_dir / "ir_seated_left_followup.mp4", session_date="2026-10-22")
    ids = [r.headers["Location"].rsplit("/", 1)[1] for r in (first, second)]
    assert [_job(store, i).status for i in ids] == ["queued", "queued"]

    # a worker takes the first job; kill it in the middle of the analysis
    worker = _worker(data_dir, redis_url)
    try:
        deadline = time.monotonic() + 180
        while not (_job(store, ids[0]).status == "running" and _job(store, ids[0]).progress > 0.2):
            assert worker.poll() is None, worker.stderr.read()
            job = _job(store, ids[0])
            assert job.status in ("queued", "running"), (
                f"job {job.status} before it could be killed: {job.message}"
            )
            assert time.monotonic() < deadline, f"the worker never got far into the job ({job.status})"
            time.sleep(0.1)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate(timeout=10)
    assert _job(store, ids[0]).status == "running"  # nobody will finish it: the heartbeat stops
    time.sleep(2 * jobs_module.HEARTBEAT_S + 0.5)
    runner = app.extensions["hiprom"]["runner"]
    recovered = jobs_module.recover(store, runner, stale_after_s=2 * jobs_module.HEARTBEAT_S)
    assert recovered["requeued"] == [ids[0]] and recovered["failed"] == []

    # a fresh worker drains the queue: both jobs done, each recorded exactly once
    done = _worker(data_dir, redis_url, "--burst")
    _, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    jobs = [_job(store, i) for i in ids]
    assert [j.status for j in jobs] == ["done", "done"], [j.message for j in jobs]
    assert jobs[0].attempts == 2 and jobs[1].attempts == 1
    with store.transaction() as s:
        per_clip = dict(
            s.execute(select(Result.clip_sha256, func.count()).group_by(Result.clip_sha256)).all()
        )
    assert sorted(per_clip.values()) == [1, 1]
    # running a finished job again changes nothing
    assert jobs_module.run_job(ids[0], store.url) == "done"
    state = client.get(f"/api/jobs/{ids[0]}").get_json()
    assert state["status"] == "done"
    app.extensions["hiprom"]["runner"].shutdown()


def test_a_job_that_keeps_killing_its_worker_is_marked_failed(tmp_path):
    from hiprom.store.db import open_store
    from hiprom.web.auth import add_clinician

    store = open_store(f"sqlite:///{tmp_path / 'h.sqlite3'}")
    owner = add_clinician(store, "ana", "ana-password-1")
    job_id = jobs_module.create_job(store, owner, tmp_path / "clip.mp4", tmp_path / "results",
                                    {"athlete": "Sam", "test": "hip-ir", "position": "seated"})  # fmt: skip
    with store.transaction() as s:
        job = s.get(Job, job_id)
        job.status, job.attempts = "running", 2

    class Nothing:
        def __init__(self):
            self.submitted = []

        def submit(self, job_id):
            self.submitted.append(job_id)

    runner = Nothing()
    outcome = jobs_module.recover(store, runner, stale_after_s=0.0)
    assert outcome == {"requeued": [], "failed": [job_id]} and runner.submitted == []
    assert "stopped 2 times" in _job(store, job_id).message
    store.close()
