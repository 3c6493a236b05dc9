"""Drawing less while a CPU-bound run keeps every core busy: what the screen takes, the
baristas do not get (on 2 cores a processes brew showed 1.30x in the app, 2.09x in bench).

    RunStarted ──▶ Calm.start(spec, cores): calm when the recipe is CPU-bound and the crew
        fills every core (``crew_of(mode, crew) >= cores``); otherwise nothing changes
    ShopApp._tick, ShopApp.sample_cpu, LiveTimeline.tick ──▶ Calm.skip(name): while calm,
        True on all but one call in EVERY[name] (drain and stopwatch every 300 ms instead of
        100, one CPU sample in three, lane samples every 100 ms instead of 50, the live
        timeline redrawn every 0.9 s instead of 0.3)
    ShopApp._tick with no run on ──▶ Calm.stop(): the front's priority back, full pace

While calm, the front of house's threads are also niced (+NICE) where the OS lets it set
them back afterwards (root, or an RLIMIT_NICE that allows it: ``can_restore``); elsewhere
it only draws less.  Every figure stays measured: a CPU sample is the load since the
previous one, a lane sample the schedstat counters since the last; only fewer are drawn.
The stopwatch's "this screen" says what the screen still took.
"""

from __future__ import annotations

import os

from chaishop.core.menu import RECIPE, crew_of

# While calm, one call in this many does its work.
EVERY = {"tick": 3, "cpu": 3, "lanes": 2, "live": 3}
NICE = 10  # CFS: a nice-10 thread weighs about a tenth of a nice-0 barista
TASKS = "/proc/self/task"  # Linux: nice is a per-thread attribute there


def can_restore(base: int) -> bool:
    """Whether this process may set its threads' nice value back to ``base`` after raising it."""
    if not hasattr(os, "geteuid") or not os.path.isdir(TASKS):
        return False
    if os.geteuid() == 0:
        return True
    import resource

    soft = resource.getrlimit(resource.RLIMIT_NICE)[0]
    return soft == resource.RLIM_INFINITY or 20 - soft <= base


def _renice(value: int) -> bool:
    try:
        for tid in os.listdir(TASKS):
            os.setpriority(os.PRIO_PROCESS, int(tid), value)
        return True
    except (OSError, ValueError):
        return False


class Calm:
    def __init__(self, enabled: bool = True, nice: bool = True) -> None:
        self.on = False
        self.enabled = enabled  # False: full pace always (an A/B measurement)
        self.nice = nice  # tests: draw less, leave the priority alone
        self._calls: dict[str, int] = {}
        self._base: int | None = None  # the nice value to go back to, while raised

    def start(self, mode: str, recipe: str, crew: int, cores: int) -> None:
        self.stop()
        self.on = self.enabled and RECIPE[recipe].cpu_bound and crew_of(mode, crew) >= max(1, cores)
        self._calls.clear()
        if self.on and self.nice:
            base = os.getpriority(os.PRIO_PROCESS, 0) if hasattr(os, "getpriority") else 0
            if can_restore(base) and _renice(min(19, base + NICE)):
                self._base = base

    def stop(self) -> None:
        self.on = False
        if self._base is not None:
            _renice(self._base)
            self._base = None

    @property
    def niced(self) -> bool:
        return self._base is not None

    def skip(self, name: str) -> bool:
        """While calm: True when this call of ``name`` should not do its work."""
        if not self.on:
            return False
        n = self._calls[name] = self._calls.get(name, 0) + 1
        return n % EVERY[name] != 1 % EVERY[name]
