"""The errors hiprom raises, each with its own command-line exit code.

Every error is one clear sentence for the user. Bad input also subclasses
:class:`ValueError`, so library callers can catch it the ordinary way; the CLI
prints ``hiprom: error: <message>`` and exits with :attr:`HipromError.exit_code`.
"""

from __future__ import annotations


class HipromError(Exception):
    """Base class: analysis of this input is impossible, for a stated reason.

    ``option``: the option (``"position"``, ``"side"``, ...) the message is
    about, if any; the message names it in words, and each face (the CLI's
    flags, the web form's fields) can point to it in its own terms.
    """

    exit_code = 1

    def __init__(self, message: str = "", *, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


class BadInputError(HipromError, ValueError):
    """The user's input cannot be used (a 4xx in the web app)."""

    exit_code = 3


class InputNotFoundError(BadInputError):
    exit_code = 3


class NotAVideoError(BadInputError):
    exit_code = 4


class CorruptVideoError(BadInputError):
    exit_code = 5


class EmptyVideoError(BadInputError):
    """The clip decodes to no frames, or too few to analyse."""

    exit_code = 6


class NoPersonError(BadInputError):
    exit_code = 7


class TooFewDetectionsError(BadInputError):
    """A person was found, but in too few frames for a time series."""

    exit_code = 8


class ModelError(HipromError):
    """The pose model is missing, altered, or could not be loaded."""

    exit_code = 9


class OutputError(HipromError):
    """An output file could not be written."""

    exit_code = 10


class LandmarkFileError(BadInputError):
    """A saved landmark file is unreadable or of an unknown format."""

    exit_code = 11


class StoreError(HipromError):
    """The athlete store cannot be opened or written (bad URL, server down, locked file)."""

    exit_code = 12
