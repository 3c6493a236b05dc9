"""Kitchen supervision from the front of house: a crashed kitchen is restarted, a hung one ended.

    UI ──run / cancel / knock_out──▶ Supervisor ──▶ Kitchen (a process; a fresh one after a fault)
    UI ◀───────── poll() ─────────── Supervisor ◀── Kitchen.poll()  (+ its heartbeat clock)
         barista events, RunStarted/Finished...   passed through
         KitchenDown(reason, restart_in)           the kitchen died (restart_in None: gave up)
         KitchenSilent(silent_s) / KitchenBack     no word for SILENT_AFTER_S / talking again
         FAILED events + RunLost(run, reason)      for the run that was on when it died

A crashed kitchen (any exit nobody asked for) is restarted after a backoff;
after MAX_CRASHES within CRASH_WINDOW_S the supervisor stops trying and says
why.  A kitchen silent for HUNG_AFTER_S (stopped with SIGSTOP, a stuck
machine) is ended with SIGKILL by the next ``cancel`` or ``run`` and a fresh
one started; one that speaks again first (SIGCONT) goes on as if nothing
happened.  The new kitchen gets the calibrated order size of the old one, so
it does not calibrate again and runs stay comparable.  No Textual here: the UI
shows ``status`` and reacts to the messages (core.protocol.kitchen).
"""

from __future__ import annotations

import time

from chaishop.core.protocol import events as ev
from chaishop.core.kitchen import mp
from chaishop.core.kitchen.client import Kitchen
from chaishop.core.menu import MODE, crew_of
from chaishop.core.protocol.kitchen import (KitchenBack, KitchenDown, KitchenGone, KitchenMessage,
                                            KitchenReady, KitchenSilent, RunLost, SupervisorMessage)
from chaishop.core.workloads.recipes import DEFAULT_ORDER_S
from chaishop.core.engine.rush import summarised

# Three crashes in half a minute is a kitchen that cannot live here (a broken
# install, the OOM killer): restarting again would only hide it.
MAX_CRASHES = 3
CRASH_WINDOW_S = 30.0
# Wait before restart n (1-based): at once, then give a struggling machine room.
BACKOFF_S = (0.0, 1.0, 2.0)
# The kitchen heartbeats 3 times a second: 2 s of silence is 6 missed beats.
SILENT_AFTER_S = 2.0
# After this much silence a new run or esc ends the kitchen instead of waiting.
HUNG_AFTER_S = 3.0
# A threads rush hour: thousands of threads starting take the GIL from the kitchen's
# heartbeat for seconds (9 s and more on the busy 2-core VM): silent, not hung.
RUSH_SILENT_S = 30.0
# A starting kitchen imports and spawns before its first heartbeat: on a busy
# 2-core machine that took over a second, so it gets longer before it counts as silent.
STARTUP_SILENT_S = 10.0
# How often the kitchen's processes are listed, so that after a crash its
# orphans (forkserver, baristas) can be ended too.  Between runs the family hardly
# changes (forkserver, a warm Dask cluster) and a listing reads all of /proc (1.2 ms
# here): every 5 s then, a tenth of a per cent of a core less for an idle shop.
FAMILY_EVERY_S = 1.0
IDLE_FAMILY_EVERY_S = 5.0


class _RunWatch:
    """What the supervisor knows of the run in progress, to report it lost."""

    def __init__(self, spec: ev.RunSpec):
        self.spec = spec
        self.started = False
        self.who: dict[int, str] = {}
        self.ended: set[int] = set()

    def see(self, m: KitchenMessage) -> None:
        if isinstance(m, ev.RunStarted):
            self.started = True
        elif isinstance(m, ev.Event):
            self.who.setdefault(m.barista, m.who)
            if m.kind in ev.TERMINAL_KINDS:
                self.ended.add(m.barista)

    def lost(self, reason: str) -> list[ev.Event | RunLost]:
        out: list[ev.Event | RunLost] = []
        if self.started:
            crew = crew_of(self.spec.mode, self.spec.baristas)
            out += [ev.Event(ev.FAILED, b, self.who.get(b, f"Barista-{b}"), detail=reason,
                             run=self.spec.run)
                    for b in range(1, crew + 1) if b not in self.ended]
        return out + [RunLost(self.spec.run, reason)]


class Supervisor:
    """A Kitchen that heals: the same calls as ``Kitchen`` (run, cancel, knock_out,
    poll, close, ready), plus ``status`` for the header."""

    def __init__(self, order_s: float = DEFAULT_ORDER_S, size: int | None = None,
                 clock=time.monotonic):
        self.order_s = order_s
        self.size = size
        self.clock = clock
        self.kitchen: Kitchen | None = None
        self.crashes: list[float] = []
        self.restart_at: float | None = None
        self.gave_up: str | None = None
        self.down: str | None = None  # why the kitchen is down, while it is
        self.silent = False
        self.watch: _RunWatch | None = None
        self.queued: ev.RunSpec | None = None  # to run once a new kitchen is up
        self.out: list[ev.Event | SupervisorMessage] = []  # messages made here, for the next poll
        self._family: list = []
        self._family_at = 0.0
        self.calibrated: KitchenReady | None = None

    # -- the kitchen's life ---------------------------------------------------

    def start(self) -> "Supervisor":
        # A restart gets the calibrated size of the kitchen before it: runs stay comparable.
        size = self.size or (self.calibrated.size if self.calibrated else None)
        self.kitchen = Kitchen(order_s=self.order_s, size=size).start()
        self.silent = False
        self.down = None
        self._family, self._family_at = [], 0.0
        if self.queued is not None:
            spec, self.queued = self.queued, None
            self.run(spec)
        return self

    @property
    def ready(self) -> KitchenReady | None:
        return self.kitchen.ready if self.kitchen is not None else None

    @property
    def status(self) -> str:
        """One line for the header; empty when all is well."""
        if self.gave_up:
            return self.gave_up
        if self.down:
            return f"{self.down}: restarting…"
        if self.silent and self.kitchen is not None:
            return (f"kitchen not responding ({self.kitchen.silent_s():.0f} s): "
                    "esc or a new run restarts it")
        return ""

    def _end(self, reason: str) -> None:
        """The kitchen is gone or must go: report the run that was on, end what is left."""
        k = self.kitchen
        if k is not None:
            k.kill()
            mp.end_family(None, self._family)  # orphans of a kitchen that died first
        self.kitchen = None
        if self.watch is not None:
            self.out += self.watch.lost(reason)
            self.watch = None

    def _crashed(self, gone: KitchenGone) -> None:
        now = self.clock()
        reason = f"kitchen crashed: {gone.reason}"
        self._end(reason)
        self.crashes = [t for t in self.crashes if now - t < CRASH_WINDOW_S] + [now]
        if len(self.crashes) >= MAX_CRASHES:
            self.gave_up = (f"kitchen crashed {len(self.crashes)} times in {CRASH_WINDOW_S:g} s "
                            f"(last: {gone.reason}): not restarting; quit and restart chaishop")
            self.out.append(KitchenDown(self.gave_up, None))
            return
        wait = BACKOFF_S[min(len(self.crashes), len(BACKOFF_S)) - 1]
        self.down, self.restart_at = reason, now + wait
        self.out.append(KitchenDown(reason, wait))

    def _hung(self) -> bool:
        """End a kitchen silent for HUNG_AFTER_S and start a fresh one; True if it did."""
        k = self.kitchen
        if k is None or k.silent_s() < self._limit(HUNG_AFTER_S if k.ready is not None
                                                   else STARTUP_SILENT_S):
            return False
        self._end(f"kitchen not responding for {k.silent_s():.0f} s: ended it")
        self.start()
        return True

    # -- what the UI calls ----------------------------------------------------

    def run(self, spec: ev.RunSpec) -> bool:
        if self.gave_up:
            self.out.append(RunLost(spec.run, self.gave_up))
            return False
        if self.watch is not None and self.watch.spec.run != spec.run:
            self.watch = None  # superseded: the kitchen cancels it and starts this one
        if self.kitchen is None:
            self.queued = spec
            return True
        self._hung()
        self.watch = _RunWatch(spec)
        return self.kitchen.run(spec)

    def cancel(self) -> bool:
        if self.kitchen is None:
            self.queued = None
            return False
        if self._hung():
            return True
        return self.kitchen.cancel()

    def knock_out(self, barista: int | None = None) -> bool:
        return self.kitchen.knock_out(barista) if self.kitchen is not None else False

    def poll(self) -> list[KitchenMessage | SupervisorMessage]:
        now = self.clock()
        got: list[KitchenMessage | SupervisorMessage] = []
        k = self.kitchen
        if k is None and self.restart_at is not None and now >= self.restart_at and not self.gave_up:
            self.restart_at = None
            self.start()
            k = self.kitchen
        if k is not None:
            every = FAMILY_EVERY_S if self.watch is not None else IDLE_FAMILY_EVERY_S
            if now - self._family_at >= every and k.pid is not None:
                self._family, self._family_at = mp.family(k.pid), now
            for m in k.poll():
                if isinstance(m, KitchenGone):
                    self._crashed(m)
                    break
                if isinstance(m, KitchenReady):
                    self.calibrated = m
                if self.watch is not None:
                    self.watch.see(m)
                    if isinstance(m, ev.RunFinished) and m.result.run == self.watch.spec.run:
                        self.watch = None
                got.append(m)
            if self.kitchen is k:
                got += self._heartbeat(k)
        got += self.out
        self.out = []
        return got

    def _heartbeat(self, k: Kitchen) -> list[SupervisorMessage]:
        silent = k.silent_s()
        limit = self._limit(SILENT_AFTER_S if k.ready is not None else STARTUP_SILENT_S)
        if silent >= limit and not self.silent:
            self.silent = True
            return [KitchenSilent(silent)]
        if silent < limit and self.silent:
            self.silent = False
            return [KitchenBack()]
        return []

    def _limit(self, silent_s: float) -> float:
        spec = self.watch.spec if self.watch is not None else None
        rush = spec is not None and MODE[spec.mode].os_threads and \
            summarised(crew_of(spec.mode, spec.baristas))
        return max(silent_s, RUSH_SILENT_S) if rush else silent_s

    def close(self) -> None:
        self.restart_at = None
        self.queued = None
        if self.kitchen is not None:
            self.kitchen.close()
            self.kitchen = None

    def __enter__(self) -> "Supervisor":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
