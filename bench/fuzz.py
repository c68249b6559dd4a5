"""Bad and hostile input for ``hiprom``: one line, the documented exit code, nothing left, bounded memory.

Builds each input in a scratch folder, runs ``python -m hiprom ...`` on it as a user would (its own
process, so the exit code, stderr and peak memory are the real ones) and checks:

- the exit code is the one the README documents for that kind of input;
- stderr is one line, ``hiprom: error: ...``, with no traceback (exit 0: no error line);
- a failed run leaves no output folder and no stray files in the scratch folder;
- the process's own peak memory (its ``wait4`` rusage, not the whole family's) stays under
  ``MAX_RSS_MB``.

Usage: ``python bench/fuzz.py [--jobs N] [--out bench/last_fuzz_run.txt]``; ``tests/test_fuzz.py`` runs
the same cases (slow, two at a time) and fails on any miss.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
SHARED = ROOT.parent / "shared" / "sample_data"
MAX_RSS_MB = 1000.0  # a real run peaks near 450 MB (bench/last_fuzz_run.txt)
IR = ["--test", "hip-ir", "--position", "seated"]


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], list[str]]  # builds the input in the folder; returns the hiprom arguments
    exit_code: int
    says: str = ""  # words the output must hold (a warning on a run that goes through)


def _bytes(name: str, data: bytes, *extra: str) -> Callable[[Path], list[str]]:
    def make(d: Path) -> list[str]:
        (d / name).write_bytes(data)
        return ["analyze", str(d / name), *extra]

    return make


def _sample(transform: Callable[[bytes], bytes], name: str = "clip.mp4", *extra: str):
    def make(d: Path) -> list[str]:
        (d / name).write_bytes(transform((SAMPLES / "ir_seated_left.mp4").read_bytes()))
        return ["analyze", str(d / name), *(extra or IR)]

    return make


def _video(name: str, frames: int, size: tuple[int, int], codec: str = "mpeg4", audio_only: bool = False):
    def make(d: Path) -> list[str]:
        import av

        with av.open(str(d / name), "w") as out:
            if audio_only:
                stream = out.add_stream("aac", rate=44100)
                for i in range(20):
                    frame = av.AudioFrame.from_ndarray(
                        np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
                    )
                    frame.sample_rate, frame.pts = 44100, i * 1024
                    for packet in stream.encode(frame):
                        out.mux(packet)
            else:
                stream = out.add_stream(codec, rate=10)
                stream.width, stream.height = size
                stream.pix_fmt = "yuv420p" if codec != "mjpeg" else "yuvj420p"
                rng = np.random.default_rng(0)
                for _ in range(frames):
                    img = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
                    for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                        out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
        return ["analyze", str(d / name), *IR]

    return make


def _copy(src: Path, name: str, *extra: str):
    def make(d: Path) -> list[str]:
        (d / name).write_bytes(src.read_bytes())
        return ["analyze", str(d / name), *extra]

    return make


def _args(*argv: str):
    def make(d: Path) -> list[str]:
        (d / "afile").write_text("x")
        return [a.replace("{d}", str(d)).replace("{ir}", str(SAMPLES / "ir_seated_left.mp4")) for a in argv]

    return make


def _png() -> bytes:
    import cv2

    return cv2.imencode(".png", np.zeros((32, 32, 3), np.uint8))[1].tobytes()


def _jpeg() -> bytes:
    import cv2

    return cv2.imencode(".jpg", np.zeros((32, 32, 3), np.uint8))[1].tobytes()


def _cut(fraction: float) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * fraction)]


def _zero_media(data: bytes) -> bytes:
    at = data.find(b"mdat")
    return data[: at + 8] + bytes(len(data) - at - 8) if at >= 0 else data


def cases() -> list[Case]:
    rng = np.random.default_rng(1)
    ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return [
        Case("missing file", _args("analyze", "{d}/nope.mp4", *IR), 3),
        Case("a folder", _args("analyze", "{d}", *IR), 4),
        Case("empty file", _bytes("empty.mp4", b"", *IR), 6),
        Case("text named .mp4", _bytes("text.mp4", b"hello, this is not a video\n" * 40, *IR), 4),
        Case("PNG named .mp4", _bytes("image.mp4", _png(), *IR), 4),
        Case("JPEG named .mov", _bytes("image.mov", _jpeg(), *IR), 4),
        Case("random bytes", _bytes("noise.mp4", rng.bytes(4096), *IR), 4),
        Case("MP4 header then noise", _bytes("fake.mp4", ftyp + rng.bytes(4096), *IR), 5),
        Case("cut at 10 %", _sample(_cut(0.10)), 5),
        Case("cut at 50 %", _sample(_cut(0.50)), 5),
        Case("cut at 97 % (analysed, warned)", _sample(_cut(0.97)), 0, says="cut short"),
        Case("index with no tracks", _sample(lambda b: b.replace(b"trak", b"free")), 5),
        Case("'moov' renamed (FFmpeg still reads it)", _sample(lambda b: b.replace(b"moov", b"free")), 0),
        Case("media data zeroed", _sample(_zero_media), 5),
        Case("audio only", _video("audio.m4a", 0, (0, 0), audio_only=True), 4),
        Case("frames of 4200 x 4200", _video("huge.mp4", 1, (4200, 4200)), 3),
        Case("one frame", _video("one.mp4", 1, (320, 240)), 7),
        Case("16 x 16 frames", _video("tiny.mp4", 10, (16, 16)), 7),
        Case("odd size 34 x 18, MJPEG in AVI", _video("odd.avi", 10, (34, 18), codec="mjpeg"), 7),
        Case("nobody in view (noise)", _video("wall.mp4", 20, (320, 240)), 7),
        Case("a name with a newline", _copy(SAMPLES / "ir_seated_left.mp4", "a\nb.mp4", *IR), 0),
        Case("a name starting with '-'", _copy(SAMPLES / "ir_seated_left.mp4", "-clip.mp4", *IR), 0),
        Case("a unicode name", _copy(SAMPLES / "ir_seated_left.mp4", "Zoë 髋.mp4", *IR), 0),
        Case("unknown --test", _args("analyze", "{ir}", "--test", "squat"), 2),
        Case("unknown --position", _args("analyze", "{ir}", "--test", "hip-ir", "--position", "upside"), 2),
        Case("hip-ir without --position", _args("analyze", "{ir}", "--test", "hip-ir", "-o", "{d}/out"), 3),
        Case("unknown --side", _args("analyze", "{ir}", *IR, "--side", "middle"), 2),
        Case("unknown --marker", _args("analyze", "{ir}", "--marker", "maybe"), 2),
        Case("-o is a file", _args("analyze", "{ir}", *IR, "-o", "{d}/afile"), 10),
        Case("-o under a file", _args("analyze", "{ir}", *IR, "-o", "{d}/afile/out"), 10),
        Case("bad --db", _args("analyze", "{ir}", *IR, "--athlete", "Sam", "--db", "nonsense://x"), 12),
        Case("blank --athlete",
             _args("analyze", "{ir}", *IR, "--athlete", "  ", "--db", "sqlite:///{d}/s.db"), 3),
        Case("bad --session date",
             _args("analyze", "{ir}", *IR, "--athlete", "Sam", "--session", "31/12"), 3),
        Case("--max-people 0", _args("analyze", "{ir}", *IR, "--max-people", "0"), 2),
        Case("hostile --athlete (formula, 300 chars)",
             _args("analyze", "{ir}", *IR, "--athlete", "=cmd" * 75, "--db", "sqlite:///{d}/s.db"), 3),
        Case("wrong test: knee-to-chest clip as seated IR",
             _copy(SAMPLES / "k2c_right_healthy.mp4", "k2c.mp4", *IR), 3),
        Case("wrong test: IR clip as knee-to-chest", _copy(SAMPLES / "ir_seated_left.mp4", "ir.mp4"), 3),
        Case("not the test: a bridge", _copy(SHARED / "physioplus" / "bridging.mp4", "bridge.mp4"), 3),
        Case("history of nobody", _args("history", "Nobody", "--db", "sqlite:///{d}/s.db"), 3),
        Case("export in an unknown format",
             _args("export", "Nobody", "--format", "xls", "--db", "sqlite:///{d}/s.db"), 2),
        Case("marker id out of range", _args("marker", "-o", "{d}/card.png", "--id", "77"), 3),
        Case("--db a plain file path, not a URL", _args("compare", "Nobody", "--db", "{d}/afile"), 12),
    ]  # fmt: skip


def run_case(case: Case) -> dict:
    """Run one case in a scratch folder; what happened and whether it is right."""
    with tempfile.TemporaryDirectory(prefix="hiprom-fuzz-") as tmp:
        d = Path(tmp)
        argv = case.make(d)
        if "-o" not in argv and argv[0] == "analyze":
            argv += ["-o", str(d / "out")]
        before = {p.name for p in d.iterdir()}
        env = {**os.environ, "HIPROM_CACHE_DIR": str(d / ".cache"), "HIPROM_DB": f"sqlite:///{d}/default.db"}
        cmd = [sys.executable, "-m", "hiprom", *argv] + (["-q"] if argv[0] == "analyze" else [])
        start = time.perf_counter()
        code, stdout, stderr, rss_mb = _run(cmd, env, d)
        elapsed = time.perf_counter() - start
        lines = [ln for ln in stderr.splitlines() if ln.strip()]
        left = {p.name for p in d.iterdir()} - before - {".cache", "default.db"}
        problems = []
        if code != case.exit_code:
            problems.append(f"exit {code}, expected {case.exit_code}")
        if "Traceback" in stderr:
            problems.append("a traceback")
        if code not in (0, 2) and (len(lines) != 1 or not lines[0].startswith("hiprom: error: ")):
            problems.append(f"stderr is not one error line: {stderr[:200]!r}")
        if code == 2 and not any(ln.startswith("hiprom") for ln in lines):
            problems.append(f"usage error without its line: {stderr[:200]!r}")
        if code != 0 and left:
            problems.append(f"left behind: {sorted(left)}")
        if case.says and case.says not in stdout + stderr:
            problems.append(f"did not say {case.says!r}")
        if not rss_mb <= MAX_RSS_MB:  # NaN (not measured) fails too
            problems.append(f"peak memory {rss_mb:.0f} MB")
        return {
            "name": case.name,
            "exit": code,
            "expected": case.exit_code,
            "line": lines[-1][:110] if lines else "",
            "seconds": elapsed,
            "peak_mb": rss_mb,
            "problems": problems,
        }


# Runs the command as its own child and writes that child's peak RSS (kB) to argv[1]. A process's
# peak starts from the memory of whoever forked it (Linux carries the high-water mark across exec),
# so a child forked straight from a test process that ran the pose model would report the test's
# gigabytes; forked from this small launcher it reports its own.
_LAUNCHER = """
import os, signal, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
child.returncode = code = os.waitstatus_to_exitcode(status)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
if code < 0:  # die of the same signal
    if -code != signal.SIGKILL:
        signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def _run(cmd: list[str], env: dict, cwd: Path, timeout_s: float = 600.0) -> tuple[int, str, str, float]:
    """Run one command; its exit code, stdout, stderr and its own peak RSS in MB (NaN if unknown)."""
    with tempfile.TemporaryDirectory(prefix="hiprom-fuzz-rss-") as tmp:
        rss_file = Path(tmp) / "maxrss_kb"
        argv = [sys.executable, "-c", _LAUNCHER, str(rss_file), *cmd]
        pipe = subprocess.PIPE
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=pipe, stderr=pipe, start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stdout, stderr = proc.communicate()
        text = rss_file.read_text() if rss_file.is_file() else ""
    rss_mb = int(text) / 1024 if text.isdigit() else float("nan")
    decode = [b.decode("utf-8", "replace") for b in (stdout, stderr)]
    return proc.returncode, decode[0], decode[1], rss_mb


def run_cases(cases_: Iterable[Case], jobs: int = 2) -> list[dict]:
    """Run the cases, ``jobs`` processes at a time (each case's memory is still its own); in order."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(run_case, cases_))


def report(results: list[dict]) -> str:
    lines = ["| bad input | exit (expected) | what hiprom said | s | MB | ok |", "|---|---|---|---|---|---|"]
    for r in results:
        said = r["line"].replace("|", "/") or "(done)"
        ok = "yes" if not r["problems"] else "NO: " + "; ".join(r["problems"])
        lines.append(
            f"| {r['name']} | {r['exit']} ({r['expected']}) | {said} | {r['seconds']:.1f} "
            f"| {r['peak_mb']:.0f} | {ok} |"
        )
    bad = sum(bool(r["problems"]) for r in results)
    lines += ["", f"{len(results)} kinds of bad input; {len(results) - bad} handled as documented, {bad} not"]
    peak = max((r["peak_mb"] for r in results), default=0.0)
    lines.append(
        f"largest peak memory of one run: {peak:.0f} MB (limit {MAX_RSS_MB:.0f} MB, checked per case)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the table here")
    parser.add_argument("--only", default="")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at a time (default 2)")
    args = parser.parse_args(argv)
    results = run_cases([c for c in cases() if args.only in c.name], args.jobs)
    text = report(results)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0 if all(not r["problems"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
