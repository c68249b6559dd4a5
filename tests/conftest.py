"""Shared fixtures: where the reference clips are, and the real-model runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HIPROM_SHARED_DIR", ROOT.parent / "shared"))
SAMPLE_DATA = SHARED / "sample_data"


@pytest.fixture(scope="module")
def stiff(samples_dir):
    """The stiff sample's truth (per-frame arrays) and summary: left knee-to-chest, onset at 93 deg."""
    import json

    from hiprom.synth.truthfile import load_truth

    truth = load_truth(samples_dir / "k2c_left_early_tilt.truth.csv")
    summary = json.loads((samples_dir / "k2c_left_early_tilt.truth.json").read_text())
    return truth, summary


def shared_clip(relpath: str) -> Path:
    """Path of a reference clip under ../shared/sample_data, or skip with the reason."""
    path = SAMPLE_DATA / relpath
    if not path.is_file():
        pytest.skip(f"reference clip {path} is absent (../shared is not beside this checkout)")
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Never read or write the user's real landmark cache."""
    monkeypatch.setenv("HIPROM_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="session")
def real_runs():
    """Real-model landmark series of the reference clips, computed once per session."""
    from hiprom.capture.pose import extract_landmarks

    cache: dict[tuple, object] = {}

    def get(path: Path, **kwargs):
        key = (str(path), tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = extract_landmarks(path, **kwargs)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The bundled synthetic sample clips (committed)."""
    return ROOT / "sample_videos"


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path, monkeypatch):
    """Never read or write the user's real athlete store."""
    monkeypatch.setenv("HIPROM_DB", f"sqlite:///{tmp_path / 'store.sqlite3'}")


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def postgres_url():
    """A real, throwaway PostgreSQL server (Debian's postgresql package), or $HIPROM_TEST_PG_URL.

    Started once per test session on a free loopback port with trust
    authentication in a temporary data directory, stopped at the end.
    Skips, saying why, where no server binaries exist (``.ci/run`` installs them).
    """
    import shutil
    import socket
    import subprocess

    if url := os.environ.get("HIPROM_TEST_PG_URL"):
        yield url
        return
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (apt install postgresql; .ci/run does)")
    import tempfile

    # not under pytest's tmp dirs: they are private to this user, and the server runs as "postgres"
    root = Path(tempfile.mkdtemp(prefix="hiprom-test-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = lambda *cmd: subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o",
        f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start")  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """Each store test runs on SQLite and on a real PostgreSQL server (a fresh database each time)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hiprom.sqlite3'}"
    import uuid

    from sqlalchemy import create_engine, text

    base = request.getfixturevalue("postgres_url")
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.rsplit("/", 1)[0] + f"/{name}"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url():
    """A real Redis server (Debian's redis-server, installed by .ci/run), or $HIPROM_TEST_REDIS_URL."""
    import shutil
    import subprocess
    import time

    if url := os.environ.get("HIPROM_TEST_REDIS_URL"):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not found (apt install redis-server; .ci/run does)")
    port = _free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    from redis import Redis

    client = Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except Exception:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.05)
    client.close()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def web_app(tmp_path):
    """The web app on a fresh data folder, with two clinicians (ana, ben) and its test client."""
    from hiprom.web.app import create_app
    from hiprom.web.auth import add_clinician

    app = create_app(tmp_path / "web", max_upload_mb=5, max_duration_s=60.0)
    store = app.extensions["hiprom"]["store"]
    add_clinician(store, "ana", "ana-password-1")
    add_clinician(store, "ben", "ben-password-1")
    yield app
    app.extensions["hiprom"]["runner"].shutdown()
    store.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (``CI=true``) a test that skips (a missing server, browser or ../shared) fails instead:
    CI always has them, so a skip there hides a broken set-up."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI", "").lower() == "true" and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be missing: {reason}"
