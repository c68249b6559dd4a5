"""What a clinical test is to hiprom: one :class:`Protocol` object, registered by name.

A protocol knows its options (and validates them, naming the option, not a
command-line flag), how the pose model should see the clip, how it turns
landmarks into a result folder, which measures it reports (units, MDCs, FHIR
codes), and how a result reads in words. The pipeline, the CLI, the web app,
the store's comparisons and exports, and the athlete report all go through
the registry (:mod:`hiprom.protocols`); adding a test is one module there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hiprom.errors import BadInputError
from hiprom.norms import SIDES

if TYPE_CHECKING:
    from hiprom.landmarks import LandmarkSeries

__all__ = [
    "Analysed",
    "Cell",
    "EntryView",
    "Measure",
    "Options",
    "Outputs",
    "Protocol",
    "RunResult",
    "sides_lines",
]

MarkerMode = Literal["auto", "on", "off"]
Orientation = Literal["as-filmed", "head-right"]


@dataclass(frozen=True)
class Options:
    """A test's options, validated by its protocol (:meth:`Protocol.options`).

    ``position``: the body position (``None`` takes the protocol's only or
    default one); ``side``: one leg only (``None``: every tested leg);
    ``marker``: the pelvis card (``"auto"`` uses it when in view, ``"on"``
    requires it, ``"off"`` ignores it), for tests that read it.
    """

    test: str
    position: str | None = None
    side: str | None = None
    marker: MarkerMode = "auto"


@dataclass(frozen=True)
class Outputs:
    """What a run writes besides ``result.json``, ``frames.csv``, the plot and the key frames."""

    video: bool = True  # annotated.mp4
    blur_faces: bool = False  # in annotated.mp4 (key frames are always blurred)


@dataclass(frozen=True)
class Measure:
    """One reported quantity of a result entry: compared across sessions, exported to FHIR.

    ``key`` is the entry's field (dotted for nested); ``mdc_deg`` the minimal
    detectable change a comparison uses (``None``: not compared).
    """

    key: str
    label: str
    code: str  # hiprom's FHIR code system
    display: str
    mdc_deg: float | None = None
    #: a left-right difference this large is flagged (None: the MDC)
    asymmetry_deg: float | None = None
    unit: str = "deg"


@dataclass(frozen=True)
class Cell:
    """One number of a result in words: ``before + value + after`` (value ``None``: ``missing``)."""

    before: str
    key: str
    value: Any
    after: str = " deg"
    missing: str = "not found"

    @property
    def text(self) -> str:
        return self.before + (self.missing if self.value is None else f"{self.value}{self.after}")


@dataclass(frozen=True)
class EntryView:
    """A result entry as a person reads it: the CLI, the web page and the report all render this."""

    title: str  # "left knee-to-chest", "left hip, seated"
    cells: tuple[Cell, ...]
    verdict: str  # "LUMBAR BORROWING (high confidence)", "LIMITED", ...
    reasons: tuple[str, ...] = ()
    accuracy: str = ""  # how far the numbers can be trusted (benchmark error for this set-up)
    warnings: tuple[str, ...] = ()

    @property
    def numbers(self) -> str:
        return ", ".join(c.text for c in self.cells)


@dataclass(frozen=True)
class Analysed:
    """A protocol's analysis of one clip: its result document and how the folder shows it."""

    document: dict
    write_files: Callable[[Path], dict[str, Path]]  # the data files (frames.csv, a plot) into a folder
    key_frames: dict[str, tuple[int, str]]  # name -> (frame index, caption)
    drawing: Callable[[], Callable]  # makes the annotated video's draw(image, frame_index, scale)


@dataclass(frozen=True)
class RunResult:
    """What a protocol's run produced: the result document and the files it wrote."""

    document: dict
    paths: dict[str, Path] = field(default_factory=dict)


class Protocol(ABC):
    """A clinical test. Subclasses set the class attributes and implement the abstract methods."""

    name: str  # "knee-to-chest"
    title: str  # for people: "supine knee-to-chest (hip flexion)"
    positions: tuple[str, ...]  # the body positions it is done in; the first is the default
    form_label: str  # the upload form's choice
    #: each position as the upload form offers it (tests done in more than one position)
    position_labels: dict[str, str] = {}  # noqa: RUF012 (read-only class data)
    #: (name, definition) of each angle the results show, for the result page and the report
    definitions: tuple[tuple[str, str], ...] = ()
    #: what the pose model is shown (see hiprom.capture.pose.extract_landmarks)
    orientation: Orientation = "as-filmed"
    #: who to follow when the user leaves it to "auto" (hiprom.capture.tracking.select_person)
    person_rule: str = "auto"
    #: the pose pass also keeps the person's lower outline (hiprom.capture.outline)
    outline: bool = False

    def options(self, position: str | None = None, side: str | None = None, marker: str = "auto") -> Options:
        """Validated options; :class:`BadInputError` naming the option otherwise."""
        if position is None:
            if len(self.positions) > 1:
                raise BadInputError(
                    f"the {self.name} test needs a position: {', '.join(self.positions)}", option="position"
                )
            position = self.positions[0]
        if position not in self.positions:
            if len(self.positions) == 1:
                raise BadInputError(
                    f"the {self.name} test is done {self.positions[0]}; the position does not apply",
                    option="position",
                )
            raise BadInputError(
                f"the position must be one of {', '.join(self.positions)}, got {position!r}",
                option="position",
            )
        if side not in (None, *SIDES):
            raise BadInputError(f"the side must be left or right, got {side!r}", option="side")
        if marker not in ("auto", "on", "off"):
            raise BadInputError(f"the card mode must be auto, on or off, got {marker!r}", option="marker")
        return Options(self.name, position, side, marker)  # type: ignore[arg-type]

    def refusal_hint(self, options: Options) -> str:
        """Words added to a refusal (no person, wrong view) for these options; default none."""
        return ""

    @abstractmethod
    def analyse(self, series: LandmarkSeries, options: Options, warnings: list[str]) -> Analysed:
        """The numpy analysis of ``series`` and what the result folder shows of it."""

    def run(
        self,
        clip: Path,
        series: LandmarkSeries,
        out_dir: Path,
        options: Options,
        outputs: Outputs,
        warnings: list[str],
    ) -> RunResult:
        """Analyse ``series`` (the landmarks of ``clip``) and write the result folder.

        The data files first, then the annotated video and the key frames in one decode of the
        clip, and ``result.json`` last: its presence means the set is complete.
        """
        from hiprom.report.overlay import render_clip
        from hiprom.results import write_json

        done = self.analyse(series, options, warnings)
        withhold_errors(done.document, errors_unbenchmarked(series, self.name))
        paths = done.write_files(out_dir)
        draw = done.drawing() if outputs.video else None
        paths.update(
            render_clip(
                clip, series, out_dir, draw=draw, key_frames=done.key_frames, blur_faces=outputs.blur_faces
            )
        )
        paths["json"] = write_json(out_dir / "result.json", done.document)
        return RunResult(done.document, paths)

    @abstractmethod
    def measures(self, position: str) -> tuple[Measure, ...]:
        """The measures of one result entry in ``position``, compared and exported in this order."""

    @abstractmethod
    def view(self, entry: dict) -> EntryView:
        """One result entry (an element of ``result.json``'s ``results``) in words."""

    def summary_lines(self, document: dict) -> list[str]:
        """The terminal summary of a whole result document (the doc-level warnings excluded)."""
        lines = []
        for entry in document["results"]:
            v = self.view(entry)
            lines.append(f"{v.title}: {v.numbers}; {v.verdict}")
            lines += [f"  - {r}" for r in v.reasons]
            if v.accuracy:
                lines.append(f"  - {v.accuracy}")
            lines += [f"  ! {w}" for w in v.warnings]
        return lines + sides_lines(document)

    def history_line(self, entry: dict) -> str:
        """One stored entry on one line (``hiprom history``)."""
        v = self.view(entry)
        return f"{v.numbers}; {v.verdict}"

    def fhir_interpretation(self, entry: dict, measure: Measure) -> tuple[str, str] | None:
        """A v3 ObservationInterpretation (code, display) for one measure of an entry, if any."""
        return None

    def fhir_findings(self, entry: dict) -> list[tuple[str, str, bool | None, list[str]]]:
        """Yes/no findings of an entry for FHIR: ``(code, display, value, notes)``; ``value`` None
        means not assessed (exported with a data-absent reason, never as "no")."""
        return []


def sides_lines(document: dict) -> list[str]:
    """The terminal line on left and right, unless the card showed the camera did not mirror."""
    sides = document.get("side_labels") or {}
    return [] if sides.get("mirrored_clip") is False or not sides else [f"- sides: {sides['note']}"]


def errors_unbenchmarked(series: LandmarkSeries, test: str | None = None) -> str | None:
    """Why no benchmark error applies to these landmarks (no calibration measured with their pose model
    for ``test``), or None."""
    from hiprom.calibration import model_not_benchmarked

    return model_not_benchmarked(series.meta.get("model_name"), series.meta.get("model_sha256"), test)


def withhold_errors(document: dict, why: str | None) -> None:
    """With ``why``: every entry states no benchmark error (its ``measurement_error*`` fields null) and
    says why instead; a number measured with another model must not stand beside this model's error."""
    if not why:
        return
    for entry in document["results"]:
        for key in [k for k in entry if "measurement_error" in k]:
            entry[key] = None
        entry["errors_not_benchmarked"] = why
