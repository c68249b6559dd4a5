"""A web job beyond its memory limit fails alone, with a clear message; the server and the next job go on."""

from __future__ import annotations

import pytest

from tests.webclient import sign_in, upload, wait_for_job

pytestmark = pytest.mark.slow


@pytest.fixture
def tight_app(tmp_path):
    from hiprom.web.app import create_app
    from hiprom.web.auth import add_clinician

    # 600 MB of address space: less than the pose model alone reserves (about 1.6 GB), so every job
    # here goes beyond it, as a decompression bomb or a very long clip would under the real limit
    app = create_app(tmp_path / "web", max_upload_mb=5, max_duration_s=60.0, job_memory_mb=600)
    add_clinician(app.extensions["hiprom"]["store"], "ana", "ana-password-1")
    yield app
    app.extensions["hiprom"]["runner"].shutdown()
    app.extensions["hiprom"]["store"].close()


def test_a_job_beyond_the_memory_limit_fails_alone(tight_app, samples_dir):
    client = tight_app.test_client()
    sign_in(client, "ana", "ana-password-1")
    jobs = []
    for _ in range(2):  # the second runs after the first's worker gave up (or died and was replaced)
        response = upload(client, samples_dir / "ir_seated_left.mp4")
        assert response.status_code == 303
        jobs.append(response.headers["Location"].rsplit("/", 1)[1])
    for job_id in jobs:
        state = wait_for_job(client, job_id, timeout_s=180)
        assert state["status"] == "failed" and "memory" in state["message"], state
    assert client.get("/").status_code == 200  # the server itself is untouched


def test_the_cli_default_is_the_servers():
    from hiprom.cli.main import build_parser
    from hiprom.web.jobs import JOB_MEMORY_MB

    args = build_parser().parse_args(["serve"])
    assert args.job_memory_mb == JOB_MEMORY_MB
