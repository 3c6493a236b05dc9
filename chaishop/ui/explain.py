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
  [b]sequential[/]  one barista, every order in turn: the baseline for speed-ups.

[b $accent]Reading the numbers.[/] [b]wall[/] is the time you wait; [b]CPU[/] is the processor time all
baristas used; [b]parallelism[/] = CPU / wall, the average number of cores busy;
[b]speed-up[/] = sequential wall / this wall, for the same recipe, orders and order size.

[b $accent]Keys.[/] [b]s t p a[/] pick the crew and start a run at once; [b]b o m[/] pick the recipe and
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
