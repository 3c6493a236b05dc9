"""The counter's words in the lesson panel: how late the replies are, alone and busy.

    Event.word ("late", phase, samples) --observe--> lateness so far, per phase; a bar per batch
    live():   alone p50/p90 · busy p50/p90 (x alone, derived) · a sparkline of the worst reply
              of each batch (log scale)
    finish(): what was measured, then why (the convoy, the blocked loop, or no GIL shared),
              and earlier counter runs beside it (another mode, another switch interval)
"""

from __future__ import annotations

import collections
import math
import sys

from chaishop.core.menu import MODE
from chaishop.core.protocol import events as ev
from chaishop.core.workloads import counter_steps as cs
from chaishop.core.workloads.counter import CounterResult, nearest_rank
from chaishop.core.workloads.recipes import GRIND
from chaishop.ui.lessons.base import LessonView

BARS = "▁▂▃▄▅▆▇█"
SPARK = 24  # batches in the sparkline (about 1.2 s of replies)
LOW_MS, HIGH_MS = 0.01, 1000.0  # the sparkline's log scale: ▁ 10 µs .. █ 1 s
KEEP = 50_000  # samples kept per phase for the live percentiles


def bar(ms_value: float) -> str:
    """One sparkline character for a lateness in ms, on a log scale (10 µs .. 1 s)."""
    span = math.log10(HIGH_MS / LOW_MS)
    x = math.log10(max(LOW_MS, min(HIGH_MS, ms_value)) / LOW_MS) / span
    return BARS[min(len(BARS) - 1, int(x * len(BARS)))]


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    v = seconds * 1000
    return f"{v:.2f} ms" if v < 10 else f"{v:.1f} ms" if v < 100 else f"{v:.0f} ms"


def gil_on() -> bool:
    return getattr(sys, "_is_gil_enabled", lambda: True)()


class CounterView(LessonView):
    def __init__(self, spec: ev.RunSpec) -> None:
        super().__init__(spec)
        self.samples: dict[str, list[float]] = {cs.ALONE: [], cs.BUSY: []}
        self.spark: collections.deque[str] = collections.deque(maxlen=SPARK)

    def titles(self) -> tuple[str, str]:
        s = self.spec
        interval = s.switch_interval_ms or sys.getswitchinterval() * 1000
        block = f" · others {s.option('work')}" if s.option("block") == "none" else \
            f" · block {s.option('block')} · unblock {s.option('unblock')}"
        return (f"Counter · {s.mode} · a reply every {cs.REPLY_S * 1000:g} ms, others working",
                f"io {s.option('io')}{block} · switch interval {interval:g} ms")

    def observe(self, e: ev.Event) -> None:
        w = e.word
        if not w or w[0] != cs.LATE:
            return
        kept = self.samples[w[1]]
        kept.extend(w[2][:max(0, KEEP - len(kept))])
        if w[2]:
            self.spark.append(bar(max(w[2]) * 1000))

    def _line(self, phase: str, label: str) -> str:
        got = self.samples[phase]
        if not got:
            return f"{label} -"
        return (f"{label} p50 {fmt_ms(nearest_rank(got, 0.5))} · p90 "
                f"{fmt_ms(nearest_rank(got, 0.9))} · worst {fmt_ms(max(got))} ({len(got):,} replies)")

    def live(self) -> str:
        alone, busy = self.samples[cs.ALONE], self.samples[cs.BUSY]
        times = "alone: nobody else works; busy: the others work"
        if alone and busy and (a := nearest_rank(alone, 0.5)) > 0:
            times = f"busy p50 = {nearest_rank(busy, 0.5) / a:.0f}x alone (derived)"
        return "\n".join((
            self._line(cs.ALONE, "alone:"), self._line(cs.BUSY, "busy: "), times,
            f"worst per 50 ms {''.join(self.spark) or '-'} (log: ▁ 10 µs, █ 1 s)"))

    def finish(self, result: ev.RunResult, earlier: list[ev.RunResult]) -> str:
        c = result.lesson
        if not isinstance(c, CounterResult):
            return ""
        f = c.figures(result.wall_s)
        head = (f"busy  p50 {_ms(f['reply_late_p50_ms'])} · p90 {_ms(f['reply_late_p90_ms'])} · "
                f"worst {_ms(f['reply_late_max_ms'])} ({c.replies:,})\n"
                f"alone p50 {_ms(f['alone_p50_ms'])} · p90 {_ms(f['alone_p90_ms'])} "
                f"({c.alone_replies:,})"
                + (f" → busy {f['late_vs_alone']}x later (derived)" if f["late_vs_alone"] else ""))
        if c.loop_lag_max_ms is not None:
            head += f"\nloop lag (the probe's 50 ms callback): p50 {c.loop_lag_p50_ms:.1f} ms · " \
                    f"max {c.loop_lag_max_ms:.0f} ms"
        lines = [head, why(result, c)]
        if c.busy and not c.alone:
            lines.append("Alone: not measured in this mode (its baristas are handed nothing "
                         "shared, so the others could not wait at a gate).")
        if c.slow_callbacks:
            lines.append(f"⚠ asyncio debug mode, {c.slow_callbacks}x: {c.slow_lines[0]}")
        lines += compared(result, earlier)
        return "\n".join(x for x in lines if x)


def _ms(v: float | None) -> str:
    return "-" if v is None else fmt_ms(v / 1000)


def why(r: ev.RunResult, c: CounterResult) -> str:
    """Why the replies were (or were not) late, for this mode; the measured figures say how much."""
    m = MODE[r.mode]
    if not c.busy:
        return "Alone all run: with one barista nobody works beside the counter (crew 2+ to compare)."
    if m.event_loop:
        if c.block != "none" and c.unblock != "none":
            how = "asyncio.to_thread" if c.unblock == "to_thread" else "a process pool"
            return (f"The blocking call ran in {how}: the loop stayed free, so the counter kept "
                    f"replying" + (" (in a thread the CPU loop still holds the GIL: the loop "
                                   "waits its turn for it)" if c.unblock == "to_thread"
                                   and c.block == "cpu" and gil_on() else "") + ".")
        return ("One loop, one thread: a task that blocks (brewing, time.sleep) never awaits, so "
                "every task, the counter too, waits for it. Fixes (key u): await "
                "asyncio.to_thread(...), loop.run_in_executor(process pool, ...).")
    if m.in_process and gil_on() and c.block == "none" and c.others_work == GRIND:
        return ("grind hashes in C and lets go of the GIL while it does: the counter's thread "
                "finds it free far more often than beside brew (compare with key j).")
    if m.in_process and gil_on() and c.block in ("none", "cpu") and c.unblock != "process_pool":
        return ("The convoy: a waking thread needs the GIL back; beside brewing threads it "
                "waits a switch interval or more. [ halves it (brewers pay in switches). "
                "Processes, subinterpreters, free-threaded threads share no GIL; grind's C code "
                "lets go of it (key j).")
    if m.in_process and not gil_on():
        return "No GIL here (free-threaded): the counter's thread wakes on its own core, no convoy."
    return ("No GIL shared with the workers: the counter's wake-up waits only for a core "
            "(with more workers than cores, the OS scheduler's wait shows here).")


def compared(r: ev.RunResult, earlier: list[ev.RunResult]) -> list[str]:
    """Up to three earlier counter runs of other settings: the same figures, side by side."""
    out = []
    for e in reversed(earlier):
        c = e.lesson
        if not isinstance(c, CounterResult) or e.run == r.run:
            continue
        f = c.figures(e.wall_s)
        out.append(f"  earlier: {e.mode} · switch {f['switch_interval_ms']:g} ms · io {c.io}"
                   + (f" · block {c.block}/{c.unblock}" if c.block != "none" else "")
                   + f": late p50 {_ms(f['reply_late_p50_ms'])}, alone {_ms(f['alone_p50_ms'])}"
                   + (f", work {f['work_s']:.2f} s" if f["work_s"] is not None else ""))
        if len(out) == 3:
            break
    return out
