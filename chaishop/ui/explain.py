"""The explain screen (the ``?`` key): the ideas behind what the shop shows.

    ShopApp --push_screen--> ExplainScreen --escape / ? / q--> dismissed
    app.machine.gil_enabled --explain_text()--> the words for this interpreter (GIL on / off)
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from chaishop.core.menu import RECIPE, RECIPES

# One Static of Rich renderables, not a Markdown widget: it opens in a
# frame, where Markdown's widget-per-block took most of a second (measured).
MAPPING = [
    ("barista", "a worker: a thread, a process or an asyncio task"),
    ("crew", "the executor that runs the workers"),
    ("order", "one task"),
    # One short line each: a wrapped line would lose the column.
    # At most 50 characters after the name: the mapping is 68 wide inside at 80 columns.
    ("recipe", "the workload: [i]brew[/] CPU-bound, [i]orders[/] I/O-bound,"),
    ("", "[i]mixed[/] both, [i]grind[/] CPU-bound in C (GIL let go),"),
    ("", "[i]till[/] shared state, [i]haul[/] big payloads"),
]

# The words that depend on the interpreter the kitchen runs (the same executable as
# this screen): the GIL on (True) or off (False).  Paragraphs are single lines that
# the screen wraps; only the "who wins when" table is laid out by hand.
GIL_HERE = {
    True: "This Python has the GIL on (see the header).",
    False: "This Python runs with the GIL [b]off[/] (see the header): its threads run Python at "
           "the same instant; what follows is how GIL builds work.",
}
WHO_WINS_THREADS = {
    True: "I/O-bound work (orders). Cheap to start, share memory; brewing takes turns.",
    False: "I/O-bound work, and here CPU-bound work too: with no GIL, threads brew on\n"
           "              several cores at once (asserted on 3.14t by tests/test_free_threading.py).",
}
FREE_THREADED = {
    True: "3.13t and 3.14t builds can run without the GIL (the header then says "
          "[b]GIL off[/]): objects are protected by finer-grained means, so [i]threads[/] brew in "
          "parallel too (checked on 3.14t by chaishop's tests). To try it, from chaishop's "
          "folder: [b]uv python install 3.14t[/], then\n"
          "[b]python3.14t -m venv .venv-ft && .venv-ft/bin/pip install . && .venv-ft/bin/chaishop[/]",
    False: "This is one: objects are protected by finer-grained means (per-object locks, "
           "reference counts split between the owning thread and the others), so [i]threads[/] "
           "brew in parallel. Single-threaded code runs somewhat slower than on a GIL build: "
           "compare the sequential run's wall time.",
}
GAUGE = {
    True: "The gauge is how late a probe thread in the kitchen wakes up, waiting for the GIL: "
          "near 0 for processes and interpreters, near 1 (a whole switch interval, 5 ms) for "
          "CPU-bound threads. On Linux the part of the lateness spent waiting for a [i]core[/] "
          "(a busy machine) is measured and taken out; elsewhere the gauge cannot tell the two "
          "apart, and says so.",
    False: "With no GIL, the gauge shows only how late a probe thread in the kitchen wakes up "
           "because the cores are busy: the OS scheduler's delay, for any crew that brews.",
}
TILL = {
    True: "Under this GIL, [b]till.cups += 1[/] happens not to be interrupted (threads switch "
          "only at calls and loops); free-threaded builds make the race visible even there.",
    False: "With no GIL, threads read and write at the same instant: even [b]till.cups += 1[/] "
           "loses cups here.",
}
TIMELINE = {
    True: "two GIL-bound threads get about half a core each, processes a whole one.",
    False: "with no GIL, threads get a whole core each, like processes.",
}

TEXT = """\
[b $accent]Concurrency vs parallelism.[/] Concurrency is one waiter switching between tables: \
many orders are [i]in progress[/] at once, but only one is worked on at any instant. \
Parallelism is many waiters: several orders are worked on [i]at the same instant[/], which \
needs several cores. Watch the CPU meter: [b]busy[/] counts the cores really in use.

[b $accent]The GIL.[/] {gil_here} CPython keeps objects alive by counting references, and those \
counts are not safe to change from two threads at once. Rather than a lock on every object, \
CPython has one Global Interpreter Lock: simple, and fast for single-threaded code. The price: \
only one thread runs Python bytecode at a time. Threads still overlap their [i]waiting[/] (sleep, \
disk and network release the GIL), but not their brewing. The catch: a thread that wakes from \
its wait needs the GIL back, and beside brewing threads it waits for it, up to a switch interval \
(5 ms) or more, at every wake-up. The [i]counter[/] recipe (key [b]w[/]) times it against the \
same replies with nobody brewing; the bracket keys halve and double the interval.

[b $accent]The GIL guards Python bytecode; C code can let go of it.[/] The [i]grind[/] recipe (key [b]g[/]) hashes 4 MiB buffers with hashlib's SHA-256, which releases the GIL while it hashes, as zlib and many numpy routines do. So two [b]threads[/] grind nearly twice as fast as one barista, like processes: "threads don't speed up CPU-bound work" is true of Python code, not of C code that lets go. During a threads grind the GIL gauge stays low: the threads hardly ever want the GIL.

[b $accent]Who wins when[/] (what to expect; the scoreboard shows what this machine measured).
  [b]threads[/]     {threads}
  [b]asyncio[/]     lots of I/O-bound work in one thread. Tasks switch [b]only at an await[/]:
              here, when a barista walks to the counter to wait. Brewing never awaits,
              so an asyncio brew serves one order at a time, just like sequential.
  [b]processes[/]   CPU-bound work (brew). A process each, a GIL each: brewing runs in parallel
              on every core. Each one costs a start-up (a new interpreter: see
              [i]start-up[/] on the stopwatch), and data is pickled between them.
  [b]interpreters[/] (key [b]i[/], Python 3.12+) an interpreter each, a GIL each, in one process:
              brewing runs in parallel like processes, with a cheaper start-up. On 3.11
              the key says why it cannot run. To try it, from chaishop's folder:
              [b]uv python install 3.13[/], then
    [b]python3.13 -m venv .venv-313 && .venv-313/bin/pip install . && .venv-313/bin/chaishop[/]
  [b]dask[/]        (key [b]d[/]) a Dask worker each: processes again, but driven by a real
              distributed engine, so the same orders can run on other machines' cores.
              Needs [b]pip install 'chaishop[dask]'[/]; without it the key says so.
  [b]sequential[/]  one barista, every order in turn: the baseline for speed-ups.

[b $accent]Start-up costs.[/] Processes and interpreters pay for a fresh interpreter before they \
brew: creating it, importing modules, and compiling those with no bytecode cache (from \
milliseconds to most of a second; the stopwatch's [i]start-up[/] shows it apart). For big \
orders that is little; for tiny orders it is everything: a run of tiny orders can show \
processes [i]losing[/] to threads.

[b $accent]Rush hour[/] (key [b]R[/]: 5,000 baristas, 5,000 one-second orders). A waiting \
asyncio task is a small object on one event loop: thousands cost a few KiB each and start in \
well under a second. A thread is an OS thread with its own stack and a scheduler entry: each \
costs more memory, and starting thousands takes a second or more (with a GIL, every \
clocked-in one competes for it). A process is a whole interpreter (megabytes, tens of milliseconds to start): \
the wrong tool for waiting, so process, interpreter and Dask crews are capped. Past 16 \
baristas the panes become a grid, one cell per barista; the stopwatch shows start-up, peak \
memory, KiB per barista and OS threads.

[b $accent]Scale out.[/] Past one machine's cores, parallelism means other machines: a Dask \
scheduler hands each order to a worker, wherever it runs ([b]chaishop --scheduler \
tcp://HOST:PORT[/] uses one you started with [b]dask scheduler[/] and [b]dask worker[/]; by default \
the kitchen starts a local cluster once and keeps it warm). Each order and its result cross \
the network [i]pickled[/], events come back through the scheduler, and a cluster takes \
[i]seconds[/] to start (shown apart, never in a run's time): only big orders pay off. Knock a \
worker out ([b]k[/]) and Dask hands its order to another one: that pane says "retried by Dask".

[b $accent]Free-threaded Python.[/] {free_threaded}

[b $accent]The GIL gauge and the timeline.[/] {gauge} For asyncio it adds how late the event \
loop runs a 50 ms callback: a brewing task blocks it. The timeline draws, live, the \
[b]share of a core[/] each barista really got (block heights ▂▄█), the rest coloured by what \
it waited for: the GIL, a core (the machine is busy) or I/O (░), and [b]▒[/] for data on its \
way to a process (recipe haul); {timeline} On Linux the front \
of house reads each barista thread's scheduler counters (schedstat) every 50 ms.

[b $accent]Honest numbers.[/] The first run of a recipe is preceded by a sequential \
[b]baseline[/] run of the same orders, so speed-ups appear without asking. Every run measures \
the CPU other programs (and the VM's host) used meanwhile: above a quarter of a core it is \
flagged [b]noisy[/]; [b]this screen[/] is what drawing the shop itself took (not noise, but \
on few cores CPU the baristas did not get: [b]chaishop bench[/] draws nothing). So while a \
CPU-bound run fills every core the shop draws less, and the stopwatch says [b]drawn less[/]. \
A CPU-bound speed-up above the number of cores cannot be true: it is marked [b]![/] and explained.

[b $accent]The GIL is not your lock[/] (recipe [b]till[/], key [b]r[/]; [b]l[/] toggles the lock). The \
GIL protects the interpreter's own objects, not your data. Each barista reads the till, makes \
one call, and writes the count plus one: when another thread runs in between, its cups are \
overwritten and lost. {till} asyncio loses only where an [b]await[/] sits between read and \
write. Processes share no objects: each counts on a till of its own (the owner sees none of \
it) unless they share a [b]multiprocessing.Value[/] ([b]x[/]). A lock (threading.Lock, \
Value.get_lock(), asyncio.Lock) brings losses to 0, and the stopwatch shows what it costs.

[b $accent]What crosses a process boundary, and what it costs[/] (recipe [b]haul[/], key [b]h[/]). \
Each order carries a list of millions of ints. Threads and tasks read the same list in place. \
A process gets a copy: pickled, sent down a pipe, unpickled. That is [b]▒ moving data[/] on \
the timeline, timed apart from brewing, and it can make processes slower than one barista. \
[b]x[/] shares instead: the list goes into shared memory once and orders carry only its \
name. Reading a memoryview is slower than reading a list (each item becomes an int), but \
the copying is gone.

[b $accent]A deadlock you can watch[/] (recipe [b]forks[/], key [b]f[/]; [b]F[/] steps through the fixes). \
Each barista takes its left fork (a real lock of the mode), thinks, then waits for its right \
one: when all hold one, the wait-for graph closes a cycle and nobody ever eats, in threads, \
processes and asyncio alike. A global order (lower fork first), a waiter (N-1 seats) or \
try-lock with back-off breaks the cycle; the panel shows what each one costs.

[b $accent]Reading the numbers.[/] [b]wall[/] is the time you wait; [b]CPU[/] is the processor time \
all baristas used; [b]parallelism[/] = CPU / wall, the average number of cores busy; \
[b]speed-up[/] = sequential wall / this wall, for the same recipe, orders and order size.

[b $accent]Amdahl's law[/] (key [b]C[/]: the scaling curve). If a fraction [i]f[/] of the work can only run one step at a time, [i]n[/] baristas make it at best 1 / (f + (1 − f) / n) times faster, so no crew ever beats 1 / f. The [b]C[/] key measures speed-up against crew size for the current mode and fits [i]f[/] (derived): threads brewing under a GIL fit [i]f[/] near 1, processes near 0 up to the cores, where the cores are the wall, not a serial part.

[b $accent]Keys.[/]
  [b]s t p a i d[/] pick the crew and start a run at once
{recipe_keys}
  [b]l[/]           till: the mode's lock around each update;  [b]x[/] processes share memory
{switch_keys}
  [b]\\[ ][/]         halve / double the GIL's switch interval, then a run (any recipe)
  [b]+ -[/]         crew size, then [b]space[/] runs;  [b]escape[/] stops the run
  [b]k[/]           knock out a barista (the others go on)
  [b]R[/]           rush hour: 5,000 baristas, one waiting order each (+ - step 1 ... 10,000)
  [b]C[/]           the scaling curve: predict, then measure crews of 1, 2, 4, ... with Amdahl's fit
  [b]c[/]           the code behind the mode: a standalone script doing the same work
  [b]S[/]           save an SVG screenshot (works here too)
  [b]e[/]           export the scoreboard (CSV, Markdown, JSON) and the last run as a Chrome trace
  [b]?[/]           this screen;  [b]q[/] (or ctrl+q, ctrl+c) quits, leaving nothing running
  [b]ctrl+p[/]      every command, and "Change theme" (try [b]projector[/])
"""


def _key_lines() -> tuple[str, str]:
    """The recipes' keys and every lesson switch's keys, from the menu (core/menu)."""
    recipes = (f"  [b]{' '.join(RECIPE[r].key for r in RECIPES)}[/] pick the recipe and run: "
               + ", ".join(RECIPES))
    lines = []
    for r in RECIPES:
        for o in RECIPE[r].options:
            keys = " ".join(k for k in (o.key, *o.keys) if k)
            if not keys:
                continue
            how = f"{o.key} steps" if o.key else ""
            if o.keys:
                how += ("; " if how else "") + f"{' '.join(k for k in o.keys if k)} set one, " \
                    f"again: {o.default}"
            lines.append(f"  [b]{keys}[/]{' ' * max(1, 12 - len(keys))}{r} {o.name}: "
                         f"{' / '.join(o.choices)} ({how}), then a run")
    return recipes, "\n".join(lines)


def explain_text(gil_enabled: bool) -> str:
    """The screen's text for an interpreter with the GIL on or off."""
    g = bool(gil_enabled)
    recipe_keys, switch_keys = _key_lines()
    return TEXT.format(gil_here=GIL_HERE[g], threads=WHO_WINS_THREADS[g], gauge=GAUGE[g],
                       timeline=TIMELINE[g], free_threaded=FREE_THREADED[g], till=TILL[g],
                       recipe_keys=recipe_keys, switch_keys=switch_keys)


class ExplainScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("question_mark", "close", "Back", show=False),
        Binding("q", "close", "Back", show=False),
        Binding("S", "app.shot", "SVG", show=False),  # a screenshot of this screen too
    ]

    def action_close(self) -> None:
        latency = getattr(self.app, "latency", None)
        if latency is not None:
            latency.mark(self.app, "explain-close")
        self.app.pop_screen()

    _shown_gil = True

    def compose(self) -> ComposeResult:
        self._shown_gil = self._gil()
        with VerticalScroll(id="explain-box") as box:
            box.border_title = "How it works"
            box.border_subtitle = "↑↓ / pgup pgdn scroll · escape / ? to close"
            yield Static(Content.from_markup("[b $accent]In the shop      In Python[/]\n" + "\n".join(
                f"[b]{shop:<16}[/]{python}" for shop, python in MAPPING)), id="explain-mapping")
            yield Static(Content.from_markup(explain_text(self._gil())), id="explain-text")

    def _gil(self) -> bool:
        machine = getattr(self.app, "machine", None)
        return True if machine is None else machine.gil_enabled

    def on_screen_resume(self) -> None:
        # The kitchen reports its interpreter after the screen is composed: follow it.
        gil = self._gil()
        if gil != self._shown_gil:
            self._shown_gil = gil
            self.query_one("#explain-text", Static).update(Content.from_markup(explain_text(gil)))
