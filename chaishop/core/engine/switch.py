"""The GIL's switch interval as a knob (``--switch-interval MS``, the shop's [ and ] keys).

    RunSpec.switch_interval_ms --Run.execute: switched()--> sys.setswitchinterval in the
        engine process for the run, the default back after it
    out-of-process crews: each Order carries switch_s --barista: apply()--> the same call in
        the barista's own process or subinterpreter (the interval is per interpreter)

CPython asks a thread holding the GIL to drop it after this long when another thread wants
it (default 5 ms): shorter, and a waking I/O thread gets the GIL sooner; the brewers pay with
more switches.  Import-light: barista processes import it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys

MIN_MS = 0.01  # what the halve key stops at (10 µs: switching then costs more than it gives)
MAX_MS = 1000.0  # what the double key stops at


def halve(ms: float) -> float:
    return max(MIN_MS, round(ms / 2, 4))


def double(ms: float) -> float:
    return min(MAX_MS, round(ms * 2, 4))


def default_ms() -> float:
    """The interval in force in this process now, in ms (5.0 unless someone changed it)."""
    return round(sys.getswitchinterval() * 1000, 4)


@contextlib.contextmanager
def switched(ms: float | None):
    """Set the interval (``ms``; None leaves it) for a block, and restore it after."""
    before = sys.getswitchinterval()
    if ms:
        sys.setswitchinterval(ms / 1000)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def stamp(orders: list, ms: float | None) -> list:
    """Orders that carry the interval to baristas in processes of their own."""
    if not ms:
        return orders
    return [dataclasses.replace(o, switch_s=ms / 1000) for o in orders]


def apply(order) -> None:
    """In a barista: the interval its order carries, if any (its process's own setting)."""
    s = getattr(order, "switch_s", 0.0)
    if s and s != sys.getswitchinterval():
        sys.setswitchinterval(s)
