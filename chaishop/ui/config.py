"""What the shop is asked to do, and what it needs from a kitchen.

    cli args ──ShopConfig.from_args──▶ ShopConfig ──▶ ShopApp(config, kitchen: KitchenLike)

``KitchenLike`` is the kitchen client's surface the app uses: the real
``core.kitchen.supervisor.Supervisor`` (or a bare ``core.kitchen.client.Kitchen``)
or the scripted kitchen of the snapshot tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from chaishop.core.menu import DEFAULT_MODE, DEFAULT_RECIPE, crew_of
from chaishop.core.protocol import events as ev
from chaishop.core.protocol.kitchen import KitchenMessage, SupervisorMessage
from chaishop.core.measure.cpu import SAMPLE_EVERY_S
from chaishop.core.measure.lanes import SAMPLE_EVERY_S as LANE_EVERY_S
from chaishop.tour import caption_min_s


class KitchenLike(Protocol):
    def run(self, spec: ev.RunSpec) -> object: ...
    def cancel(self) -> object: ...
    def knock_out(self, barista: int | None = None) -> object: ...
    def poll(self) -> list[KitchenMessage | SupervisorMessage]: ...
    def close(self) -> None: ...


@dataclass
class ShopConfig:
    mode: str = DEFAULT_MODE
    recipe: str = DEFAULT_RECIPE
    baristas: int = 2
    orders: int | None = None  # None: two per barista
    size: int = 0  # brew iterations per order; 0: the kitchen's calibrated size
    order_s: float = 1.0  # the target seconds of one order (--order-seconds)
    order_timeout: float | None = None  # an order taking longer fails its barista
    scheduler: str | None = None  # dask: an existing cluster (tcp://host:port); None: our own
    screenshot_dir: str = "screenshots"
    autostart: bool = False  # start a run as soon as the kitchen is ready (--start)
    cpu_every_s: float = SAMPLE_EVERY_S  # 0: no timer (tests push samples themselves)
    latency_log: str | None = None  # file to log key handling times to
    handle_signals: bool = False  # SIGTERM/SIGHUP exit the app (the real program only)
    screenshot: str | None = None  # save an SVG here: after the tour, or after screenshot_after s
    screenshot_after: float = 0.0
    tour: tuple = ()  # chaishop.tour steps to play hands-free (chaishop demo)
    speed: float = 1.0  # the tour's pauses are divided by this
    exit_after_tour: bool = True
    caption_min_s: float = field(default_factory=caption_min_s)  # chaishop.tour (tests: env)
    calm: bool = True  # draw less while a CPU-bound run fills the cores (ui/calm.py)
    calm_nice: bool = False  # and nice the front meanwhile (the real program only)
    predict: bool = False  # chaishop demo --predict: the room predicts before each tour step
    auto_baseline: bool = False  # time a sequential baseline before a recipe's first run
    lane_every_s: float = LANE_EVERY_S  # 0: no lane sampling, no live timeline (tests)
    lock: bool = False  # till: the mode's lock around each update (key l)
    wrong_lock: bool = False  # till: each barista's lock is its own (--lock wrong)
    share: bool = False  # till, haul: processes share memory instead of copying (key x)
    ring: str = "split"  # till: split (read, call, write) or plain (+= 1)
    options: tuple[tuple[str, str], ...] = ()  # the lessons' switches given (RunSpec.options)
    switch_ms: float | None = None  # the GIL's switch interval (--switch-interval; keys [ ])
    theme: str | None = None  # a --theme name; None: the default (projector under NO_COLOR)

    @classmethod
    def from_args(cls, args, **kw) -> "ShopConfig":
        return cls(mode=args.mode, recipe=args.recipe, baristas=args.baristas, orders=args.orders,
                   size=args.size or 0, order_s=args.order_seconds,
                   order_timeout=getattr(args, "order_timeout", None),
                   scheduler=getattr(args, "scheduler", None),
                   screenshot_dir=args.screenshot_dir, theme=getattr(args, "theme", None),
                   lock=bool(getattr(args, "lock", None)),
                   wrong_lock=getattr(args, "lock", None) == "wrong", share=getattr(args, "share", False),
                   ring=getattr(args, "ring", "split"), options=getattr(args, "options", ()),
                   switch_ms=getattr(args, "switch_interval", None),
                   **kw)


def panes_for(mode: str, crew: int) -> int:
    """A one-barista mode (sequential) has one pane however big the crew (the crew sets
    the orders): the menu's ``crew_of``."""
    return crew_of(mode, crew)
