"""The counter recipe: waiting behind the GIL (the convoy), and blocking the event loop.

    make_orders: #1 the counter (replies, core/workloads/counter_steps.py), 2.. brew; with
                 --block: #2 one blocking call, 3.. polite waits.  Same crew in every mode.
    prepare:     the Board the crew shares (the gate), the echo server (--io socket), a process
                 pool (--unblock process_pool), a handler on the 'asyncio' logger (debug mode)
    observe:     the counter's lateness batches (Event.word ("late", phase, samples)), the
                 moment the gate opened, when the last other order was served
    settle:      CounterResult: p50/p90 lateness busy and alone, the loop's lag, the interval

Everything is measured in one run: the counter replies ALONE first (the others wait at the
gate), then BUSY while they work.  Import-light: barista processes import it (the kind's
``work`` runs there); the engine-only parts import what they need when they need it.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import time
from dataclasses import dataclass

from chaishop.core.menu import MODE, crew_of
from chaishop.core.protocol import events as ev
from chaishop.core.workloads import counter_steps as cs
from chaishop.core.workloads.lesson_kind import LessonKind, LessonRun
from chaishop.core.workloads.recipes import GRIND, Order, calibrate_grind

ALONE_SHARE = 0.2  # of the counter's progress bar: the alone phase
MAX_SAMPLES = 100_000  # lateness samples kept per phase (1 ms replies: minutes of them)
MAX_WARNINGS = 3  # asyncio debug-mode lines kept (the count is kept whole)


def nearest_rank(samples: list[float], q: float) -> float | None:
    """The q-quantile of ``samples`` by nearest rank (None for none)."""
    if not samples:
        return None
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, int(q * len(s) + 0.5) - 1))]


def ms(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x * 1000, digits)


@dataclass(frozen=True)
class CounterResult(ev.LessonResult):
    """What the counter measured (``RunResult.lesson``)."""

    io: str
    block: str
    unblock: str
    switch_interval_ms: float  # in force in the engine process during the run
    busy: tuple[float, ...] = ()  # p50, p90, max seconds with the others working (() none)
    alone: tuple[float, ...] = ()  # p50, p90, max seconds with nobody working
    replies: int = 0
    alone_replies: int = 0
    work_s: float | None = None  # from the gate opening to the last other order served
    loop_lag_p50_ms: float | None = None  # asyncio: the loop-lag probe over the run
    loop_lag_max_ms: float | None = None
    slow_callbacks: int = 0  # asyncio debug mode's "Executing ... took" warnings
    slow_lines: tuple[str, ...] = ()
    counter_switch_ms: float | None = None  # the interval in the counter's own interpreter
    others_work: str = "brew"  # what the others did: brew (Python bytecode) or grind (C, GIL released)

    KEYS = ("reply_late_p50_ms", "reply_late_p90_ms", "alone_p50_ms", "alone_p90_ms",
            "late_vs_alone", "work_s", "switch_interval_ms", "io", "loop_lag_max_ms",
            "block", "unblock", "replies", "alone_replies", "loop_lag_p50_ms", "slow_callbacks",
            "reply_late_max_ms", "work")
    HEADERS = ("late p50 ms", "late p90 ms", "alone p50 ms", "alone p90 ms", "x alone",
               "work s", "switch ms", "io", "loop lag max ms")

    @property
    def late_vs_alone(self) -> float | None:
        """Derived: busy p50 over alone p50."""
        if not self.busy or not self.alone or self.alone[0] <= 0:
            return None
        return round(self.busy[0] / self.alone[0], 1)

    def figures(self, wall_s: float) -> dict:
        busy, alone = self.busy or (None,) * 3, self.alone or (None,) * 3
        return {"reply_late_p50_ms": ms(busy[0]), "reply_late_p90_ms": ms(busy[1]),
                "reply_late_max_ms": ms(busy[2]),
                "alone_p50_ms": ms(alone[0]), "alone_p90_ms": ms(alone[1]),
                "late_vs_alone": self.late_vs_alone,
                "work_s": None if self.work_s is None else round(self.work_s, 4),
                "switch_interval_ms": round(self.switch_interval_ms, 4), "io": self.io,
                "loop_lag_max_ms": self.loop_lag_max_ms, "block": self.block,
                "unblock": self.unblock, "replies": self.replies,
                "alone_replies": self.alone_replies, "loop_lag_p50_ms": self.loop_lag_p50_ms,
                "slow_callbacks": self.slow_callbacks, "work": self.others_work}

    @staticmethod
    def work(rows) -> str:
        r = rows[0]
        f = r.figures or {}
        what = f.get("work", "brew") if f.get("block", "none") == "none" else f"one {f['block']} block"
        return (f"order #1 the counter ({cs.REPLY_S * 1000:g} ms replies, io {f.get('io')}) · "
                f"{r.result.orders - 1} orders: {what} · switch interval "
                f"{f.get('switch_interval_ms')} ms")

    @staticmethod
    def notes(rows) -> list[str]:
        return ["", "late = how much later than intended the counter got each reply while the "
                "others worked; alone = the same counter in the same run before the others "
                "started (they waited at a gate); x alone = late p50 / alone p50 (derived); "
                "work s = from the gate opening to the last other order served."]


class CounterRun(LessonRun):
    """One counter run, engine side: collects lateness, owns the server, pool and log handler."""

    def __init__(self, spec: ev.RunSpec, orders: list, board, crew=None):
        super().__init__(orders, board)
        self.spec = spec
        self.crew = crew
        self.samples: dict[str, list[float]] = {cs.ALONE: [], cs.BUSY: []}
        self.opened_t: float | None = None
        self.last_done_t: float | None = None
        self.server = None
        self.pool = None
        self.capture = None
        self.t0 = time.perf_counter()
        self.switch_s = sys.getswitchinterval()
        self.counter_switch_s: float | None = None  # in the counter's own interpreter
        self.holding: dict[int, int] = {}  # barista -> the order in hand

    def observe(self, e: ev.Event) -> None:
        w = e.word
        if w and w[0] == cs.LATE:
            kept = self.samples[w[1]]
            kept.extend(w[2][:max(0, MAX_SAMPLES - len(kept))])
        elif w and w[0] == cs.OPEN and self.opened_t is None:
            self.opened_t, self.counter_switch_s = e.t, w[1]
        elif e.kind == ev.DONE and e.order is not None and e.order > 1:
            self.last_done_t = e.t
        if e.kind == ev.TAKEN and e.order is not None:
            self.holding[e.barista] = e.order
        elif e.kind in (ev.DONE, ev.FAILED):
            self._let_go(self.holding.pop(e.barista, None) if e.kind == ev.FAILED else None)
            self.holding.pop(e.barista, None)

    def _let_go(self, order: int | None) -> None:
        """A barista failed holding ``order`` (a knock-out, a crash): the counter must not wait
        for it.  The engine writes the board the baristas read (bytearrays, or shared
        memory for processes): a dead counter's gate opens, a dead worker's order counts."""
        board = self.shared
        if order is None or board is None:
            return
        if order == 1:
            board.open()
        else:  # at the gate and over, as far as the counter's waits are concerned
            board.arrive(order)
            board.served(order)

    def settle(self, result: ev.RunResult) -> ev.RunResult:
        busy, alone = self.samples[cs.BUSY], self.samples[cs.ALONE]
        lag_p50 = lag_max = None
        probe = getattr(self.crew, "lag", None)
        if probe is not None:
            lag = probe.since(self.t0)
            lag_p50, lag_max = lag.lateness_ms, lag.max_ms
        lines = self.capture.lines if self.capture is not None else []
        count = self.capture.count if self.capture is not None else 0
        work_s = (self.last_done_t - self.opened_t
                  if self.opened_t is not None and self.last_done_t is not None else None)
        s = self.spec
        lesson = CounterResult(
            s.option("io"), s.option("block"), s.option("unblock"), self.switch_s * 1000,
            _p50_p90(busy), _p50_p90(alone), len(busy), len(alone), work_s, lag_p50, lag_max,
            count, tuple(lines[:MAX_WARNINGS]),
            None if self.counter_switch_s is None else round(self.counter_switch_s * 1000, 4),
            s.option("work"))
        return dataclasses.replace(result, lesson=lesson)

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.capture is not None:
            self.capture.detach()


def _p50_p90(samples: list[float]) -> tuple[float, ...]:
    """(p50, p90, max) of the samples; () for none."""
    if not samples:
        return ()
    return nearest_rank(samples, 0.5), nearest_rank(samples, 0.9), max(samples)


class CounterKind(LessonKind):
    result = CounterResult
    view = "chaishop.ui.lessons.counter:CounterView"

    def make_orders(self, spec: ev.RunSpec) -> list:
        crew = crew_of(spec.mode, spec.baristas)
        n = max(1, spec.orders)  # as many as asked: the stopwatch counts them
        others = n - 1
        block, work = spec.option("block"), spec.option("work")
        size = grind_steps(spec.order_s) if work == GRIND and block == "none" else spec.size
        plan = {"io": spec.option("io"), "port": 0, "block": block, "unblock": spec.option("unblock"),
                "work": work,
                "alone_s": min(cs.ALONE_S, max(0.1, spec.order_s / 2)), "alone_share": ALONE_SHARE,
                "others": min(others, crew - 1), "brewers": others if crew > 1 else 0,
                "cap_s": 4 * spec.order_s * max(1, others) + 2}

        def role(number: int) -> str:
            if number == 1:
                return cs.COUNTER
            if block == "none":
                return cs.BREWER
            return cs.BLOCKER if number == 2 else cs.WAITER

        return [Order(k, spec.recipe, 0 if k == 1 else size, spec.order_s,
                      payload={**plan, "role": role(k)}) for k in range(1, n + 1)]

    def prepare(self, spec: ev.RunSpec, crew, orders: list) -> CounterRun:
        mode = MODE[spec.mode]
        board = None
        if mode.in_process:
            board = cs.Board.local(len(orders))
        elif mode.shared_memory:  # processes: shared memory, handed over at process start
            from chaishop.core.kitchen import mp

            ctx = mp.context()
            board = cs.Board(ctx.RawArray("b", 1), ctx.RawArray("b", len(orders) + 1),
                             ctx.RawArray("b", len(orders) + 1))
        run = CounterRun(spec, orders, board, crew)
        try:
            if spec.option("io") == "socket":
                from chaishop.core.workloads.echo import EchoServer

                run.server = EchoServer().start()
                run.orders = [dataclasses.replace(o, payload={**o.payload, "port": run.server.port})
                              for o in orders]
            if (board is not None and spec.option("block") != "none"
                    and spec.option("unblock") == "process_pool"):
                run.pool = board.pool = _warm_pool()
            if mode.event_loop:
                from chaishop.core.workloads.counter_log import SlowCallbacks

                run.capture = SlowCallbacks().attach()
        except BaseException:
            run.close()
            raise
        return run

    def work(self, order, rep, control, shared, aio: bool):
        plan = order.payload
        steps = cs.counter_steps if plan["role"] == cs.COUNTER else cs.other_steps
        yield from steps(order, plan, rep, control, shared, aio)


@functools.lru_cache(maxsize=8)
def grind_steps(order_s: float) -> int:
    """Grind steps (SHA-256 over 4 MiB) of one order of ``order_s``, measured once a process."""
    return calibrate_grind(order_s)


def _warm_pool():
    """One worker process (spawn/forkserver, stdio silenced), started now: inside the run's
    wall, so its start-up is part of what the fix costs."""
    from concurrent.futures import ProcessPoolExecutor

    from chaishop.core.kitchen import mp

    pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.context(), initializer=mp.child_init)
    try:
        pool.submit(cs.nap, 0.0).result(timeout=60)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    return pool


KIND = CounterKind()
