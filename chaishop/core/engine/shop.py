"""One run: a spec becomes orders, a crew serves them, the stopwatch judges.

    RunSpec --make_orders--> [Order] --crew.start--> crew.events()
        --> stopwatch.observe --> sink(RunStarted | Event | RunFinished)
                              +-> (summarise=True) Summariser --> sink(CrewSummary)
    MemoryWatch (sampled between events): peak RSS and OS threads -> RunResult
    NoiseMeter around it all: the CPU other programs took meanwhile goes into the result

``Run.execute`` blocks until the run is over; ``cancel`` and ``knock_out``
may be called from any other thread meanwhile.  Bench calls it directly; the
kitchen process calls it for the UI.  Both therefore show the same numbers.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from typing import Callable

from chaishop.core.protocol import events as ev
from chaishop.core.workloads import lessons
from chaishop.core.workloads.lesson_kind import kind_of
from chaishop.core.crews import make_crew
from chaishop.core.engine import switch
from chaishop.core.menu import MODE, RECIPE, crew_of
from chaishop.core.measure.memory import MemoryWatch
from chaishop.core.measure.noise import NoiseMeter
from chaishop.core.workloads.recipes import make_orders
from chaishop.core.engine.rush import summarised
from chaishop.core.measure.stopwatch import Stopwatch
from chaishop.core.measure.summary import Summariser

Sink = Callable[[object], None]


def _ignore(_: object) -> None:
    pass


class Run:
    """``summarise``: send CrewSummary messages instead of every barista Event
    (the kitchen does so for crews too big for panes, see core.engine.rush)."""

    def __init__(self, spec: ev.RunSpec, sink: Sink = _ignore, companions: tuple[int, ...] = (),
                 summarise: bool = False):
        if spec.size <= 0 and not RECIPE[spec.recipe].sized:  # sized in the recipe's own unit
            spec = dataclasses.replace(spec, size=lessons.order_size(spec))
        self.spec = spec
        self.sink = sink
        self.companions = companions  # the shop's other processes (the front of house)
        self.summarise = summarise
        kind = kind_of(spec.recipe)  # a lesson of its own may make its orders itself
        orders = kind.make_orders(spec) if kind is not None else None
        self.orders = orders if orders is not None else make_orders(
            spec.recipe, spec.orders, spec.size, spec.order_s)
        if not MODE[spec.mode].in_process:  # the switch interval is per interpreter: theirs
            self.orders = switch.stamp(self.orders, spec.switch_interval_ms)
        options = {"scheduler": spec.scheduler} if spec.scheduler else {}
        self.crew = make_crew(spec.mode, spec.baristas, spec.timeout_s, **options)
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
        with switch.switched(self.spec.switch_interval_ms):  # this process's, for the run
            return self._execute()

    def _execute(self) -> ev.RunResult:
        crew = self.crew
        watch = Stopwatch(self.spec, crew.out_of_process)
        run_id = self.spec.run
        noise = NoiseMeter(self.companions).start()
        lesson = None
        summary = Summariser(self.spec, served=watch.served) if self.summarise else None
        # Sampled from this loop, between events, not by a thread of its own: with
        # one, tests/test_soak.py counted extra kitchen threads after its runs
        # (cause not pinned down; without it the soak passes).
        memory = MemoryWatch().start(thread=False)
        try:
            with crew:
                for msg in crew.prepare():  # warm resources: before the stopwatch, never timed
                    self.sink(msg)
                self.sink(ev.RunStarted(self.spec, watch.start()))
                # Inside the wall: filling shared memory is part of what sharing costs.
                lesson = lessons.prepare(self.spec, crew, self.orders)
                crew.heartbeat = memory.tick  # 5,000 threads take a second or more to start
                crew.start(lesson.orders)
                for e in crew.events():
                    memory.tick()
                    if run_id and summary is None:
                        e = dataclasses.replace(e, run=run_id)
                    watch.observe(e)
                    lesson.observe(e)
                    if summary is not None:
                        if (s := summary.add(e)) is not None:
                            self.sink(dataclasses.replace(s, **_now(memory)))
                        continue
                    self.sink(e)
                cancelled = crew.cancelled  # before close(), which cancels
            result = lesson.settle(watch.stop(crew.baristas, cancelled, crew.launched))
        finally:
            peaks = memory.stop()
            if lesson is not None:
                lesson.close()
        result = dataclasses.replace(
            result,
            idle_rss_mib=round(peaks.idle_rss_mib, 2), peak_rss_mib=round(peaks.peak_rss_mib, 2),
            rss_per_barista_kib=round(peaks.per_barista_kib(crew.baristas), 2),
            os_threads_peak=peaks.os_threads_peak)
        measured = noise.stop(result.cpu_s, result.wall_s)
        if measured is not None:
            result = dataclasses.replace(
                result, other_cpu_cores=measured.other_cores, steal_cores=measured.steal_cores,
                noisy=measured.noisy,
                front_cpu_cores=measured.companion_cores if self.companions else None)
        if summary is not None:
            self.sink(summary.summary(final=True, **_now(memory)))
        self.sink(ev.RunFinished(result))
        return result


def _now(memory: MemoryWatch) -> dict:
    rss_mib, threads = memory.now_mib()
    return {"rss_mib": round(rss_mib, 1), "os_threads": threads}


def run(spec: ev.RunSpec, sink: Sink = _ignore) -> ev.RunResult:
    return Run(spec, sink).execute()


def kitchen_run(spec: ev.RunSpec, sink: Sink, companions: tuple[int, ...] = ()) -> Run:
    """The kitchen's run: a crew too big for panes is summarised (core.engine.rush); a
    sequential run is one barista, whatever the crew size says."""
    return Run(spec, sink, companions,
               summarise=summarised(crew_of(spec.mode, spec.baristas)))
