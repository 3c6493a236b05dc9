"""How a lesson of its own speaks in the lesson panel (ui/lesson_panel.py).

    LessonKind.view = "chaishop.ui.lessons.NAME:View"  --view_for(kind, spec)--> View(spec)
        titles()               the panel's border title and subtitle (the switches in force)
        observe(event)         every event of the run (state only: the panel draws at 10 Hz)
        live()                 the panel's text while the run is on
        pane_word(event)       an event's word as its barista's log line ("waits for fork 2")
        finish(result, earlier)  the verdict: what was measured, why, what a switch cost
"""

from __future__ import annotations

import importlib

from chaishop.core.protocol import events as ev


class LessonView:
    """The base: a title and nothing else; each lesson's view says more."""

    def __init__(self, spec: ev.RunSpec) -> None:
        self.spec = spec

    def titles(self) -> tuple[str, str]:
        return f"{self.spec.recipe} · {self.spec.mode}", ""

    def observe(self, e: ev.Event) -> None:
        pass

    def live(self) -> str:
        return ""

    def pane_word(self, e: ev.Event) -> str:
        """The barista's log line for an event with a word ("": the pane's own line)."""
        return ""

    def finish(self, result: ev.RunResult, earlier: list[ev.RunResult]) -> str:
        return ""


def view_for(kind, spec: ev.RunSpec) -> LessonView:
    """The view of ``kind`` (a LessonKind) for one run; the base one if it names none."""
    if not kind.view:
        return LessonView(spec)
    module, name = kind.view.split(":")
    return getattr(importlib.import_module(module), name)(spec)
