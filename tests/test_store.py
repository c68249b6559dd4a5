"""The athlete store on SQLite and on a real PostgreSQL server: records, comparisons, exports, crashes."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import create_engine, text

from hiprom.errors import BadInputError, StoreError
from hiprom.norms import FLEXION_MDC_DEG
from hiprom.store.compare import compare
from hiprom.store.db import open_store
from hiprom.store.export import to_csv, to_fhir_bundle
from hiprom.store.records import athletes, record_analysis, results_of
from tests.store_docs import ir_document, k2c_document

D1, D2, D3 = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def _count(store, table: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_record_and_read_back(store, tmp_path):
    ids = record_analysis(store, "  Sam   Runner ", ir_document(14.0), {"json": tmp_path / "r.json"}, date=D1,
                          notes="first visit")  # fmt: skip
    assert len(ids) == 1
    record_analysis(store, "Sam Runner", k2c_document(120.0, 95.0), {}, date=D1, notes="knee ok")
    (row,) = [r for r in results_of(store, "Sam Runner") if r.test == "hip-ir"]
    assert row.athlete == "Sam Runner" and row.date == D1 and row.position == "seated" and row.side == "left"
    assert row.result["peak_ir_deg"] == pytest.approx(14.0, abs=0.5)
    assert row.artefacts["json"] == str((tmp_path / "r.json").resolve())
    assert row.notes == "first visit\nknee ok"
    assert athletes(store) == [("Sam Runner", 1, D1)]


def test_re_recording_a_clip_replaces_it(store):
    doc = ir_document(14.0)
    record_analysis(store, "Sam", doc, {}, date=D1)
    record_analysis(store, "Sam", doc, {}, date=D1)
    assert _count(store, "results") == 1 and _count(store, "sessions") == 1
    record_analysis(store, "Sam", doc, {}, date=D2)
    assert _count(store, "results") == 2 and _count(store, "sessions") == 2


def test_unknown_athlete_and_date_range(store):
    record_analysis(store, "Sam", ir_document(14.0), {}, date=D1)
    record_analysis(store, "Sam", ir_document(30.0, sha="c" * 64), {}, date=D2)
    assert [r.date for r in results_of(store, "Sam", date_from=D2)] == [D2]
    assert [r.date for r in results_of(store, "Sam", date_to=D1)] == [D1]
    with pytest.raises(BadInputError, match=r"no athlete called 'Kim'.*Sam"):
        results_of(store, "Kim")


def test_a_failing_write_leaves_nothing(store):
    record_analysis(store, "Sam", ir_document(14.0), {}, date=D1)
    broken = k2c_document(120.0, 95.0)
    broken["results"].append({"test": "knee-to-chest"})  # no side: fails after the first insert
    with pytest.raises(KeyError):
        record_analysis(store, "Kim", broken, {}, date=D2)
    assert [a for a, *_ in athletes(store)] == ["Sam"]
    assert _count(store, "sessions") == 1 and _count(store, "results") == 1


def test_comparison_against_the_minimal_detectable_change(store):
    record_analysis(store, "Sam", ir_document(14.0, 32.0), {}, date=D1)
    record_analysis(store, "Sam", ir_document(20.0, 33.0, sha="c" * 64), {}, date=D2)
    record_analysis(store, "Sam", ir_document(30.0, 34.0, sha="d" * 64), {}, date=D3)
    comparisons, asymmetry = compare(results_of(store, "Sam"))
    ir_left = next(c for c in comparisons if c.measure.key == "peak_ir_deg" and c.measure.side == "left")
    assert ir_left.values_deg == pytest.approx((14.0, 20.0, 30.0), abs=0.5)
    assert ir_left.verdict == "improved beyond measurement error"  # +16 > MDC 9 (seated)
    assert [step[3] for step in ir_left.steps] == [
        "within measurement error",
        "improved beyond measurement error",
    ]
    assert ir_left.slope_deg_per_month == pytest.approx(7.9, abs=0.5)
    ir_right = next(c for c in comparisons if c.measure.key == "peak_ir_deg" and c.measure.side == "right")
    assert ir_right.verdict == "within measurement error"
    first = next(a for a in asymmetry if a["date"] == D1 and a["measure"] == "internal rotation")
    assert first["left_minus_right_deg"] == pytest.approx(-18.0, abs=1.0) and first["flagged"] is True
    last = next(a for a in asymmetry if a["date"] == D3 and a["measure"] == "internal rotation")
    assert last["flagged"] is False


def test_flexion_worsening_beyond_error():
    from hiprom.store.records import StoredResult

    visits = [(D1, 125.0, 112.0), (D2, 110.0, 90.0)]
    rows = [
        StoredResult(
            i,
            "Sam",
            d,
            "",
            "c.mp4",
            str(i) * 64,
            "knee-to-chest",
            "supine",
            "left",
            0,
            k2c_document(thigh, onset)["results"][0],
            {},
            {},
        )
        for i, (d, thigh, onset) in enumerate(visits)
    ]
    comparisons, _ = compare(rows)
    by_key = {c.measure.key: c for c in comparisons}
    assert by_key["peak_thigh_angle_deg"].verdict == "worsened beyond measurement error"  # -15 vs 9.7
    onset = by_key["pelvic_tilt.onset.hip_flexion_deg"]  # -22 vs hiprom's own 15.8 (larger than 9.7)
    assert onset.verdict == "worsened beyond measurement error"
    assert onset.measure.mdc_source == "hiprom's repeatability" and onset.measure.mdc_deg > FLEXION_MDC_DEG
    from hiprom.calibration import HIPROM_MDC_DEG

    gonio = by_key[
        "peak_trunk_thigh_angle_deg"
    ].measure  # the larger of hiprom's and goniometry's, said which
    assert gonio.mdc_deg == max(HIPROM_MDC_DEG["peak_trunk_thigh_angle_deg"], FLEXION_MDC_DEG)
    own = HIPROM_MDC_DEG["peak_trunk_thigh_angle_deg"] > FLEXION_MDC_DEG
    assert gonio.mdc_source == ("hiprom's repeatability" if own else "manual goniometry")


def test_a_session_filmed_off_square_is_named_in_the_comparison():
    from hiprom.calibration import BENCH_PEAK_ERROR_DEG
    from hiprom.store.records import StoredResult

    def row(i, date, thigh, pan):
        entry = k2c_document(thigh, 100.0)["results"][0]
        entry["camera"] = {"pan_deg": pan, "tilt_deg": 5.0}
        return StoredResult(i, "Sam", date, "", "c.mp4", str(i) * 64, "knee-to-chest", "supine", "left", 0,
                            entry, {}, {})  # fmt: skip

    comparisons, _ = compare([row(0, D1, 110.0, 2.0), row(1, D2, 125.0, -17.0)])
    thigh = next(c for c in comparisons if c.measure.key == "peak_thigh_angle_deg")
    assert thigh.verdict == "improved beyond measurement error"  # +15 vs 9.7 ...
    (caveat,) = thigh.caveats  # ... but the second session was filmed 17 deg off square
    assert f"the {D2} session was filmed about 17 deg off square" in caveat
    worst = BENCH_PEAK_ERROR_DEG["any camera"]["thigh"][1]  # both sessions from the default model
    assert f"reached {worst:.0f} deg on the benchmark" in caveat
    square, _ = compare([row(0, D1, 110.0, 2.0), row(1, D2, 125.0, 5.0)])
    assert all(c.caveats == () for c in square)


def test_a_session_from_an_unbenchmarked_pose_model_is_named_in_the_comparison():
    """#20: the MDC is measured for the bundled model only; a session analysed with another (its result
    withholds the benchmark errors) gets a caveat on every measure it enters, naming why."""
    from hiprom.store.records import StoredResult

    def row(i, date, thigh, why=None):
        entry = k2c_document(thigh, 100.0)["results"][0]
        if why:
            entry["errors_not_benchmarked"] = why
        return StoredResult(i, "Sam", date, "", "c.mp4", str(i) * 64, "knee-to-chest", "supine", "left", 0,
                            entry, {}, {})  # fmt: skip

    why = "errors not benchmarked for the pose model pose_landmarker_lite.task"
    comparisons, _ = compare([row(0, D1, 110.0), row(1, D2, 125.0, why)])
    thigh = next(c for c in comparisons if c.measure.key == "peak_thigh_angle_deg")
    (caveat,) = thigh.caveats
    assert f"the {D2} session states no benchmark error ({why})" in caveat
    assert f"({thigh.measure.mdc_deg:.1f} deg, {thigh.measure.mdc_source})" in caveat
    same, _ = compare([row(0, D1, 110.0), row(1, D2, 125.0)])
    assert all(c.caveats == () for c in same)


def test_a_change_between_a_session_with_the_thigh_card_and_one_without_is_named():
    """The thigh card's errors are not the pose model's: a thigh measure compared across the two methods
    gets a caveat naming the sessions read with the card; sessions read alike get none."""
    from hiprom.store.records import StoredResult

    def row(i, date, thigh, card=False):
        entry = k2c_document(thigh, 100.0)["results"][0]
        entry["thigh_source"] = "thigh card" if card else "pose model"
        return StoredResult(i, "Sam", date, "", "c.mp4", str(i) * 64, "knee-to-chest", "supine", "left", 0,
                            entry, {}, {})  # fmt: skip

    comparisons, _ = compare([row(0, D1, 110.0), row(1, D2, 125.0, card=True)])
    thigh = next(c for c in comparisons if c.measure.key == "peak_thigh_angle_deg")
    (caveat,) = thigh.caveats
    assert (
        f"from the thigh card in the {D2} session(s)" in caveat
        and "part of a change may be the method's" in caveat
    )
    onset = next(c for c in comparisons if c.measure.key == "pelvic_tilt.onset.hip_flexion_deg")
    assert len(onset.caveats) == 1  # the onset's hip angle is read off the thigh too
    gonio = next(c for c in comparisons if c.measure.key == "peak_trunk_thigh_angle_deg")
    assert gonio.caveats == ()  # the goniometer angle is the pose model's either way
    same, _ = compare([row(0, D1, 110.0, card=True), row(1, D2, 125.0, card=True)])
    assert all(c.caveats == () for c in same)


def test_fhir_bundle_validates_as_r4(store):
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.observation import Observation

    record_analysis(store, "Sam", ir_document(14.0, 40.0), {}, date=D1)
    record_analysis(store, "Sam", k2c_document(120.0, 95.0), {}, date=D2)
    bundle = to_fhir_bundle("Sam", results_of(store, "Sam"))
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    resources = [e.resource for e in parsed.entry if e.resource.get_resource_type() == "Observation"]
    findings = [o for o in resources if o.valueQuantity is None]
    observations = [o for o in resources if o.valueQuantity is not None]
    # IR + ER for two sides, thigh + goniometer + tilt + onset for one rep; and its borrowing finding
    assert len(observations) == 8 and len(findings) == 1
    borrowing = findings[0]
    assert borrowing.code.coding[0].code == "k2c-lumbar-borrowing"
    assert borrowing.valueBoolean is True and borrowing.dataAbsentReason is None  # onset 95 deg: yes
    for obs in observations:
        Observation.model_validate(obs.model_dump())
        assert obs.valueQuantity.system == "http://unitsofmeasure.org" and obs.valueQuantity.code == "deg"
        assert obs.bodySite.coding[0].code == "24136001"
    lateralities = {o.bodySite.extension[0].valueCodeableConcept.coding[0].code for o in observations}
    assert lateralities == {"7771000", "24028007"}
    ir_left = next(
        o for o in observations
        if o.code.coding[0].code == "hip-internal-rotation" and o.bodySite.text == "left hip joint"
    )  # fmt: skip
    assert ir_left.interpretation[0].coding[0].code == "L"
    assert ir_left.extension[0].valueCodeableConcept.coding[0].code == "33586001"  # sitting
    assert json.loads(json.dumps(bundle)) == to_fhir_bundle("Sam", results_of(store, "Sam"))  # stable


def test_fhir_says_not_assessed_not_no(store):
    """A knee-to-chest without the card exports its finding as absent (not performed), never false."""
    from fhir.resources.R4B.observation import Observation

    doc = k2c_document(120.0, None)
    doc["results"][0]["lumbar_borrowing"].update(flag=None, confidence=None, reasons=["no pelvis card"])
    record_analysis(store, "Sam", doc, {}, date=D1)
    bundle = to_fhir_bundle("Sam", results_of(store, "Sam"))
    observations = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    finding = next(o for o in observations if o["code"]["coding"][0]["code"] == "k2c-lumbar-borrowing")
    Observation.model_validate(finding)
    assert (
        "valueBoolean" not in finding and finding["dataAbsentReason"]["coding"][0]["code"] == "not-performed"
    )
    assert finding["note"] == [{"text": "no pelvis card"}]


def test_csv_export(store):
    record_analysis(store, "Sam", ir_document(14.0), {}, date=D1, notes='a, "quoted" note')
    record_analysis(store, "Sam", k2c_document(120.0, 95.0), {}, date=D2)
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(to_csv(results_of(store, "Sam")))))
    assert [r["test"] for r in rows] == ["hip-ir", "knee-to-chest"]
    assert float(rows[0]["peak_ir_deg"]) == pytest.approx(14.0, abs=0.5) and rows[0]["ir_limited"] == "True"
    assert rows[0]["session_notes"] == 'a, "quoted" note'
    assert rows[1]["onset_hip_flexion_deg"] == "95.0" and rows[1]["lumbar_borrowing"] == "True"
    assert "no still baseline" in rows[1]["warnings"]


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(store):
    """OWASP CSV injection: a name or note starting with = + - @ (or a tab, CR) is a formula."""
    record_analysis(store, '=HYPERLINK("http://evil.example","x")', ir_document(14.0), {}, date=D1,
                    notes="@SUM(1+1)")  # fmt: skip
    record_analysis(store, "-2+3", ir_document(-5.0), {}, date=D2, notes="+cmd|' /C calc'!A0")
    import csv
    import io

    rows = list(
        csv.DictReader(io.StringIO(to_csv(results_of(store, '=HYPERLINK("http://evil.example","x")'))))
    )
    assert rows[0]["athlete"].startswith("'=") and rows[0]["session_notes"] == "'@SUM(1+1)"
    rows = list(csv.DictReader(io.StringIO(to_csv(results_of(store, "-2+3")))))
    assert rows[0]["athlete"] == "'-2+3" and rows[0]["session_notes"].startswith("'+cmd")
    assert not rows[0]["peak_ir_deg"].startswith("'")  # numbers stay numbers
    from hiprom.store.export import _cell

    assert _cell("\tx") == "'\tx" and _cell("\rx") == "'\rx" and _cell(-5.0) == -5.0


def test_backup(store, tmp_path):
    from hiprom.store.backup import backup

    record_analysis(store, "Sam", ir_document(14.0), {}, date=D1)
    dump = json.loads(backup(store, tmp_path / "b.json", "json").read_text())
    assert dump["format"] == "hiprom.backup/1"
    assert [a["name"] for a in dump["athletes"]] == ["Sam"] and len(dump["results"]) == 1
    if store.is_sqlite:
        copy = backup(store, tmp_path / "b.sqlite3")
        other = open_store(f"sqlite:///{copy}")
        assert [r.athlete for r in results_of(other, "Sam")] == ["Sam"]
        other.close()
    else:
        with pytest.raises(BadInputError, match="SQLite stores only"):
            backup(store, tmp_path / "b.sqlite3", "sqlite")


def test_schema_comes_from_the_migration(store, store_url):
    again = open_store(store_url)  # a second open is a no-op upgrade
    with again.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0006"
    again.close()


def test_bad_store_urls_are_one_line_errors(tmp_path):
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("no-such-scheme")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot"):
        open_store(f"sqlite:///{blocker}/sub/db.sqlite3")
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none")


_CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from hiprom.store.db import open_store
    from hiprom.store.records import record_analysis
    from tests.store_docs import ir_document

    url, marker = sys.argv[1], Path(sys.argv[2])
    store = open_store(url)

    @event.listens_for(Session, "before_commit")
    def _hang(session):  # every row is inserted, the transaction is still open: get killed here
        marker.write_text("in transaction")
        time.sleep(120)

    record_analysis(store, "Killed Mid-Write", ir_document(25.0), {})
""")


def test_killing_a_write_leaves_the_store_consistent(store, store_url, tmp_path):
    record_analysis(store, "Sam", ir_document(14.0), {}, date=D1)
    marker = tmp_path / "marker"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, store_url, str(marker)], env=env,
                             cwd=os.path.dirname(os.path.dirname(__file__)))  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the writer ended before reaching its transaction"
            assert time.monotonic() < deadline, "the writer never reached its transaction"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    reopened = open_store(store_url)
    assert [a for a, *_ in athletes(reopened)] == ["Sam"]
    assert _count(reopened, "sessions") == 1 and _count(reopened, "results") == 1
    if reopened.is_sqlite:
        engine = create_engine(store_url)
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        engine.dispose()
    record_analysis(reopened, "Kim", ir_document(20.0), {}, date=D2)  # still writable
    assert len(athletes(reopened)) == 2
    reopened.close()


def _alembic(store, *, to: str, down: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    from hiprom.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, to)


def test_the_migration_merges_duplicate_command_line_athletes_and_forbids_new_ones(store):
    """Two parallel `analyze --athlete NEW` runs created two rows (the unique key missed NULL owners);
    `history` and `compare` then hid a session."""
    record_analysis(store, "Sam", ir_document(14.0), {}, date=D1, notes="first")
    _alembic(store, to="0003", down=True)
    with store.engine.begin() as conn:  # the duplicate the race made, with a session of its own
        conn.execute(text("INSERT INTO athletes (name, created_at) VALUES ('Sam', '2026-01-01')"))
        dup = conn.execute(text("SELECT MAX(id) FROM athletes")).scalar_one()
        conn.execute(text("INSERT INTO sessions (athlete_id, date, notes, created_at) "
                          "VALUES (:a, :d, 'second', '2026-01-01')"), {"a": dup, "d": D1})  # fmt: skip
        conn.execute(text("INSERT INTO sessions (athlete_id, date, notes, created_at) "
                          "VALUES (:a, :d, '', '2026-01-01')"), {"a": dup, "d": D2})  # fmt: skip
    _alembic(store, to="head")
    assert [a for a, *_ in athletes(store)] == ["Sam"]
    assert _count(store, "athletes") == 1 and _count(store, "sessions") == 2
    with store.engine.connect() as conn:
        notes = conn.execute(text("SELECT notes FROM sessions WHERE date = :d"), {"d": D1}).scalar_one()
    assert notes == "first\nsecond"
    from sqlalchemy.exc import IntegrityError

    with (
        store.engine.connect() as conn
    ):  # revision 0006: the command line's athletes are the local clinician's
        local = conn.execute(text("SELECT clinician_id FROM athletes WHERE name = 'Sam'")).scalar_one()
        assert (
            conn.execute(text("SELECT username FROM clinicians WHERE id = :c"), {"c": local}).scalar_one()
            == "local"
        )
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        insert = "INSERT INTO athletes (clinician_id, name, created_at) VALUES (:c, 'Sam', '2026-01-02')"
        conn.execute(text(insert), {"c": local})


def test_parallel_recordings_of_a_new_athlete_make_one_athlete(store_url):
    import threading

    from hiprom.store.db import open_store

    stores = [open_store(store_url) for _ in range(4)]
    barrier, errors = threading.Barrier(4), []

    def run(i: int) -> None:
        barrier.wait()
        try:
            record_analysis(stores[i], "New Athlete", ir_document(10.0 + i, sha=f"{i}" * 64), {}, date=D1)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [a for a, *_ in athletes(stores[0]) if a == "New Athlete"] == ["New Athlete"]
    assert len(results_of(stores[0], "New Athlete")) == 4
    for s in stores:
        s.close()


def test_the_cli_sees_the_web_apps_athletes_with_clinician_and_says_they_are_there(tmp_path, capsys):
    """Pointed at the web app's database the CLI no longer says "no athletes": it names the clinicians
    who have some, and ``--clinician`` opens theirs (issue #19)."""
    from hiprom import cli
    from hiprom.store.accounts import add_account

    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    store = open_store(url)
    ana = add_account(store, "ana", "not-a-real-hash")
    record_analysis(store, "Sam", ir_document(14.0), {}, date=D1, owner=ana)
    record_analysis(store, "Kim", ir_document(30.0), {}, date=D1, owner=ana)
    store.close()
    assert cli.main(["athletes", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "no athletes recorded from the command line" in out and "ana (2)" in out and "--clinician" in out
    assert cli.main(["athletes", "--db", url, "--clinician", "ana"]) == 0
    out = capsys.readouterr().out
    assert "Kim: 1 session(s)" in out and "Sam: 1 session(s)" in out and "web app clinicians" not in out
    assert cli.main(["history", "Sam", "--db", url, "--clinician", "ana"]) == 0
    assert "LIMITED" in capsys.readouterr().out
    code = cli.main(["history", "Sam", "--db", url, "--clinician", "nobody"])
    err = capsys.readouterr().err
    assert code != 0 and "no clinician called 'nobody'" in err and len(err.strip().splitlines()) == 1


def test_the_command_lines_athletes_are_tidied_and_their_output_folders_left_alone(store, tmp_path):
    """Rename, merge and delete on the command line's athletes (owner None); deleting never removes files
    outside the app's data folder (a CLI result's folder is the user's)."""
    import datetime as dt

    from hiprom.errors import BadInputError
    from hiprom.store.manage import delete_athlete, merge_athletes, rename_athlete
    from hiprom.store.records import athlete_id, athlete_rows, record_analysis
    from tests.store_docs import ir_document

    video = tmp_path / "out" / "annotated.mp4"
    video.parent.mkdir()
    video.write_bytes(b"video")
    record_analysis(
        store, "Sam Runner", ir_document(30.0), {"annotated.mp4": video}, date=dt.date(2026, 10, 1)
    )
    record_analysis(store, "sam runner ", ir_document(28.0, sha="e" * 64), {}, date=dt.date(2026, 10, 8))
    sam, typo = athlete_id(store, "Sam Runner"), athlete_id(store, "sam runner")
    with pytest.raises(BadInputError, match="merge the two instead"):
        rename_athlete(store, typo, "Sam Runner")
    assert merge_athletes(store, typo, sam) == 1
    assert [(a["name"], a["sessions"]) for a in athlete_rows(store)] == [("Sam Runner", 2)]
    with pytest.raises(BadInputError):
        merge_athletes(store, sam, sam)
    assert delete_athlete(store, sam, data_dir=tmp_path / "web") == 0
    assert athlete_rows(store) == [] and video.exists()
