"""``chaishop convert FILE.cast OUT.gif|OUT.svg``: one recording into another format.

    FILE.cast ──cast.read──▶ terminal.replay(fps) ──▶ gif.write (Painter at font size)
                                                  └─▶ svg.write

The output's extension chooses the writer.  Errors (a missing or malformed
cast, an unwritable output) are ConvertError, one line.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from chaishop.recordings import cast as cast_file
from chaishop.recordings.terminal import DEFAULT_FPS

FORMATS = (".gif", ".svg")
CAST = ".cast"


class ConvertError(Exception):
    """A conversion that cannot be done; one line."""


@dataclass(frozen=True)
class Converted:
    path: Path
    frames: int
    seconds: float  # length of the recording
    bytes: int

    def summary(self) -> str:
        return (f"wrote {self.path}: {self.frames} frames, {self.seconds:.1f} s, "
                f"{self.bytes / 1e6:.2f} MB")


def kind(path: str | os.PathLike) -> str:
    """".cast", ".gif" or ".svg" for a recording's path; ConvertError otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS + (CAST,):
        raise ConvertError(f"{os.fspath(path)!r}: a recording ends in .cast, .gif or .svg")
    return suffix


# A GIF's font size by default: 90 columns (the README preset) at 15 px are 810 px wide,
# the width a README shows; wider terminals get 16 px (120 columns: 1,200 px).
README_COLUMNS, README_FONT_SIZE, FONT_SIZE = 100, 15, 16


def is_picture(path: str | os.PathLike) -> bool:
    """True for a .gif or .svg path (anything else is recorded as asciicast)."""
    return Path(path).suffix.lower() in FORMATS


def record_picture(record_cast: Callable[[Path], int], target: str | os.PathLike,
                   fps: float | None = None, font_size: int | None = None) -> tuple[int, Converted]:
    """Record to a temporary .cast with ``record_cast(path)``, convert it to ``target``.

    ``target`` is checked writable first, so a bad path fails before the recording,
    not after it.  Returns the recorded command's exit code and what was written."""
    kind(target)
    existed = Path(target).exists()
    try:
        open(target, "ab").close()
    except OSError as exc:
        raise ConvertError(f"cannot write {os.fspath(target)!r}: {exc.strerror}") from None
    try:
        with tempfile.TemporaryDirectory(prefix="chaishop-rec-") as tmp:
            cast = Path(tmp) / f"{Path(target).stem}{CAST}"
            code = record_cast(cast)
            return code, convert(cast, target, fps, font_size)
    except BaseException:
        if not existed:
            Path(target).unlink(missing_ok=True)  # no empty picture left behind
        raise


def convert(source: str | os.PathLike, target: str | os.PathLike,
            fps: float | None = DEFAULT_FPS, font_size: int | None = None) -> Converted:
    fps = fps or DEFAULT_FPS
    suffix = kind(target)
    if suffix == CAST:
        raise ConvertError("convert writes .gif or .svg (a .cast is what it reads)")
    try:
        recording = cast_file.read(source)
    except cast_file.CastError as exc:
        raise ConvertError(str(exc)) from None
    from chaishop.recordings import terminal

    frames = terminal.replay(recording, fps)
    try:
        if suffix == ".gif":
            from chaishop.recordings import gif
            from chaishop.recordings.raster import Painter

            if font_size is None:
                font_size = README_FONT_SIZE if recording.width <= README_COLUMNS else FONT_SIZE
            n = gif.write(frames, target, Painter(font_size), recording.duration)
        else:
            from chaishop.recordings import svg

            n = svg.write(frames, target, recording.duration)
    except OSError as exc:
        raise ConvertError(f"cannot write {os.fspath(target)!r}: {exc.strerror}") from None
    return Converted(Path(target), n, recording.duration, Path(target).stat().st_size)
