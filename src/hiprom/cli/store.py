"""``hiprom`` commands over the athlete store: athletes, history, compare, export, report, backup."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hiprom import protocols

__all__ = ["add_db_option", "add_store_parsers"]


def add_db_option(parser: argparse.ArgumentParser, clinician: bool = True) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="the store's database URL (default: $HIPROM_DB, else a SQLite file in the user data folder; "
        "PostgreSQL: postgresql+psycopg://user@host/db)",
    )
    if clinician:
        parser.add_argument(
            "--clinician", metavar="USERNAME",
            help="a web app clinician's athletes (in the web app's database); default: the command line's",
        )  # fmt: skip


def _range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="first session date (YYYY-MM-DD)")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="last session date (YYYY-MM-DD)")


def add_store_parsers(sub) -> None:
    p = sub.add_parser("athletes", help="list the athletes in the store")
    add_db_option(p)
    p.set_defaults(func=_cmd_athletes)
    p = sub.add_parser("history", help="an athlete's sessions and results")
    p.add_argument("name")
    add_db_option(p)
    _range(p)
    p.set_defaults(func=_cmd_history)
    p = sub.add_parser(
        "compare", help="change between sessions against measurement error; left vs right; trend"
    )
    p.add_argument("name")
    add_db_option(p)
    _range(p)
    p.set_defaults(func=_cmd_compare)
    p = sub.add_parser("export", help="export an athlete's results as CSV or a FHIR R4 Bundle (JSON)")
    p.add_argument("name")
    p.add_argument("--format", choices=["csv", "fhir"], default="csv")
    p.add_argument("-o", "--out", type=Path, help="output file (default: standard output)")
    add_db_option(p)
    _range(p)
    p.set_defaults(func=_cmd_export)
    p = sub.add_parser("report", help="an athlete's report: report.html and report.pdf")
    p.add_argument("name")
    p.add_argument("-o", "--out-dir", type=Path, help="output folder (default: ./<name>-report)")
    p.add_argument("--clinic", help="the clinic's name, for the report's header")
    add_db_option(p)
    _range(p)
    p.set_defaults(func=_cmd_report)
    p = sub.add_parser("backup", help="back up the store (SQLite copy, or JSON for any database)")
    p.add_argument(
        "-o", "--out", type=Path, help="backup file (default: ./hiprom-backup-<time>.sqlite3|json)"
    )
    p.add_argument(
        "--format", choices=["sqlite", "json"], help="default: sqlite for a SQLite store, else json"
    )
    add_db_option(p, clinician=False)
    p.set_defaults(func=_cmd_backup)


def _no_store_yet(url: str | None) -> str | None:
    """The path of a SQLite store that does not exist yet (reading it must not create it), or None."""
    from hiprom.store.db import sqlite_file

    path = sqlite_file(url)
    return None if path is None or path.exists() else str(path)


def _results(args):
    from hiprom.dates import parse_date
    from hiprom.errors import BadInputError
    from hiprom.store.db import open_store
    from hiprom.store.records import results_of

    date_from, date_to = (
        parse_date(getattr(args, "date_from", None)),
        parse_date(getattr(args, "date_to", None)),
    )
    if (missing := _no_store_yet(args.db)) is not None:
        raise BadInputError(f"no athlete called {args.name!r}: there is no store at {missing} yet "
                            "(record one: hiprom analyze CLIP --athlete NAME)")  # fmt: skip
    store = open_store(args.db)
    try:
        owner = _owner(store, args)
        return results_of(store, args.name, date_from=date_from, date_to=date_to, owner=owner)
    finally:
        store.close()


def _owner(store, args) -> int | None:
    """The clinician whose athletes these are (``--clinician``), or None: the command line's own."""
    from hiprom.store.accounts import clinician_id

    name = getattr(args, "clinician", None)
    return None if name is None else clinician_id(store, name)


def _cmd_athletes(args) -> int:
    from hiprom.store.db import open_store
    from hiprom.store.records import athletes

    if (missing := _no_store_yet(args.db)) is not None:
        print(
            f"no athletes yet: there is no store at {missing} (record one: hiprom analyze CLIP --athlete X)"
        )
        return 0
    from hiprom.store.accounts import owners

    store = open_store(args.db)
    try:
        rows = athletes(store, _owner(store, args))
        others = owners(store) if args.clinician is None else {}
    finally:
        store.close()
    if not rows:
        whose = f"of {args.clinician} " if args.clinician else "recorded from the command line "
        print(f"no athletes {whose}in {store.safe_url} (record one: hiprom analyze CLIP --athlete NAME)")
    if others:  # the web app's clinicians keep theirs apart: say so rather than "none"
        listed = ", ".join(f"{name} ({n})" for name, n in sorted(others.items()))
        print(f"web app clinicians' athletes in this store: {listed}; see them with --clinician USERNAME")
    for name, sessions, last in rows:
        print(f"{name}: {sessions} session(s), last {last or '-'}")
    return 0


def _cmd_history(args) -> int:
    results = _results(args)
    current = None
    for r in results:
        if r.date != current:
            current = r.date
            notes = f" - {r.notes}" if r.notes else ""
            print(f"{r.date}{notes}")
        line = protocols.get(r.test).history_line(r.result)
        print(f"  {r.test} {r.position} {r.side} (rep {r.rep_index + 1}, {r.clip_name}): {line}")
    if not results:
        print("no results in that date range")
    return 0


def _cmd_compare(args) -> int:
    from hiprom.store.compare import compare

    comparisons, asymmetry = compare(_results(args))
    for c in comparisons:
        m = c.measure
        values = ", ".join(f"{d}: {v:.1f}" for d, v in zip(c.dates, c.values_deg, strict=True))
        change = (
            "; "
            if c.change_deg is None
            else f"; change {c.change_deg:+.1f} deg (MDC {m.mdc_deg:.1f}, {m.mdc_source}): "
        )
        trend = "" if c.slope_deg_per_month is None else f"; trend {c.slope_deg_per_month:+.1f} deg/month"
        print(f"{m.test} {m.position} {m.side} {m.label}: {values}{change}{c.verdict}{trend}")
        for caveat in c.caveats:
            print(f"  ! {caveat}")
    for a in asymmetry:
        flag = " FLAGGED" if a["flagged"] else ""
        print(
            f"{a['date']} {a['test']} {a['position']} {a['measure']}: left {a['left_deg']:.1f} / right "
            f"{a['right_deg']:.1f} deg, difference {a['left_minus_right_deg']:+.1f} "
            f"(threshold {a['threshold_deg']:.1f}){flag}"
        )
    return 0


def _cmd_export(args) -> int:
    from hiprom._fs import atomic_output
    from hiprom.store.export import to_csv, to_fhir_bundle

    results = _results(args)
    text = (
        to_csv(results) if args.format == "csv" else json.dumps(to_fhir_bundle(args.name, results), indent=1)
    )
    if args.out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    with atomic_output(args.out) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _cmd_report(args) -> int:
    from hiprom.report.athlete import write_report

    results = _results(args)
    out_dir = args.out_dir or Path.cwd() / f"{'-'.join(args.name.split())}-report"
    paths = write_report(args.name, results, out_dir, clinic=args.clinic, clinician=args.clinician)
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def _cmd_backup(args) -> int:
    from hiprom.store.backup import backup
    from hiprom.store.db import open_store

    store = open_store(args.db)
    try:
        path = backup(store, args.out, args.format)
    finally:
        store.close()
    print(f"wrote {path}")
    return 0
