"""The command line's value types: each turns one option's text into a value, or says why not.

    argparse ──type=int_in(lo, hi) / float_in / mode_list / geometry / scheduler_address──▶ a value
                                                   └─ or ArgumentTypeError: one line, exit 2
    a command ──raise CliError(why)──▶ main(): "chaishop: error: why", exit 2

Modes are the menu's (``core/menu.py``): a mode this Python lacks is named with the reason.
"""

from __future__ import annotations

import argparse
from typing import Callable

from chaishop.core import menu
from chaishop.core.menu import available_modes


class CliError(Exception):
    """A bad value found after parsing; reported like an argparse error."""


def int_in(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is out of range ({lo}..{hi:,})")
        return value

    parse.__name__ = "number"
    return parse


def float_in(lo: float, hi: float, *, low_open: bool = False) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value != value or not (lo < value if low_open else lo <= value) or value > hi:
            bound = f"more than {lo:g}" if low_open else f"{lo:g}"
            raise argparse.ArgumentTypeError(f"{text} is out of range ({bound}..{hi:g})")
        return value

    parse.__name__ = "number"
    return parse


def mode_list(text: str) -> list[str]:
    modes = [m.strip() for m in text.split(",") if m.strip()]
    if not modes:
        raise argparse.ArgumentTypeError("give at least one mode")
    for m in modes:
        if m in menu.MODE and m not in available_modes():
            raise argparse.ArgumentTypeError(f"mode {m!r} is not available: "
                                             f"{menu.mode_available(m)[1]}")
        if m not in available_modes():
            raise argparse.ArgumentTypeError(
                f"unknown mode {m!r} (choose from {', '.join(available_modes())})")
    if len(set(modes)) != len(modes):
        raise argparse.ArgumentTypeError("a mode is named twice")
    return modes


def one_mode(text: str) -> str:
    """``--mode``: like ``--modes``, a mode this Python lacks is named with the reason."""
    modes = mode_list(text)
    if len(modes) != 1:
        raise argparse.ArgumentTypeError("give one mode (bench --modes takes a list)")
    return modes[0]


GEOMETRY_PRESETS = {"readme": (90, 28), "projector": (120, 36)}  # README width; a 1080p room


def geometry(text: str) -> tuple[int, int]:
    from chaishop.record import parse_geometry

    if text.lower() in GEOMETRY_PRESETS:
        return GEOMETRY_PRESETS[text.lower()]
    try:
        return parse_geometry(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def scheduler_address(text: str) -> str:
    """tcp://HOST:PORT of a Dask scheduler."""
    host, sep, port = text.removeprefix("tcp://").rpartition(":")
    if not text.startswith("tcp://") or not sep or not host or not port.isdigit() \
            or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a scheduler address like "
                                         f"tcp://127.0.0.1:8786")
    return text


def crew_list(text: str) -> list[int]:
    """``scale --crews 1,2,4``: distinct crew sizes, each 1..MAX_CREW, in increasing order."""
    parse = int_in(1, menu.MAX_CREW)
    try:
        crews = [parse(c.strip()) for c in text.split(",") if c.strip()]
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"--crews: {exc}") from None
    if not crews:
        raise argparse.ArgumentTypeError("give at least one crew size")
    if len(set(crews)) != len(crews):
        raise argparse.ArgumentTypeError("a crew size is named twice")
    return sorted(crews)
