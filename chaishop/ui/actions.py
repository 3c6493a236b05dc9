"""What the keys do: ShopApp's actions, and the command palette that lists them.

    key / palette ──▶ action_mode / recipe / crew / again ──▶ start_run ──▶ kitchen.run(spec)
                  ──▶ action_stop / knock                  ──▶ kitchen.cancel() / knock_out()
                  ──▶ action_explain / shot / export        ──▶ screens and files, no kitchen
    every action first marks the LatencyLog (tests/perf/ui_latency.py reads it)

The bindings themselves are on ShopApp (built from core.menu's keys).
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import time
from pathlib import Path
from typing import Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen

from chaishop.core.protocol import events as ev
from chaishop.core.menu import (ITERATIONS, LOCK_KEY, MODE, MODE_KEYS, RECIPE, RECIPE_KEYS,
                                RUSH_CREW, SHARE_KEY, SHARED_STATE, crew_cap, lesson_key,
                                mode_available, mode_note, next_size)
from chaishop.ui import layout
from chaishop.ui.config import panes_for


class LatencyLog:
    """Key handling times for tests/perf/ui_latency.py: when handled, when painted; and
    the garbage collector's pauses of more than 2 ms (``gc<generation> pause <ms> <end>``)."""

    def __init__(self, path: str | None):
        self.file = open(path, "a", buffering=1) if path else None
        self._gc_start = 0.0
        if self.file is not None:
            gc.callbacks.append(self._gc)

    def _gc(self, phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._gc_start = now
        elif self.file is not None and now - self._gc_start > 0.002:
            self.file.write(f"gc{info['generation']} pause {(now - self._gc_start) * 1000:.2f} "
                            f"{now:.6f}\n")

    def mark(self, app: App, what: str) -> None:
        if self.file is None:
            return
        self.file.write(f"{what} handled {time.perf_counter():.6f}\n")
        app.call_after_refresh(lambda: self.file and self.file.write(
            f"{what} painted {time.perf_counter():.6f}\n"))

    def close(self) -> None:
        if self.file is not None:
            gc.callbacks.remove(self._gc)
            self.file.close()
            self.file = None


class ActionsMixin:
    """ShopApp's half that answers keys (see the module docstring)."""

    def start_when_visible(self) -> None:
        """Start the first run now, or once the terminal is big enough to show it
        (a run behind the "too small" message would be measured for nobody)."""
        if layout.plan(*self.size, self.pane_count).small:
            self.run_state.pending_start = True
        else:
            self.start_run()

    tour_key: asyncio.Event | None = None  # the tour's finale waits for it (ui/tour_player.py)

    def on_key(self, event: events.Key) -> None:
        if self.tour_key is not None:  # any key ends the finale
            self.tour_key.set()

    def notify(self, message: str, *, title: str = "", severity: str = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Textual's notify, without piling up: a toast that is still on screen with
        the same words is not shown again (a repeated key gives one toast, not four)."""
        for n in self._notifications:
            if n.message == message and n.title == title and n.severity == severity:
                return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def start_run(self, spec: ev.RunSpec | None = None) -> None:
        """Start a run of the shop's mode, recipe and crew (or ``spec``, a planned one).

        The first run of a recipe and order size in a session is preceded by a
        sequential baseline (ui.baseline), when the config asks for it."""
        run = self.run_state.ask()  # what is still in flight from the previous run is dropped
        if spec is None:
            spec = self.baseline.plan(self.shop_spec())
        spec = dataclasses.replace(spec, run=run)
        self.kitchen.run(spec)
        self.pace.hurry()  # its first messages come soon: drain at full pace
        crew = panes_for(spec.mode, self.crew)
        self.show_panes(crew, state="idle")
        self.stopwatch.waiting(
            f"timing a sequential baseline first, then {self.mode}…" if spec.baseline else
            f"starting {self.mode} · {self.recipe} · crew {crew}…"
            + (" (a Dask cluster takes seconds the first time)"
               if MODE[self.mode].cluster and self.stopwatch.cluster is None else ""))
        if not self.stopwatch.has_result:  # not "no run yet" under "starting…"
            self.stopwatch.stats.update("", layout=False)
        self._update_header()

    def shop_spec(self) -> ev.RunSpec:
        """The run the shop's mode, recipe and crew keys describe now."""
        # --size counts brew iterations; grind, till and haul size their own orders.
        size = self.config.size if RECIPE[self.recipe].sizing == ITERATIONS else 0
        return ev.RunSpec(
            self.mode, self.recipe, self.crew, self.orders, size, self.config.order_s,
            timeout_s=self.config.order_timeout, lock=self.lock, share=self.share,
            wrong_lock=self.config.wrong_lock, ring=self.config.ring, options=self.recipe_options(),
            switch_interval_ms=self.switch_ms,
            scheduler=self.config.scheduler if MODE[self.mode].cluster else None)

    def action_mode(self, mode: str) -> None:
        self.latency.mark(self, f"mode-{mode}")
        usable, why = mode_available(mode)
        if not usable:
            self.notify(f"{mode}: {why}. Press ? to see how to try it.",
                        severity="warning", timeout=6)
            return
        self.mode = mode
        cap, why = crew_cap(mode, self.machine.cores if self.machine else 1)
        if self.crew > cap:  # e.g. from a rush hour of threads to processes
            self.crew = cap
            self.notify(f"crew of {cap}: {why}", severity="warning", timeout=5)
        self.start_run()

    def action_recipe(self, recipe: str) -> None:
        self.latency.mark(self, f"recipe-{recipe}")
        self.recipe = recipe
        self.start_run()

    def action_crew(self, delta: int) -> None:
        self.latency.mark(self, "crew")
        new = next_size(self.crew, delta)
        cap, why = crew_cap(self.mode, self.machine.cores if self.machine else 1)
        if new > cap:
            self.notify(why, severity="warning", timeout=5)
            return
        if new == self.crew:
            self.notify(f"a crew has 1 to {cap:,} baristas", severity="warning", timeout=2)
            return
        if self.run_state.running:
            self.kitchen.cancel()
        self.crew = new
        self.run_state.drop()
        self.show_panes(panes_for(self.mode, self.crew))
        self.stopwatch.waiting(f"crew of {new:,}: press space to run")
        self._update_header()

    def action_lock(self) -> None:
        """l: the mode's lock around each update of the till; runs the till again."""
        self.latency.mark(self, "lock")
        self.lock = not self.lock
        if RECIPE[self.recipe].lesson == SHARED_STATE:
            self.start_run()  # the till panel's border says which lock
        else:
            self.notify(f"lock {'on' if self.lock else 'off'}: it guards the till recipe "
                        f"(press {lesson_key(SHARED_STATE)})", timeout=4)

    def action_share(self) -> None:
        """x: processes share memory (a Value, a shared_memory block) instead of copying."""
        self.latency.mark(self, "share")
        self.share = not self.share
        if RECIPE[self.recipe].lesson:
            self.start_run()  # the lesson panel says what is shared
        else:
            self.notify(f"share {'on' if self.share else 'off'}: it matters for the till and "
                        f"haul recipes with processes", timeout=4)

    def action_again(self) -> None:
        self.latency.mark(self, "again")
        self.start_run()

    def action_stop(self) -> None:
        self.latency.mark(self, "stop")
        if self.run_state.running:
            self.kitchen.cancel()
            self.stopwatch.waiting("stopping…")
        else:
            self.notify("nothing is running", timeout=2)

    def action_knock(self) -> None:
        self.latency.mark(self, "knock")
        self.kitchen.knock_out()

    def action_explain(self) -> None:
        self.latency.mark(self, "explain")
        self.push_screen("explain")

    def action_code(self) -> None:
        """The standalone script that does what the current mode does (chaishop code)."""
        from chaishop.scripts import render, why_none
        from chaishop.ui.code_screen import CodeScreen

        self.latency.mark(self, "code")
        reason = why_none(self.mode, self.recipe)
        if reason:  # a plain word, never a traceback (dask, a lesson without a script yet)
            self.notify(reason, title="The code", timeout=5)
            return
        size = self.config.size or (self.ready.size if self.ready else 0)
        if not size:
            self.notify("the kitchen is still calibrating: try again in a moment", timeout=3)
            return
        crew = panes_for(self.mode, self.crew)
        code = render(self.mode, self.recipe, crew, self.orders, size, self.config.order_s,
                      self.recipe_options())
        command = code.split("Made by: ", 1)[1].split("\n", 1)[0]
        self.push_screen(CodeScreen(code, f"The code behind {self.mode} · {self.recipe} · "
                                          f"crew {crew}", command))

    def action_shot(self) -> None:
        self.latency.mark(self, "shot")
        folder = Path(self.config.screenshot_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            name, n = f"chaishop-{stamp}-{self.mode}.svg", 1
            while (folder / name).exists():
                n += 1
                name = f"chaishop-{stamp}-{self.mode}-{n}.svg"
            path = self.save_screenshot(filename=name, path=str(folder))
        except OSError as exc:
            self.notify(f"could not save a screenshot: {exc}", severity="error")
            return
        self.notify(f"saved {path}", title="Screenshot")

    def action_shot_to(self) -> None:
        """``--screenshot PATH --screenshot-after S``: one SVG at a chosen path."""
        from chaishop.ui.export import save_svg  # imported when used: a faster first frame

        try:
            self.notify(f"saved {save_svg(self, self.config.screenshot)}", title="Screenshot")
        except OSError as exc:
            self.notify(f"could not save a screenshot: {exc}", severity="error")

    def action_export(self) -> None:
        self.latency.mark(self, "export")
        from chaishop.ui.export import export_scoreboard, export_trace  # when used: a faster first frame

        start_method = self.ready.start_method if self.ready else "?"
        try:
            paths = export_scoreboard(self.results, self.machine, start_method,
                                      self.config.order_s, self.config.screenshot_dir)
            last = self.results[-1]
            shown = self.run_state
            if shown.events and shown.events[0].run == last.run:  # the shown run's
                paths.append(export_trace(shown.events, shown.t0, last, self.config.order_s,
                                          self.config.screenshot_dir))
        except ValueError as exc:
            self.notify(str(exc), severity="warning", timeout=3)
            return
        except OSError as exc:
            self.notify(f"could not export: {exc}", severity="error")
            return
        self.notify("\n".join(map(str, paths)), title="Scoreboard exported")

    async def action_quit(self) -> None:
        self.exit(0)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for k, m in MODE_KEYS.items():
            yield SystemCommand(f"Run {m}", f"({k}) {mode_note(m, self.machine)}",
                                lambda m=m: self.action_mode(m))
        for k, r in RECIPE_KEYS.items():
            yield SystemCommand(f"Recipe: {r}", f"({k}) switch recipe and run",
                                lambda r=r: self.action_recipe(r))
        yield SystemCommand("Lock the till", f"({LOCK_KEY}) the mode's lock around each update",
                            self.action_lock)
        yield SystemCommand("Share memory", f"({SHARE_KEY}) processes share instead of copying",
                            self.action_share)
        yield SystemCommand("Bigger crew", "(+) the next size up: 1, 2, 4, 8, 16, 100, 1,000, 10,000",
                            lambda: self.action_crew(1))
        yield SystemCommand("Smaller crew", "(-) the next size down", lambda: self.action_crew(-1))
        yield SystemCommand("Rush hour", f"(R) {RUSH_CREW:,} baristas, one waiting order each",
                            self.action_rush)
        yield SystemCommand("Run again", "(space) the same run once more", self.action_again)
        yield SystemCommand("Stop the run", "(escape) cancel the run in progress", self.action_stop)
        yield SystemCommand("Knock out a barista", "(k) a random barista fails", self.action_knock)
        yield SystemCommand("Explain", "(?) concurrency, parallelism, the GIL", self.action_explain)
        yield SystemCommand("Show the code", "(c) a standalone script doing what this mode does",
                            self.action_code)
        yield SystemCommand("SVG screenshot", f"(S) into {self.config.screenshot_dir}/",
                            self.action_shot)
        yield SystemCommand("Export the scoreboard", f"(e) CSV, Markdown, JSON, and the last run "
                            f"as a Chrome trace into "
                            f"{self.config.screenshot_dir}/", self.action_export)
