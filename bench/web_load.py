"""Load on the web app: N concurrent uploads over real HTTP; throughput, latency, no job lost or doubled.

Starts ``hiprom serve``'s app in this process on a free port (in-process job
pool with ``--workers`` threads, or ``--jobs rq`` with worker processes on a
Redis server at ``--redis``), signs in, and uploads the bundled seated IR clip
N times at once from N client threads, each for its own athlete. Reports:

- the baseline: one analysis of the same clip through ``hiprom.pipeline`` in
  this process (seconds), run before the load;
- upload latency (request sent -> job id back) and job latency (upload ->
  done), median and max; throughput in jobs/minute and its ratio to
  ``workers / baseline`` (what perfect scaling would give);
- checks: every job ends ``done``; the store holds exactly one result per
  athlete (none lost, none duplicated).

With ``--jobs rq --kill-one``, one worker process is killed (SIGKILL) while
it analyses, :func:`hiprom.web.jobs.recover` re-queues its job, and the check
above must still hold.

Usage: ``python bench/web_load.py [-n 6] [--workers 2] [--jobs thread|rq --redis URL [--kill-one]]``
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "sample_videos" / "ir_seated_left.mp4"


class Client:
    """A browser-like client: cookies, CSRF token from the form, multipart uploads (stdlib only)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=600) as r:
            return r.read().decode()

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', self.get(path)).group(1)

    def post(self, path: str, fields: dict, file: tuple[str, bytes] | None = None) -> str:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        if file:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="clip"; filename="{file[0]}"\r\n'
                "Content-Type: video/mp4\r\n\r\n".encode()
                + file[1]
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            method="POST",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with self.opener.open(request, timeout=600) as r:
            return r.geturl()


def unique_clip(data: bytes, i: int) -> bytes:
    """The clip with a trailing MP4 ``free`` box: a different file (no landmark-cache hit), the same video."""
    payload = uuid.uuid4().bytes + i.to_bytes(4, "big")
    return data + (8 + len(payload)).to_bytes(4, "big") + b"free" + payload


def baseline_s() -> float:
    """One analysis through the pipeline in this process, landmark cache off (second of two runs)."""
    from hiprom import protocols
    from hiprom.pipeline import Capture, analyze

    times = []
    for _ in range(2):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            analyze(CLIP, tmp, protocols.get("hip-ir").options("seated"), capture=Capture(use_cache=False))
            times.append(time.perf_counter() - start)
    return times[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=6, help="concurrent uploads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--jobs", choices=["thread", "rq"], default="thread")
    parser.add_argument("--redis", help="Redis URL for --jobs rq")
    parser.add_argument("--kill-one", action="store_true", help="(rq) kill a worker mid-job")
    args = parser.parse_args(argv)
    from werkzeug.serving import make_server

    from hiprom.store.records import athletes
    from hiprom.web import jobs as jobs_module
    from hiprom.web.app import create_app
    from hiprom.web.auth import add_clinician

    os.environ["HIPROM_CACHE_DIR"] = tempfile.mkdtemp(prefix="hiprom-load-cache-")
    base_s = baseline_s()
    print(f"baseline: one analysis in this process {base_s:.1f} s")
    data_dir = Path(tempfile.mkdtemp(prefix="hiprom-load-"))
    app = create_app(data_dir, jobs=args.jobs, workers=args.workers, redis_url=args.redis)
    store = app.extensions["hiprom"]["store"]
    owner = add_clinician(store, "load", "load-password-1")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    workers: list[subprocess.Popen] = []
    if args.jobs == "rq":
        cmd = [sys.executable, "-m", "hiprom", "worker", "--data-dir", str(data_dir), "--redis", args.redis]
        workers = [subprocess.Popen(cmd, stderr=subprocess.DEVNULL) for _ in range(args.workers)]
    data = CLIP.read_bytes()

    def one(i: int) -> tuple[str, float, float]:
        client = Client(base)
        client.post(
            "/login",
            {"username": "load", "password": "load-password-1", "csrf_token": client.token("/login")},
        )
        t0 = time.perf_counter()
        url = client.post(
            "/upload",
            {
                "athlete": f"Load {i:03d}",
                "test": "hip-ir",
                "position": "seated",
                "csrf_token": client.token("/"),
            },
            ("clip.mp4", data),
        )
        t_upload = time.perf_counter() - t0
        job_id = url.rsplit("/", 1)[1]
        while True:
            state = client.get(f"/api/jobs/{job_id}")
            if '"done"' in state or '"failed"' in state:
                return job_id, t_upload, time.perf_counter() - t0
            time.sleep(0.5)

    start = time.perf_counter()
    killer = None
    if args.kill_one and workers:

        def kill_when_busy():
            from sqlalchemy import func, select

            from hiprom.store.models import Job

            busy = select(func.count()).where(Job.status == "running", Job.progress > 0.2)
            while True:
                with store.transaction() as s:
                    if s.scalar(busy):
                        break
                time.sleep(0.2)
            os.kill(workers[0].pid, signal.SIGKILL)
            print("killed one worker mid-job")
            time.sleep(2 * jobs_module.HEARTBEAT_S + 1)
            print(
                "recovered:",
                jobs_module.recover(
                    store, app.extensions["hiprom"]["runner"], stale_after_s=2 * jobs_module.HEARTBEAT_S
                ),
            )

        killer = threading.Thread(target=kill_when_busy, daemon=True)
        killer.start()
    with ThreadPoolExecutor(args.n) as pool:
        results = list(pool.map(one, range(args.n)))
    wall = time.perf_counter() - start
    server.shutdown()
    for w in workers:
        w.terminate()
    ups = [r[1] for r in results]
    done = [r[2] for r in results]
    print(
        f"{args.n} uploads, {args.workers} {args.jobs} worker(s): wall {wall:.1f} s, "
        f"throughput {60 * args.n / wall:.1f} jobs/min (ideal {60 * args.workers / base_s:.1f}; "
        f"ratio {args.n / wall / (args.workers / base_s):.2f})"
    )
    print(
        f"upload latency median {statistics.median(ups):.2f} s, max {max(ups):.2f} s; "
        f"job latency median {statistics.median(done):.1f} s, max {max(done):.1f} s"
    )
    from sqlalchemy import select

    from hiprom.store.models import Job

    with store.transaction() as s:
        statuses = [j.status for j in s.scalars(select(Job))]
    recorded = athletes(store, owner)
    ok = statuses.count("done") == args.n and len(recorded) == args.n and all(n == 1 for _, n, _ in recorded)
    with store.transaction() as s:
        from hiprom.store.models import Result

        n_results = s.query(Result).count()
    ok = ok and n_results == args.n
    print(
        f"jobs done {statuses.count('done')}/{args.n}, results stored {n_results} (one per athlete): "
        + ("OK - none lost, none duplicated" if ok else "FAILED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
