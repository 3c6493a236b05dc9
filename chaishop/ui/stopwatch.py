"""The stopwatch: big digits for the batch in progress, then the verdict of that run.

    RunStarted.t0 --start()--> tick(clock()) 10x a second --> Digits (same width: no relayout)
    RunFinished.result --finish()--> Digits = wall time; stats = wall, CPU, parallelism,
        start-up (creating the workers + waiting to run), verdict, and the noise line

Elapsed time is ``clock() - t0``: both read the system-wide monotonic clock
(``time.perf_counter``), so the kitchen's t0 means the same thing here.  A new
run clears the previous run's figures: a number on screen belongs to the run
shown with it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from chaishop.core.measure.served import Served
from chaishop.core.protocol import events as ev
from chaishop.core.menu import MODE, RECIPE
from chaishop.core.measure.noise import NOISY_CORES
from chaishop.core.measure.speedup import MIN_WALL_S

# Always this many characters in the Digits, so an update never changes its width.
DIGITS_FORMAT = "{:7.2f}"
BASELINE = "baseline"  # how a run the shop started by itself is named
# Below this parallelism a waiting recipe's run says why (its baristas mostly waited).
WAITING_PAR = 0.5
NARROW_W = 34  # the stats' width in the narrow (38-column) side column


def verdict(r: ev.RunResult) -> str:
    return "stopped" if r.cancelled else "complete" if r.complete else "incomplete"


def par_text(r: ev.RunResult, narrow: bool = False) -> str:
    """Parallelism, with the reason when it is low for a recipe that waits: a low figure
    beside a good speed-up is the lesson (waiting overlaps), not a fault."""
    if r.wall_s < MIN_WALL_S:
        return "parallelism –"
    par = f"{r.parallelism:.2f}×"
    if not RECIPE[r.recipe].cpu_bound and r.parallelism < WAITING_PAR:
        return f"par {par} waiting" if narrow else f"parallelism {par}: waiting, not CPU"
    return f"parallelism {par}"


def stats_text(r: ev.RunResult, narrow: bool = False) -> str:
    # A failed barista shows on its pane (and in "3/4 orders"); here the run's verdict.
    # Narrow (a 38-column side): three lines of at most 34 characters, no room for memory.
    # Wide: four lines at most (five with a lesson's), so that the scoreboard under it keeps
    # the baseline, threads and processes rows at 120x36.
    startup = MODE[r.mode].startup_word  # a cluster's warm workers are handed their tasks
    orders = f"{r.orders_done}/{r.orders} orders"
    if narrow:
        end = verdict(r) + (f" · {BASELINE}" if r.baseline else "")
        second = f"{par_text(r, True)} · {orders}"
        if len(second) > NARROW_W:  # a rush hour's thousands: the count without its word
            second = f"{par_text(r, True)} · {r.orders_done}/{r.orders}"
        return (f"wall {r.wall_s:.2f} s · CPU {r.cpu_s:.2f} s\n{second}\n"
                f"{startup} {r.startup_s:.3f} s · {end}")
    head = f"wall {r.wall_s:.2f} s · CPU {r.cpu_s:.2f} s · {orders} · {verdict(r)}\n"
    second = par_text(r) + (f" · the {BASELINE} for the speed-ups" if r.baseline else "")
    if r.create_s is None:
        return head + second + f"\n{startup} {r.startup_s:.3f} s" + memory_text(r)
    # Start-up in its two parts: creating the workers, then waiting for them to run.
    return (head + second + f"\nstart-up {r.startup_s:.3f} s: create {r.create_s:.3f} "
            f"+ wait to run {r.wait_to_run_s:.3f}" + memory_text(r))


def memory_text(r: ev.RunResult) -> str:
    """Peak memory of the kitchen and its children, per barista (derived), OS threads."""
    if r.peak_rss_mib is None or r.rss_per_barista_kib is None:
        return ""
    kib = r.rss_per_barista_kib
    each = f"{kib / 1024:,.1f} MiB" if kib >= 1024 else f"{kib:,.0f} KiB"
    return (f"\nRSS {r.peak_rss_mib:,.0f} MiB · {each} each (derived) · "
            f"{r.os_threads_peak or 0:,} OS threads")


def noise_text(r: ev.RunResult, narrow: bool = False, calm: bool = False) -> str:
    """``calm``: the shop drew less during the run (ui/calm.py), and says so."""
    if r.other_cpu_cores is None:
        return ""
    shown_calm = calm and r.front_cpu_cores is not None and not narrow
    others = "others" if narrow or shown_calm else "other programs"
    if r.noisy:
        text = f"noisy: {others} used {r.other_cpu_cores:.2f} cores"
    else:
        text = f"quiet: {others} used {r.other_cpu_cores:.2f} cores"
        if r.front_cpu_cores is None and not narrow:
            text += f" (< {NOISY_CORES:g})"
    if r.front_cpu_cores is not None and not narrow:  # the shop drawing itself: CPU the
        text += f" · this screen {r.front_cpu_cores:.2f}"  # baristas did not get (no room narrow)
        text += ", drawn less" if shown_calm else ""
    return text


def cluster_caption(c: ev.ClusterReady) -> str:
    how = "started" if c.started_here else "joined"
    return f"cluster {how} in {c.first_start_s:.1f} s, apart"


class StopwatchPanel(Vertical):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.digits = Digits(DIGITS_FORMAT.format(0), id="stopwatch-digits")
        self.caption = Static("", id="stopwatch-caption", markup=False)
        self.stats = Static("no run yet: press t, p, a or s", id="stopwatch-stats", markup=False)
        self.noise = Static("", id="stopwatch-noise", markup=False)
        self.border_title = "Stopwatch"
        self.t0: float | None = None
        self.spec: ev.RunSpec | None = None
        self.counts = Served()  # the shown run's (the app's RunState)
        self._shown_caption = ""
        self.has_result = False
        self.narrow = False
        self.cluster: ev.ClusterReady | None = None  # the dask mode's warm cluster

    def compose(self) -> ComposeResult:
        yield self.digits
        yield self.caption
        yield self.stats
        yield self.noise

    def waiting(self, text: str) -> None:
        self._set_caption(text)

    def clear(self, text: str = "") -> None:
        """Forget the shown run's figures (a new run is coming)."""
        self.stats.update(text, layout=False)
        self.noise.update("", layout=False)
        self.noise.set_class(False, "-noisy")
        self.digits.update(DIGITS_FORMAT.format(0))

    def start(self, spec: ev.RunSpec, t0: float, now: float, counts: Served) -> None:
        self.spec, self.t0, self.counts = spec, t0, counts
        self.border_title = f"Stopwatch · {BASELINE} run" if spec.baseline else "Stopwatch"
        what = (f"{BASELINE}: sequential, timed for the speed-ups" if spec.baseline else
                f"{spec.mode} · {spec.recipe} · crew {spec.baristas}")
        self.clear(what)
        self.add_class("-running")
        self.tick(now)

    def tick(self, now: float) -> None:
        if self.t0 is None or self.spec is None:
            return
        value = DIGITS_FORMAT.format(max(0.0, now - self.t0))
        if value != self.digits.value:
            self.digits.update(value)
        s = self.spec
        self._set_caption(f"{RECIPE[s.recipe].busy}… {self.counts.total}/{s.orders} orders served")

    def finish(self, r: ev.RunResult, extra: str = "", calm: bool = False) -> None:
        """``extra``: one more short line (the till's lock cost, the haul's moving data)."""
        self.t0 = None
        self.remove_class("-running")
        self.digits.update(DIGITS_FORMAT.format(r.wall_s))
        self._set_caption(cluster_caption(self.cluster) if MODE[r.mode].cluster and self.cluster
                          else f"{r.mode} · {r.recipe} · crew {r.baristas}")
        self.stats.update(stats_text(r, self.narrow) + (f"\n{extra}" if extra else ""))
        self.noise.update(noise_text(r, self.narrow, calm), layout=False)
        self.noise.set_class(r.noisy, "-noisy")
        self.has_result = True

    def _set_caption(self, text: str) -> None:
        if text != self._shown_caption:
            self._shown_caption = text
            self.caption.update(text, layout=False)
