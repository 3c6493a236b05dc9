"""Noise: how much CPU other programs (and the hypervisor) took while a run was on.

    NoiseMeter(companions).start()  --- the run ---  .stop(shop_cpu_s, wall_s)
        psutil.cpu_times(): busy CPU of the whole machine over the run, steal included
        minus the shop's own CPU (the run's CPU, plus companions: the front of
        house, the forkserver) = other programs, in cores -> Noise

On a 2-core machine a compiler or a browser tab taking half a core turns a
1.9x processes speed-up into 1.1x; a run is *noisy* when others took more than
``NOISY_CORES`` on average.  On virtual machines the host takes cycles no
process here shows: ``steal`` counts them (and counts as noise).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psutil

# Others using more than a quarter of a core on average spoil a run's figures
# by 15-50 % on 2 cores (measured): flag the run.
NOISY_CORES = 0.25


def _busy(t) -> tuple[float, float]:
    """Busy CPU seconds of the machine (steal included) and steal alone."""
    total = sum(t)
    # On Linux guest time is already counted in user time (psutil does the same).
    total -= getattr(t, "guest", 0.0) + getattr(t, "guest_nice", 0.0)
    idle = t.idle + getattr(t, "iowait", 0.0)
    return total - idle, getattr(t, "steal", 0.0)


def _cpu_of(procs: dict[int, psutil.Process]) -> dict[int, float]:
    out = {}
    for pid, p in procs.items():
        try:
            c = p.cpu_times()
            out[pid] = c.user + c.system
        except (psutil.Error, OSError):
            pass
    return out


@dataclass(frozen=True)
class Noise:
    other_cores: float  # other programs + the hypervisor, in cores over the run
    steal_cores: float  # the hypervisor's part
    companion_cores: float = 0.0  # the shop's companions (the front of house drawing it)

    @property
    def noisy(self) -> bool:
        return self.other_cores > NOISY_CORES

    def describe(self) -> str:
        return f"other programs used {self.other_cores:.2f} cores"


class NoiseMeter:
    """Measure others' CPU over one run.  ``companions``: pids of the shop's own
    long-lived processes besides this one (their CPU is not noise)."""

    def __init__(self, companions: tuple[int, ...] = ()) -> None:
        self.companions = companions
        self._procs: dict[int, psutil.Process] = {}
        self._start: tuple[float, float] | None = None
        self._own0: dict[int, float] = {}

    def start(self) -> "NoiseMeter":
        me = psutil.Process()
        procs = {os.getpid(): me}
        try:
            procs |= {c.pid: c for c in me.children(recursive=True)}  # forkserver, tracker
        except psutil.Error:
            pass
        for pid in self.companions:
            try:
                procs[pid] = psutil.Process(pid)
            except psutil.Error:
                pass
        self._procs = procs
        self._own0 = _cpu_of({p: c for p, c in procs.items() if p != os.getpid()})
        self._start = _busy(psutil.cpu_times())
        return self

    def stop(self, shop_cpu_s: float, wall_s: float) -> Noise | None:
        """``shop_cpu_s``: the run's own CPU (this process and its baristas)."""
        if self._start is None or wall_s <= 0:
            return None
        busy1, steal1 = _busy(psutil.cpu_times())
        busy0, steal0 = self._start
        own1 = _cpu_of({p: c for p, c in self._procs.items() if p in self._own0})
        used = {p: max(0.0, own1[p] - self._own0[p]) for p in own1}
        other = max(0.0, (busy1 - busy0) - shop_cpu_s - sum(used.values()))
        front = sum(c for p, c in used.items() if p in self.companions)
        return Noise(round(other / wall_s, 3), round(max(0.0, steal1 - steal0) / wall_s, 3),
                     round(front / wall_s, 3))
