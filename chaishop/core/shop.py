"""One run: a spec becomes orders, a crew serves them, the stopwatch judges.

    RunSpec --make_orders--> [Order] --crew.start--> crew.events()
        --> stopwatch.observe --> sink(RunStarted | Event | RunFinished)

``Run.execute`` blocks until the run is over; ``cancel`` and ``knock_out``
may be called from any other thread meanwhile.  Bench calls it directly; the
kitchen process calls it for the UI.  Both therefore show the same numbers.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from typing import Callable

from chaishop.core import events as ev
from chaishop.core.crews import make_crew
from chaishop.core.recipes import make_orders
from chaishop.core.stopwatch import Stopwatch

Sink = Callable[[object], None]


def _ignore(_: object) -> None:
    pass


class Run:
    def __init__(self, spec: ev.RunSpec, sink: Sink = _ignore):
        self.spec = spec
        self.sink = sink
        self.orders = make_orders(spec.recipe, spec.orders, spec.size, spec.wait_s)
        self.crew = make_crew(spec.mode, spec.baristas, spec.timeout_s)
        self._lock = threading.Lock()

    def cancel(self) -> None:
        self.crew.cancel()

    def knock_out(self, barista: int | None = None) -> int | None:
        """Knock out ``barista`` (or a random working one); returns who, or None."""
        with self._lock:
            working = self.crew.working()
            if barista is None and working:
                barista = random.choice(working)
            if barista is not None and self.crew.knock_out(barista):
                return barista
        return None

    def execute(self) -> ev.RunResult:
        crew = self.crew
        watch = Stopwatch(self.spec, crew.out_of_process)
        run_id = self.spec.run
        with crew:
            self.sink(ev.RunStarted(self.spec, watch.start()))
            crew.start(self.orders)
            for e in crew.events():
                if run_id:
                    e = dataclasses.replace(e, run=run_id)
                watch.observe(e)
                self.sink(e)
            cancelled = crew.cancelled  # before close(), which cancels
        result = watch.stop(crew.baristas, cancelled)
        self.sink(ev.RunFinished(result))
        return result


def run(spec: ev.RunSpec, sink: Sink = _ignore) -> ev.RunResult:
    return Run(spec, sink).execute()
