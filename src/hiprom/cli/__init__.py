"""The ``hiprom`` command line (a thin face over :mod:`hiprom.pipeline` and the store)."""

from hiprom.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
