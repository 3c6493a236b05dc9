"""Orders served in one run: counted once, here, and read by every view.

    Event DONE ──▶ Served.observe ──▶ total, of(barista)
    a rush hour (the kitchen sends a CrewSummary, not every event) ──▶ Served.summarised(n)

In the kitchen the run's Stopwatch owns one (RunResult.orders_done, each BaristaStats.served)
and the rush-hour Summariser reads it (CrewSummary.orders_done).  In the front of house the
app's RunState owns one for the shown run: the stopwatch panel's "n/N orders served" and
each barista pane's "n served" read it.
"""

from __future__ import annotations

from chaishop.core.protocol import events as ev


class Served:
    __slots__ = ("total", "_by")

    def __init__(self) -> None:
        self.total = 0
        self._by: dict[int, int] = {}

    def observe(self, e: ev.Event) -> None:
        if e.kind == ev.DONE:
            self.total += 1
            self._by[e.barista] = self._by.get(e.barista, 0) + 1

    def of(self, barista: int) -> int:
        """Orders ``barista`` served (0 for one not heard of)."""
        return self._by.get(barista, 0)

    def summarised(self, total: int) -> None:
        """A rush hour's count, from the kitchen's CrewSummary (no event per order)."""
        self.total = total
