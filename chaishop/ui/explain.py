"""The explain screen (the ``?`` key): the ideas behind what the shop shows.

    ShopApp --push_screen--> ExplainScreen --escape / ? / q--> dismissed
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

# One Static of Rich renderables, not a Markdown widget: it opens in a
# frame, where Markdown's widget-per-block took most of a second (measured).
MAPPING = [
    ("barista", "a worker: a thread, a process or an asyncio task"),
    ("crew", "the executor that runs the workers"),
    ("order", "one task"),
    ("recipe", "the workload: [i]brew[/] is CPU-bound, [i]orders[/] is I/O-bound (waiting), "
               "[i]mixed[/] is both"),
]

TEXT = """\
[b $accent]Concurrency vs parallelism.[/] Concurrency is one waiter switching between tables:
many orders are [i]in progress[/] at once, but only one is worked on at any instant.
Parallelism is many waiters: several orders are worked on [i]at the same instant[/], which
needs several cores. Watch the CPU meter: [b]busy[/] counts the cores really in use.

[b $accent]The GIL.[/] CPython keeps objects alive by counting references, and those counts are
not safe to change from two threads at once. Rather than a lock on every object, CPython has
one Global Interpreter Lock: simple, and fast for single-threaded code. The price: only one
thread runs Python bytecode at a time. Threads still overlap their [i]waiting[/] (sleep,
disk and network release the GIL), but not their brewing.

[b $accent]Who wins when.[/]
  [b]threads[/]     I/O-bound work (orders). Cheap to start, share memory; brewing takes turns.
  [b]asyncio[/]     lots of I/O-bound work in one thread. Tasks switch [b]only at an await[/]:
              here, when a barista walks to the counter to wait. Brewing never awaits,
              so an asyncio brew serves one order at a time, just like sequential.
  [b]processes[/]   CPU-bound work (brew). A process each, a GIL each: brewing runs in parallel
              on every core. Each one costs a start-up (a new interpreter: see
              [i]start-up[/] on the stopwatch), and data is pickled between them.
  [b]interpreters[/] (key [b]i[/], Python 3.12+) an interpreter each, a GIL each, in one process:
              brewing runs in parallel like processes, with a cheaper start-up. On 3.11
              the key says why it cannot run: install Python 3.13 ([b]uv python install 3.13[/]),
              then [b]python3.13 -m pip install chaishop[/] and press [b]i[/].
  [b]sequential[/]  one barista, every order in turn: the baseline for speed-ups.

[b $accent]Start-up costs.[/] Processes and interpreters pay for a fresh interpreter before they brew
(tens of milliseconds each). For big orders that is nothing; for tiny orders it is everything:
a run of tiny orders shows processes [i]losing[/] to threads.

[b $accent]Free-threaded Python.[/] 3.13t and 3.14t builds can run without the GIL (the header says
[b]GIL off[/]): objects are protected by finer-grained means, so [i]threads[/] brew in parallel too and
the GIL gauge stays near zero. To try it: [b]uv python install 3.14t[/],
then in chaishop's folder [b]python3.14t -m pip install .[/] and run [b]python3.14t -m chaishop[/].

[b $accent]The GIL gauge and the timeline.[/] The gauge is how late a probe thread in the kitchen
wakes up, waiting for the GIL: near 0 for processes and interpreters, near 1 (a whole switch
interval, 5 ms) for CPU-bound threads. After a run the timeline draws each barista's time:
[b]█[/] brewing, [b]░[/] waiting, blank idle; threads take turns, processes brew side by side.

[b $accent]Reading the numbers.[/] [b]wall[/] is the time you wait; [b]CPU[/] is the processor time all
baristas used; [b]parallelism[/] = CPU / wall, the average number of cores busy;
[b]speed-up[/] = sequential wall / this wall, for the same recipe, orders and order size.

[b $accent]Keys.[/] [b]s t p a i[/] pick the crew and start a run at once; [b]b o m[/] pick the recipe and
start a run; [b]+ -[/] set the crew size, then [b]space[/] runs; [b]escape[/] stops; [b]k[/] knocks out
a barista; [b]S[/] saves an SVG screenshot; [b]ctrl+p[/] lists every command.
"""


class ExplainScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("question_mark", "close", "Back", show=False),
        Binding("q", "close", "Back", show=False),
    ]

    def action_close(self) -> None:
        latency = getattr(self.app, "latency", None)
        if latency is not None:
            latency.mark(self.app, "explain-close")
        self.app.pop_screen()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="explain-box") as box:
            box.border_title = "How it works"
            box.border_subtitle = "escape / ? to close"
            yield Static(Content.from_markup("[b $accent]In the shop      In Python[/]\n" + "\n".join(
                f"[b]{shop:<16}[/]{python}" for shop, python in MAPPING)), id="explain-mapping")
            yield Static(Content.from_markup(TEXT), id="explain-text")
