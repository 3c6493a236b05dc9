"""A lesson of its own: the hooks a recipe with ``Recipe.kind`` plugs into every layer.

    core/menu.py  Recipe(name, key, label, kind="module:NAME", options=(Option(...),))
        |
        |  engine (shop.Run)                          barista (core/engine/work.py)
        +-- kind.order_size(spec) -> size             +-- kind.work(order, rep, control, shared, aio)
        +-- kind.make_orders(spec) -> [Order] | None       yields pauses: seconds, or for asyncio
        +-- kind.prepare(spec, crew, orders) -> LessonRun   tasks awaitables (an asyncio.Lock's
              run.shared --crew.shared--> each barista     acquire()); reports with Event.word
              run.observe(event) for every event
              run.settle(result) -> RunResult.lesson = kind.result(...)   (bench columns: figures())
              run.close() always
        |
        UI: kind.view = "chaishop.ui.lessons.NAME:View" (imported by the front of house only)

A new lesson is one ``Recipe(...)`` line in core/menu.py plus its own modules: nothing else in
the tree names it.  ``shared`` reaches each barista as it is: threads, asyncio tasks and the
sequential barista get the object; processes get it pickled as a Process argument at start
(so a lock of core.kitchen.mp.context() works); subinterpreters and Dask workers get None.

Imported by every barista process and subinterpreter: import-light.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

from chaishop.core.protocol import events as ev


class LessonRun:
    """One run's bookkeeping for a lesson (engine side); the base does nothing."""

    def __init__(self, orders: list, shared: object | None = None):
        self.orders = orders  # what the crew starts with
        self.shared = shared  # what every barista of the run is handed (crew.shared)

    def observe(self, e: ev.Event) -> None:
        """Every event of the run, in the engine process, in order."""

    def settle(self, result: ev.RunResult) -> ev.RunResult:
        """The stopwatch's verdict with the lesson's figures (``RunResult.lesson``)."""
        return result

    def close(self) -> None:
        """Always called when the run ends: release what prepare() took (memory, servers)."""


class LessonKind:
    """One lesson beyond the rule of thumb; ``Recipe.kind`` names an instance."""

    result: type = ev.LessonResult  # its RunResult.lesson (figures(): bench and export columns)
    view: str = ""  # "module:Class" of its lesson panel's words (chaishop.ui.lessons.base)

    def order_size(self, spec: ev.RunSpec) -> int:
        """An order's size in the lesson's own unit when none was given (``spec.size`` 0)."""
        return spec.size

    def make_orders(self, spec: ev.RunSpec) -> list | None:
        """The run's orders, or None for the recipe's default (``spec.orders`` alike)."""
        return None

    def prepare(self, spec: ev.RunSpec, crew, orders: list) -> LessonRun:
        """Inside the stopwatch's window, before the crew starts: what the crew shares."""
        return LessonRun(orders)

    def work(self, order, rep, control, shared: object | None, aio: bool) -> Iterator[object]:
        """One order's steps, in the barista (``shared``: what prepare() gave the crew).

        Yield each pause: seconds (``time.sleep`` or ``await asyncio.sleep``), or, for an
        asyncio task (``aio``), an awaitable to await.  Call ``control.check()`` between
        chunks (it raises when the run is cancelled); report with ``rep.progress``.
        """
        raise NotImplementedError
        yield  # pragma: no cover - a generator


_KINDS: dict[str, LessonKind] = {}


def kind_of(recipe: str) -> LessonKind | None:
    """The lesson kind of ``recipe`` (imported once per process), or None for none."""
    from chaishop.core.menu import RECIPE

    path = RECIPE[recipe].kind
    if not path:
        return None
    if path not in _KINDS:
        module, name = path.split(":")
        _KINDS[path] = getattr(importlib.import_module(module), name)
    return _KINDS[path]
