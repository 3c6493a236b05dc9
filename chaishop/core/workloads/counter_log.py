"""asyncio's own witness, caught: debug mode's "Executing <Task ...> took 0.250 seconds".

    the crew's loop (debug on: core/workloads/counter_steps.py) --logging 'asyncio'-->
        SlowCallbacks (a handler, in the engine) --lines--> CounterResult.slow_lines

asyncio logs a step that held its loop longer than ``loop.slow_callback_duration`` at
WARNING on the 'asyncio' logger; with no handler anywhere, Python's last-resort handler would
print it on stderr, under the shop's screen.  This handler takes those lines for the lesson
(the shop shows them as its own warning) and, while attached, stops the logger from passing
them on.  Engine only (asyncio crews run in the engine process).
"""

from __future__ import annotations

import logging
import re

MAX_LINES = 50  # kept; the count goes on
_TOOK = re.compile(r"Executing (?P<what>.*) took (?P<s>[0-9.]+) seconds")
_NAME = re.compile(r"name='(?P<name>[^']+)'")


def shorten(message: str) -> str:
    """'Executing <Task pending name='Barista-2' coro=<...>> took 1.002 seconds' ->
    'Barista-2 held the loop 1.002 s (asyncio debug: "Executing ... took 1.002 seconds")'."""
    m = _TOOK.search(message)
    if m is None:
        return message[:160]
    n = _NAME.search(m["what"])
    who = n["name"] if n else "a callback"
    return f'{who} held the loop {float(m["s"]):.3f} s (asyncio debug: "Executing ... took {m["s"]} seconds")'


class SlowCallbacks(logging.Handler):
    """Collects asyncio's slow-step warnings while attached to the 'asyncio' logger."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self.count = 0
        self._logger = logging.getLogger("asyncio")
        self._propagate = True
        self._level = logging.NOTSET

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad record is not the lesson's problem
            return
        if "Executing" in message and " took " in message:
            self.count += 1
            if len(self.lines) < MAX_LINES:
                self.lines.append(shorten(message))

    def attach(self) -> "SlowCallbacks":
        self._propagate, self._level = self._logger.propagate, self._logger.level
        self._logger.addHandler(self)
        self._logger.propagate = False  # never on stderr, whatever the root logger does
        if self._logger.getEffectiveLevel() > logging.WARNING:
            self._logger.setLevel(logging.WARNING)
        return self

    def detach(self) -> None:
        self._logger.removeHandler(self)
        self._logger.propagate = self._propagate
        self._logger.setLevel(self._level)
