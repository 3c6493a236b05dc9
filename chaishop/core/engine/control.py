"""How a crew talks to a working barista, and what stops one.

    crew --cancelled() / knocked()--> Control.check() --raises--> Cancelled | KnockedOut | OrderTimeout

A barista calls ``control.check()`` between chunks of work (core.engine.work);
what stopped it becomes its FAILED event's reason (``failure_reason``).  Imported
by every barista process and subinterpreter: standard library only.
"""

from __future__ import annotations

import time
from collections.abc import Callable  # lighter than typing

from chaishop.core.workloads.recipes import WAIT_SLICE_S


class Cancelled(Exception):
    """The run was cancelled: stop between chunks."""


class KnockedOut(Exception):
    """A teacher knocked this barista out (the ``k`` key)."""


class OrderTimeout(Exception):
    """An order took longer than the run's timeout."""


class Control:
    """How a crew talks to a working barista between chunks.

    ``check()`` raises :class:`Cancelled` when the run is cancelled; each crew
    provides ``cancelled`` (and optionally ``knocked``) in its own way: a
    threading.Event, a pipe poll, a flag.
    """

    def __init__(self, cancelled: Callable[[], bool], knocked: Callable[[], bool] = lambda: False,
                 timeout_s: float | None = None, checkin_s: float = WAIT_SLICE_S,
                 core_wait: bool = True):
        self._cancelled = cancelled
        self._knocked = knocked
        self.timeout_s = timeout_s
        # How often a waiting barista wakes to report progress and look for a
        # cancel: every WAIT_SLICE_S in a small crew, less often in a rush hour
        # (see chaishop.core.engine.rush.checkin_s).
        self.checkin_s = checkin_s
        # Whether the barista reads its own thread's schedstat (time waiting for a core)
        # at each report.  Not in a rush hour: with 3,000 threads each opening and
        # reading its /proc file, serving 3,000 one-second orders took 14.4 s instead
        # of 1.9 s (measured), the kernel's bookkeeping drowning the lesson.
        self.core_wait = core_wait
        self.order_started: float | None = None  # perf_counter of the order in hand, if any

    def check(self) -> None:
        if self._cancelled():
            raise Cancelled()
        if self._knocked():
            raise KnockedOut("knocked out by the k key")
        if (self.timeout_s is not None and self.order_started is not None
                and time.perf_counter() - self.order_started > self.timeout_s):
            raise OrderTimeout(f"order took longer than {self.timeout_s:g} s")


def failure_reason(exc: BaseException) -> str:
    """A one-line reason for a FAILED event."""
    if isinstance(exc, (KnockedOut, OrderTimeout)):
        return str(exc)
    import traceback  # only when a barista fails: every barista imports this module

    frame = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" at {frame[0].name}:{frame[0].lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"
