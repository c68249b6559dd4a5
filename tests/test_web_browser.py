"""End to end in a real headless Chromium (Debian's, driven by Playwright): sign in, upload, wait, read.

Screenshots are kept in ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]  # fmt: skip


@pytest.fixture
def server(web_app):
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, web_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(10)


@pytest.fixture
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Chromium not found (apt install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


# the test server (werkzeug's) leaves a streamed video file to the garbage collector when the browser drops
# the connection mid-range (leaving a page that plays two videos); the app's own server is waitress
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_sign_in_upload_and_read_the_result(server, browser, samples_dir):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 412, "height": 915})  # a phone-sized window
    page.goto(server + "/")
    assert "/login" in page.url
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "wrong password")
    page.click("#sign-in")
    assert page.inner_text(".error") == "wrong username or password"
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "ana-password-1")
    page.click("#sign-in")
    page.wait_for_selector("#upload-form")
    page.screenshot(path=str(ARTIFACTS / "web-1-upload.png"), full_page=True)
    page.fill("input[name=athlete]", "Sam Runner")
    page.select_option("#test", "hip-ir")
    page.set_input_files("#clip", str(samples_dir / "ir_seated_left.mp4"))
    page.click("#analyse")  # no position yet: said at once, before any upload, and nothing is cleared
    assert page.inner_text("#form-error") == "choose the position of the hip-rotation test"
    assert "/jobs/" not in page.url and page.input_value("input[name=athlete]") == "Sam Runner"
    assert page.is_checked("#blur-faces")  # faces are blurred unless the clinician says otherwise
    page.select_option("#position", "seated")
    page.click("#analyse")
    page.wait_for_selector("#progress")  # the live progress page
    page.screenshot(path=str(ARTIFACTS / "web-2-progress.png"))
    page.wait_for_selector("#numbers", timeout=300_000)
    page.screenshot(path=str(ARTIFACTS / "web-3-result.png"), full_page=True)
    ir = float(page.inner_text('.value[data-measure="peak_ir_deg"][data-side="left"]'))
    er = float(page.inner_text('.value[data-measure="peak_er_deg"][data-side="left"]'))
    assert abs(ir - 18.0) <= 5.0 and abs(er - 35.0) <= 5.0  # the clip's truth, within the benchmark's spread
    assert "LIMITED" in page.inner_text("#numbers")
    loaded = (
        "() => { const v = document.querySelector('video'); return v.readyState >= 1 || "
        "new Promise(r => v.addEventListener('loadedmetadata', () => r(true))); }"
    )
    ready = page.evaluate(loaded)
    assert ready  # the annotated H.264 video loads in the browser
    result_url = page.url
    page.click("text=History and comparison")
    page.wait_for_selector("#comparison")
    assert "internal rotation" in page.inner_text("#comparison")
    page.screenshot(path=str(ARTIFACTS / "web-4-athlete.png"), full_page=True)
    athlete_url = page.url
    page.click("#sessions a")  # a session in the history opens its result
    page.wait_for_selector("#numbers")
    assert page.url == result_url
    # a second session, then both videos side by side, played in step
    page.goto(server + "/")
    page.fill("input[name=athlete]", "Sam Runner")
    page.select_option("#test", "hip-ir")
    page.select_option("#position", "seated")
    page.fill("input[name=session_date]", "2026-10-22")
    page.set_input_files("#clip", str(samples_dir / "ir_seated_left_followup.mp4"))
    page.click("#analyse")
    page.wait_for_selector("#numbers", timeout=300_000)
    page.goto(athlete_url)
    page.click("#compare-videos")
    page.wait_for_selector("#side-by-side")
    compare_url = page.url
    page.evaluate(
        "() => Promise.all(Array.from(document.querySelectorAll('video.synced')).map(v => "
        "v.readyState >= 1 || new Promise(r => v.addEventListener('loadedmetadata', r))))"
    )
    page.click("#play-both")
    page.wait_for_timeout(1500)
    times = page.evaluate(
        "() => Array.from(document.querySelectorAll('video.synced')).map(v => v.currentTime)"
    )
    assert len(times) == 2 and min(times) > 0.3 and abs(times[0] - times[1]) < 0.35, times
    page.screenshot(path=str(ARTIFACTS / "web-5-side-by-side.png"), full_page=True)
    _no_page_is_wider_than_the_screen(browser, page, [server + "/", result_url, athlete_url, compare_url])


def _no_page_is_wider_than_the_screen(browser, signed_in, urls) -> None:
    """Each page at a phone's 390 x 844 and a desktop's 1280 x 800: nothing wider than the window (no
    horizontal scroll); screenshots kept. ``signed_in``: a page whose session cookie the check uses."""
    wide = []
    state = signed_in.context.storage_state()
    for width, height in ((390, 844), (1280, 800)):
        context = browser.new_context(storage_state=state, viewport={"width": width, "height": height})
        page = context.new_page()
        for i, url in enumerate(urls):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll > width:
                wide.append(f"{url} at {width} px: {scroll} px wide")
            page.screenshot(path=str(ARTIFACTS / f"web-layout-{width}-{i}.png"), full_page=True)
        context.close()
    assert not wide, "\n".join(wide)


def test_a_non_video_upload_is_refused_on_the_page(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", "ben")
    page.fill("input[name=password]", "ben-password-1")
    page.click("#sign-in")
    fake = tmp_path / "holiday.mp4"
    fake.write_text("this is not a video")
    page.fill("input[name=athlete]", "Kim")
    page.set_input_files("#clip", str(fake))
    page.click("#analyse")
    page.wait_for_selector("#upload-error")
    assert "not a video" in page.inner_text("#upload-error")
    assert page.input_value("input[name=athlete]") == "Kim"  # the fields keep what was entered
    _no_page_is_wider_than_the_screen(browser, page, [server + "/login", server + "/"])


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_clinician_sets_the_onset_from_the_paused_video(server, browser, samples_dir):
    """The correction on the result page (#19): pause the annotated video where the pelvis began to tilt,
    take its time, set the onset; the numbers and the finding are recomputed and say who set them."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "/login")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "ana-password-1")
    page.click("#sign-in")
    page.fill("input[name=athlete]", "Ada")
    page.select_option("#test", "knee-to-chest")
    page.set_input_files("#clip", str(samples_dir / "k2c_left_early_tilt.mp4"))
    page.click("#analyse")
    page.wait_for_selector("#numbers", timeout=300_000)
    measured = float(page.inner_text('.value[data-measure="pelvic_tilt.onset.hip_flexion_deg"]'))
    peak = float(page.get_attribute("input[name=onset_s]", "max"))
    page.evaluate(
        "async (t) => { const v = document.querySelector('video'); if (v.readyState < 1) await new Promise("
        "r => v.addEventListener('loadedmetadata', r)); v.currentTime = t; await new Promise(r => "
        "v.addEventListener('seeked', r, {once: true})); }",
        peak - 2.0,
    )
    page.click("button.use-video-time")
    assert float(page.input_value("input[name=onset_s]")) == pytest.approx(peak - 2.0, abs=0.02)
    page.click("button.set-onset")
    page.wait_for_load_state("networkidle")
    assert page.query_selector("button.clear-onset"), page.inner_text("main")
    numbers = page.inner_text("#rep-0")
    assert "onset (set by the clinician) at" in numbers and "onset set by ana" in numbers
    moved = float(page.inner_text('.value[data-measure="pelvic_tilt.onset.hip_flexion_deg"]'))
    assert moved != measured
    page.screenshot(path=str(ARTIFACTS / "web-6-onset-corrected.png"), full_page=True)
    _no_page_is_wider_than_the_screen(browser, page, [page.url])
    page.click("button.clear-onset")
    page.wait_for_selector("button.set-onset")
    assert float(page.inner_text('.value[data-measure="pelvic_tilt.onset.hip_flexion_deg"]')) == measured


def test_the_html_report_prints_on_a4(browser, tmp_path):
    """The report's print stylesheet (#19): Chromium prints report.html on A4 pages (its default is Letter),
    nothing cut at the side."""
    import datetime as dt

    import pypdfium2 as pdfium

    from hiprom.report.athlete import write_report
    from hiprom.store.db import open_store
    from hiprom.store.records import record_analysis, results_of
    from tests.store_docs import ir_document, k2c_document

    store = open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    for day, ir in ((1, 14.0), (22, 30.0)):
        record_analysis(
            store, "Sam", ir_document(ir, 25.0, sha=f"{day}" * 64), {}, date=dt.date(2026, 10, day)
        )
    record_analysis(store, "Sam", k2c_document(120.0, 95.0), {}, date=dt.date(2026, 10, 22))
    paths = write_report("Sam", results_of(store, "Sam"), tmp_path / "report", clinic="Riverside Physio")
    store.close()
    page = browser.new_page()
    page.goto(paths["html"].as_uri())
    wide = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    page.emulate_media(media="print")
    page.pdf(path=str(tmp_path / "printed.pdf"), prefer_css_page_size=True)
    pdf = pdfium.PdfDocument(str(tmp_path / "printed.pdf"))
    try:
        sizes = {tuple(round(v) for v in pdf[i].get_size()) for i in range(len(pdf))}
        text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert sizes == {(595, 842)} and not wide  # every page A4 (points)
    assert "LIMITED" in text and "Riverside Physio" in text
