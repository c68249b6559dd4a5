"""``hiprom serve``, ``hiprom adduser`` and ``hiprom worker``: the web app from the command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

__all__ = ["add_web_parsers", "default_data_dir"]


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("HIPROM_WEB_DIR") or Path(user_data_dir("hiprom", appauthor=False)) / "web")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir", type=Path, help="uploads, results and the secret key (default: user data dir/web)"
    )
    p.add_argument(
        "--db", metavar="URL",
        help="database URL (default: $HIPROM_DB, else the command line's store in the user data folder, so "
        "both see the same athletes; a <data dir>/hiprom.sqlite3 from an older release is kept)",
    )  # fmt: skip


def add_web_parsers(sub) -> None:
    p = sub.add_parser(
        "serve", help="the web app: upload clips from a browser, review results, compare sessions"
    )
    _common(p)
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (0.0.0.0 for the clinic's network)"
    )
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--jobs",
        choices=["thread", "rq"],
        default="thread",
        help="where analyses run: an in-process pool (default) or RQ workers on Redis",
    )
    p.add_argument("--workers", type=int, default=1, help="analyses at a time (thread jobs)")
    p.add_argument(
        "--job-memory-mb", type=int, default=4096,
        help="address space one analysis may use (thread jobs; 0: no limit); beyond it the job fails alone",
    )  # fmt: skip
    p.add_argument("--redis", metavar="URL", help="Redis URL for --jobs rq (e.g. redis://localhost:6379/0)")
    p.add_argument("--max-upload-mb", type=int, default=200)
    p.add_argument("--clinic", help="the clinic's name, for the reports' header")
    p.add_argument("--max-duration-s", type=float, default=120.0)
    p.add_argument(
        "--secure-cookies", action="store_true", help="behind HTTPS: send the session cookie only over it"
    )
    p.set_defaults(func=_cmd_serve)
    p = sub.add_parser("adduser", help="create a clinician account for the web app (password from stdin)")
    p.add_argument("username")
    _common(p)
    p.set_defaults(func=_cmd_adduser)
    p = sub.add_parser("worker", help="run web-app analyses from the Redis queue (with serve --jobs rq)")
    _common(p)
    p.add_argument("--redis", metavar="URL", required=True)
    p.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    p.set_defaults(func=_cmd_worker)


def _db(args) -> str:
    """The web app's database: ``--db``, else the command line's store (one store by default), unless
    the data folder holds its own database from an older release."""
    from hiprom.store.db import default_url

    data_dir = (args.data_dir or default_data_dir()).resolve()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if args.db:
        return args.db
    own = data_dir / "hiprom.sqlite3"
    return f"sqlite:///{own}" if own.is_file() and "HIPROM_DB" not in os.environ else default_url()


def _cmd_adduser(args) -> int:
    import getpass

    from hiprom.store.db import open_store
    from hiprom.web.auth import add_clinician

    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            from hiprom.errors import BadInputError

            raise BadInputError("the passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    from hiprom.store.accounts import LOCAL_CLINICIAN

    store = open_store(_db(args))
    try:
        add_clinician(store, args.username, password)
    finally:
        store.close()
    if args.username == LOCAL_CLINICIAN:
        print(f"{LOCAL_CLINICIAN}: signed in as {LOCAL_CLINICIAN}, the web shows the command line's athletes")
    else:
        print(f"created {args.username}")
    return 0


def _cmd_serve(args) -> int:
    from sqlalchemy.engine import make_url

    from hiprom.web.app import create_app

    data_dir, db_url = (args.data_dir or default_data_dir()).resolve(), _db(args)
    app = create_app(
        data_dir,
        db_url,
        jobs=args.jobs,
        workers=args.workers,
        redis_url=args.redis,
        max_upload_mb=args.max_upload_mb,
        max_duration_s=args.max_duration_s,
        secure_cookies=args.secure_cookies,
        job_memory_mb=args.job_memory_mb,
        clinic=args.clinic,
    )
    print(
        f"hiprom web app on http://{args.host}:{args.port}/ (data in {data_dir}; store "
        f"{make_url(db_url).render_as_string(hide_password=True)}; jobs: {args.jobs})",
        flush=True,
    )
    from waitress import serve

    serve(
        app, host=args.host, port=args.port, threads=8, max_request_body_size=app.config["MAX_CONTENT_LENGTH"]
    )
    return 0


def _cmd_worker(args) -> int:
    from redis import Redis
    from rq import Queue, SimpleWorker

    os.environ["HIPROM_DB"] = _db(args)
    connection = Redis.from_url(args.redis)
    worker = SimpleWorker([Queue("hiprom", connection=connection)], connection=connection)
    worker.work(burst=args.burst, with_scheduler=False)
    return 0
