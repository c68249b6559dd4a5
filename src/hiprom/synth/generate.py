"""Generate one synthetic clinical clip with its truth files.

``generate_clip(Scenario(...), out_dir)`` writes ``<name>.mp4`` (H.264),
``<name>.truth.csv`` (per frame) and ``<name>.truth.json`` (summary). A
scenario is a frozen dataclass; the same scenario and seed give the same
clip and truth.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hiprom.capture.encode import VideoWriter
from hiprom.kinematics.filtering import runs
from hiprom.synth.camera import Camera, place_camera
from hiprom.synth.card import (
    CARD_REVISION,
    card_image,
    card_rest_corners,
    paint_card,
    thigh_card_rest_corners,
    thigh_card_world_corners,
)
from hiprom.synth.extras import clothed_colours, second_person_mesh
from hiprom.synth.motion import IRMotion, KneeToChestMotion, ir_schedule, knee_to_chest_schedule
from hiprom.synth.options import FLIPS
from hiprom.synth.render import LIGHTING, Mesh, background, render
from hiprom.synth.scene import (
    BODY_REVISION,
    SceneBody,
    build_scene_body,
    ir_deltas,
    knee_to_chest_deltas,
    plinth_meshes,
)
from hiprom.synth.truth import ir_truth, knee_to_chest_truth, rep_onset_truth
from hiprom.synth.truthfile import write_truth_csv, write_truth_json

__all__ = ["CameraSetup", "Prepared", "Scenario", "generate_clip", "prepare"]

_IDEAL_VIEW = {"knee-to-chest": "side", "supine": "overhead", "seated": "front", "prone": "foot_end"}


@dataclass(frozen=True)
class CameraSetup:
    """Where the phone is. ``distance_m=None`` frames the body to fill ``fill`` of the frame."""

    view: str | None = None  # default: the ideal view of the test
    pan_deg: float = 0.0
    tilt_deg: float = 5.0
    roll_deg: float = 0.0
    hfov_deg: float = 65.0
    distance_m: float | None = None
    fill: float = 0.85
    portrait: bool = False
    long_side_px: int = 1280
    short_side_px: int = 720
    # side/front/foot-end views: the lens height above the plinth top, metres; when set it
    # overrides tilt_deg (the camera looks at the body's centre from that height)
    height_above_table_m: float | None = None


@dataclass(frozen=True)
class Scenario:
    """Everything that defines one clip."""

    name: str
    test: str = "knee-to-chest"  # or "hip-ir"
    k2c: KneeToChestMotion = field(default_factory=KneeToChestMotion)
    ir: IRMotion = field(default_factory=IRMotion)
    body_shape: str = "average"
    camera: CameraSetup = field(default_factory=CameraSetup)
    fps: float = 30.0
    speed: float = 1.0
    background: str = "plain"
    lighting: str = "studio"  # or "dim", "window" (hiprom.synth.render.LIGHTING)
    noise_sd: float = 2.0
    crf: int = 23
    seed: int = 0
    marker: bool = False  # a printed ArUco card over the tested side's iliac crest
    clothing: str = "shorts"  # or "tracksuit", "leggings" (hiprom.synth.extras.CLOTHING)
    second_person: str = "none"  # or "standing" behind the plinth, "leaning" in over it
    flip: str = "none"  # the stored clip "mirrored" (a front camera) or "upside_down" (no rotation tag)
    # the card (marker clips): "ideal" = facing the side exactly and painted last (nothing hides it);
    # "strapped" = turned card_yaw_deg about the body's long axis (a strap on a curved hip; positive
    # faces it forwards) and painted in depth order with the body (the raised thigh or a hand can hide it)
    card: str = "ideal"
    card_yaw_deg: float = 0.0
    card_layout: str = "single"  # or "board": two markers (hiprom.capture.markers.LAYOUTS)
    # the card smeared over the exposure (half the frame interval before each frame), as a phone's
    # shutter indoors blurs it at the speed of the raise
    motion_blur: bool = False
    # a second card strapped on the tested thigh (hiprom marker --card thigh), rigid with the femur, turned
    # thigh_card_yaw_deg about it and always painted in depth order (the hands or the other leg can hide it)
    thigh_card: bool = False
    thigh_card_yaw_deg: float = 0.0

    @property
    def side(self) -> str:
        return self.k2c.side if self.test == "knee-to-chest" else self.ir.side

    @property
    def position(self) -> str:
        return "supine" if self.test == "knee-to-chest" else self.ir.position


def _scaled_motion(motion, speed: float):
    scale = 1.0 / speed
    changes = {
        f.name: getattr(motion, f.name) * scale for f in dataclasses.fields(motion) if f.name.endswith("_s")
    }
    return dataclasses.replace(motion, **changes)


def _fit_camera(scene: SceneBody, setup: CameraSetup, view: str) -> Camera:
    width, height = (
        (setup.short_side_px, setup.long_side_px)
        if setup.portrait
        else (setup.long_side_px, setup.short_side_px)
    )
    n = scene.posed.vertices.shape[0]
    sample = np.concatenate([scene.world_vertices(i)[::7] for i in range(0, n, max(1, n // 12))])
    target = (sample.max(axis=0) + sample.min(axis=0)) / 2
    kwargs = dict(pan_deg=setup.pan_deg, tilt_deg=setup.tilt_deg, roll_deg=setup.roll_deg,
                  hfov_deg=setup.hfov_deg, width_px=width, height_px=height)  # fmt: skip
    distance = setup.distance_m or 2.5

    def tilt_for(d: float) -> float:
        if setup.height_above_table_m is None or view == "overhead":
            return setup.tilt_deg
        rise = np.clip((setup.height_above_table_m - target[1]) / d, -0.95, 0.95)
        return float(np.degrees(np.arcsin(rise)))

    if setup.distance_m is None:
        for _ in range(5):
            kwargs["tilt_deg"] = tilt_for(distance)
            cam = place_camera(target, view, distance_m=distance, **kwargs)
            pix = cam.project(sample)
            extent = max(
                np.abs(pix[:, 0] - width / 2).max() / (width / 2),
                np.abs(pix[:, 1] - height / 2).max() / (height / 2),
            )
            distance *= extent / setup.fill
    kwargs["tilt_deg"] = tilt_for(distance)
    return place_camera(target, view, distance_m=distance, **kwargs)


def _rep_windows(progress: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop inclusive) frames of each movement in the schedule."""
    return [(int(a), int(b) - 1) for a, b in runs(progress > 0.01)]


def build(scenario: Scenario):
    """Pose and place the body; returns ``(time_s, schedule, scene)``."""
    from hiprom.synth.body import pose_body

    if scenario.test == "knee-to-chest":
        motion = _scaled_motion(scenario.k2c, scenario.speed)
    elif scenario.test == "hip-ir":
        motion = _scaled_motion(scenario.ir, scenario.speed)
    else:
        raise ValueError(f"unknown test {scenario.test!r}")
    n_frames = math.ceil(motion.duration_s * scenario.fps)
    time_s = np.arange(n_frames) / scenario.fps
    rest = pose_body({}, 1, scenario.body_shape)
    if scenario.test == "knee-to-chest":
        schedule = knee_to_chest_schedule(motion, time_s)
        deltas = knee_to_chest_deltas(schedule, motion.side, rest)
    else:
        schedule = ir_schedule(motion, time_s)
        deltas = ir_deltas(schedule, motion.side, motion.position, rest)
    scene = build_scene_body(deltas, n_frames, scenario.position, scenario.side, scenario.body_shape,
                             settle=scenario.test == "knee-to-chest")  # fmt: skip
    return time_s, schedule, scene


@dataclass
class Prepared:
    """A scenario posed, placed and framed, ready to render frame by frame."""

    scenario: Scenario
    time_s: np.ndarray
    schedule: dict[str, np.ndarray]
    scene: SceneBody
    camera: Camera
    view: str
    props: list[Mesh]
    colours: np.ndarray
    backdrop: np.ndarray
    card_corners: np.ndarray | None = None  # (n_frames, 4, 3) world, when the scenario has a marker
    thigh_corners: np.ndarray | None = None  # the same for the thigh card (Scenario.thigh_card)

    def _cards(self) -> list[tuple[np.ndarray, str, bool]]:
        """``(world corners (n_frames, 4, 3), layout, painted in depth order)`` of each card worn."""
        cards = []
        if self.card_corners is not None:
            cards.append((self.card_corners, self.scenario.card_layout, self.scenario.card == "strapped"))
        if self.thigh_corners is not None:
            cards.append((self.thigh_corners, "thigh", True))
        return cards

    def render(self, frame: int) -> np.ndarray:
        """The noise-free RGB image of one frame."""
        body = Mesh(self.scene.world_vertices(frame), self.scene.posed.faces, self.colours)
        inserts = []
        for track, layout, in_depth in self._cards():
            corners = track[frame]
            normal = np.cross(corners[3] - corners[0], corners[1] - corners[0])  # outward face
            to_camera = self.camera.position - corners.mean(axis=0)
            facing = float(normal @ to_camera / (np.linalg.norm(normal) * np.linalg.norm(to_camera)))
            if facing > 0.05:
                px, bright = self._card_places(track, frame), 0.55 + 0.45 * facing
                # painted last (ideal), or among the body's faces at its distance (strapped)
                depth = float(np.linalg.norm(to_camera)) if in_depth else 0.0
                image = card_image(layout)
                inserts.append((depth, lambda img, px=px, im=image, b=bright: paint_card(img, px, im, b)))
        return render([body, *self.props], self.camera, self.backdrop, self.scenario.lighting, inserts)

    def _card_places(self, track: np.ndarray, frame: int) -> np.ndarray:
        """A card's on-screen corners (4, 2), or over the exposure (5, 4, 2) with motion blur."""
        now = track[frame]
        if not self.scenario.motion_blur or frame == 0:
            return self.camera.project(now)
        before = track[frame - 1]
        share = np.linspace(0.5, 1.0, 5)[:, None, None]  # from half a frame interval back to the frame
        return self.camera.project(before + share * (now - before))

    def truth(self) -> dict[str, np.ndarray]:
        return (
            knee_to_chest_truth(self.scene) if self.scenario.test == "knee-to-chest" else ir_truth(self.scene)
        )


def prepare(scenario: Scenario) -> Prepared:
    """Pose, place and frame a scenario (no rendering yet)."""
    time_s, schedule, scene = build(scenario)
    position_key = "knee-to-chest" if scenario.test == "knee-to-chest" else scenario.position
    view = scenario.camera.view or _IDEAL_VIEW[position_key]
    camera = _fit_camera(scene, scenario.camera, view)
    backdrop = background(
        camera.width_px, camera.height_px, scenario.background, np.random.default_rng(scenario.seed)
    )
    backdrop = np.clip(backdrop * LIGHTING[scenario.lighting][2], 0, 255).astype(np.uint8)
    n_frames = time_s.shape[0]
    sample = np.concatenate(
        [scene.world_vertices(i)[::5] for i in range(0, n_frames, max(1, n_frames // 10))]
    )
    props = [
        Mesh(v, f, np.tile(c, (len(f), 1)), cull)
        for v, f, c, cull in plinth_meshes(sample.min(axis=0), sample.max(axis=0), scene.position)
    ]
    lo, hi = sample.min(axis=0), sample.max(axis=0)
    other = second_person_mesh(scenario.second_person, np.array([lo[0] - 0.08, -0.07, -0.36]),
                               np.array([hi[0] + 0.12, 0.0, 0.36]), scenario.seed)  # fmt: skip
    if other is not None:
        props.append(other)
    card = (
        _card_world_corners(scene, scenario.card_yaw_deg, scenario.card_layout) if scenario.marker else None
    )
    colours = clothed_colours(scene.posed, scenario.clothing, scenario.seed)
    thigh = None
    if scenario.thigh_card:
        rest = thigh_card_rest_corners(scene.rest, scene.side, yaw_deg=scenario.thigh_card_yaw_deg)
        thigh = scene.placement.apply(thigh_card_world_corners(scene.posed, scene.rest, scene.side, rest))
    return Prepared(scenario, time_s, schedule, scene, camera, view, props, colours, backdrop, card, thigh)


def _card_world_corners(scene: SceneBody, yaw_deg: float = 0.0, layout: str = "single") -> np.ndarray:
    """The card's corners per frame: rigid with the pelvis bone, then placed in the world."""
    rest = card_rest_corners(scene.rest, scene.side, yaw_deg=yaw_deg, layout=layout)
    root = scene.posed.bone_poses["root"]  # (n, 4, 4); the rest root pose is the identity
    body = np.einsum("nij,kj->nki", root[:, :3, :3], rest) + root[:, None, :3, 3]
    return scene.placement.apply(body)


def generate_clip(scenario: Scenario, out_dir: str | Path) -> dict[str, Path]:
    """Render the clip and write it with its truth; returns the three paths."""
    out_dir = Path(out_dir)
    prep = prepare(scenario)
    rng = np.random.default_rng(scenario.seed + 1)
    paths = {
        "clip": out_dir / f"{scenario.name}.mp4",
        "csv": out_dir / f"{scenario.name}.truth.csv",
        "json": out_dir / f"{scenario.name}.truth.json",
    }
    with VideoWriter(paths["clip"], scenario.fps, crf=scenario.crf) as writer:
        for i, t in enumerate(prep.time_s):
            img = prep.render(i)
            if scenario.noise_sd > 0:
                img = np.clip(img + rng.normal(0, scenario.noise_sd, img.shape), 0, 255).astype(np.uint8)
            writer.write(_flipped(img, scenario.flip), float(t))
    truth = prep.truth()
    size = np.array([prep.camera.width_px, prep.camera.height_px], float)
    joints_2d = {name: _flipped_px(prep.camera.project(pts), scenario.flip, size)
                 for name, pts in prep.scene.world_joints().items()}  # fmt: skip
    write_truth_csv(paths["csv"], prep.time_s, truth, joints_2d)
    write_truth_json(
        paths["json"], _summary(scenario, prep.time_s, prep.schedule, truth, prep.camera, prep.view)
    )
    return paths


def _flipped(img: np.ndarray, flip: str) -> np.ndarray:
    if flip == "mirrored":
        return np.ascontiguousarray(img[:, ::-1])
    if flip == "upside_down":
        return np.ascontiguousarray(img[::-1, ::-1])
    if flip not in FLIPS:
        raise ValueError(f"flip must be one of {FLIPS}, got {flip!r}")
    return img


def _flipped_px(px: np.ndarray, flip: str, size: np.ndarray) -> np.ndarray:
    """Truth pixel positions in the stored (flipped) frames."""
    px = np.array(px, float)
    if flip in ("mirrored", "upside_down"):
        px[..., 0] = size[0] - px[..., 0]
    if flip == "upside_down":
        px[..., 1] = size[1] - px[..., 1]
    return px


def _summary(scenario: Scenario, time_s, schedule, truth, camera: Camera, view: str) -> dict:
    from hiprom import __version__

    reps = []
    progress = schedule.get("progress", np.abs(schedule.get("rotation_deg", np.zeros_like(time_s))))
    windows = _rep_windows(progress)
    for start, stop in windows:
        window = slice(start, stop + 1)
        rep = {"start_s": float(time_s[start]), "end_s": float(time_s[stop])}
        for key, values in truth.items():
            rep[f"peak_{key}"] = float(np.max(values[window]))
            rep[f"min_{key}"] = float(np.min(values[window]))
        if scenario.test == "knee-to-chest":
            rep["onset"], rep["lumbar_borrowing"] = rep_onset_truth(
                time_s, truth, rep["start_s"], rep["end_s"]
            )
        reps.append(rep)
    if scenario.test == "hip-ir" and len(reps) >= 1:
        ir = truth["hip_ir_deg"]
        summary_ir = {"peak_ir_deg": float(ir.max()), "peak_er_deg": float(-ir.min())}
    else:
        summary_ir = {}
    return {
        "format": "hiprom.synth-truth/1",
        "hiprom_version": __version__,
        "scenario": _jsonable(dataclasses.asdict(scenario)),
        "card_revision": CARD_REVISION if scenario.marker else None,
        "body_revision": BODY_REVISION if scenario.test == "knee-to-chest" else None,
        "test": scenario.test,
        "position": scenario.position,
        "side": scenario.side,
        "view": view,
        "fps": scenario.fps,
        "n_frames": int(time_s.shape[0]),
        "camera": camera.as_dict(),
        "baseline_still_s": float(time_s[windows[0][0]]) if windows else None,
        "reps": reps,
        **summary_ir,
        "definitions": "see hiprom.synth.truth",
    }


def _jsonable(obj):
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj
