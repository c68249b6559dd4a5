"""``hiprom`` command line: parse, call the pipeline, print.

Every failure the user can fix is one line on stderr (``hiprom: error: ...``)
and a distinct exit code (see :mod:`hiprom.errors`); no tracebacks unless
``HIPROM_DEBUG=1``. Messages from the core name an option in words; this
face adds the flag that sets it.
"""

from __future__ import annotations

import argparse
import os
import sys

from hiprom import __version__
from hiprom.errors import HipromError

__all__ = ["build_parser", "main"]

EXIT_INTERRUPTED = 130
#: the core's option names -> this face's flags
FLAGS = {
    "position": "--position",
    "side": "--side",
    "marker": "--marker",
    "test": "--test",
    "date": "--session/--from/--to",
    "athlete": "--athlete",
}


def build_parser() -> argparse.ArgumentParser:
    from hiprom.cli.analyze import add_analyze_parsers
    from hiprom.cli.store import add_store_parsers
    from hiprom.cli.synth import add_synth_parser
    from hiprom.cli.web import add_web_parsers

    parser = argparse.ArgumentParser(
        prog="hiprom", description="Hip range of motion from an ordinary phone video."
    )
    parser.add_argument("--version", action="version", version=f"hiprom {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_analyze_parsers(sub)
    add_store_parsers(sub)
    add_web_parsers(sub)
    add_synth_parser(sub)
    return parser


def _message(exc: HipromError) -> str:
    flag = FLAGS.get(exc.option or "")
    return f"{exc} ({flag})" if flag else str(exc)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except HipromError as exc:
        if os.environ.get("HIPROM_DEBUG"):
            raise
        print(f"hiprom: error: {_message(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hiprom: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("HIPROM_DEBUG"):
            raise
        print(
            f"hiprom: internal error: {type(exc).__name__}: {exc} (rerun with HIPROM_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1
