"""The sequential crew: one barista does every order, one after the other.

The baseline every speed-up is measured against.  It is a thread crew of one
(a thread of the engine process, like the tutorial's plain loop in a script),
so it pays the same small costs as thread baristas and nothing else.
"""

from __future__ import annotations

import threading

from chaishop.core.crews.threads import ThreadCrew


class SequentialCrew(ThreadCrew):
    """One barista does every order, one after the other."""

    mode = "sequential"

    def __init__(self, baristas: int = 1, timeout_s: float | None = None):
        super().__init__(1, timeout_s)

    def _identity(self) -> str:
        return f"{threading.current_thread().name} · thread {threading.get_native_id()} · alone"
