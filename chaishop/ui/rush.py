"""Rush hour in the front of house: a grid for big crews, crew-size steps, the ``r`` key.

    show_crew(n)  n > rush.SUMMARISE_ABOVE: the panes give way to the CrewGrid
    CrewSummary (from the kitchen, ~10 a second) --_on_summary--> CrewGrid.show,
        stopwatch "served", samples for the whole-crew timeline (TimelineView.show_crew)
    + / -  --menu.next_size()--> 1, 2, 4, 8, 16, 100, 1,000, 10,000, within the mode's cap
    R      --action_rush()--> RUSH_CREW asyncio tasks (or threads, if threads are on:
                              menu.RUSH_MODES) on RUSH_CREW one-second waiting orders
"""

from __future__ import annotations

from chaishop.core.protocol import events as ev
from chaishop.core.menu import RUSH_CREW, RUSH_MODES, RUSH_RECIPE, crew_of
from chaishop.core.engine.rush import summarised
from chaishop.core.protocol.gauges import CrewSummary


def uses_grid(mode: str, crew: int) -> bool:
    """A crew too big for panes is a grid (a one-barista mode never is)."""
    return summarised(crew_of(mode, crew))


class RushMixin:
    """ShopApp's rush-hour half (see the module docstring)."""

    def show_crew(self, n: int) -> bool:
        """Show the grid instead of the panes for a big crew; True if it did."""
        big = uses_grid(self.mode, n)
        self.grid.display = not big
        self.crew_grid.display = big
        if big:
            self.crew_grid.reset(n, f"Crew · {n:,} baristas · {self.mode}")
        return big

    def _on_summary(self, m: CrewSummary) -> None:
        if not self.run_state.is_shown(m.run):
            return
        self.crew_grid.show(m)
        self.run_state.served.summarised(m.orders_done)  # the kitchen's count
        self.crew_samples.append((m.t, m.counts))

    def _rush_finished(self, r: ev.RunResult) -> bool:
        """After a rush hour the timeline draws the whole crew; True if it did."""
        if not self.crew_samples:
            return False
        t0 = self.run_state.t0
        self.timeline.show_crew(self.crew_samples, t0, t0 + r.wall_s,
                                r.baristas, title=f"{r.mode} · {r.recipe}")
        return True

    def action_rush(self) -> None:
        self.latency.mark(self, "rush")
        if self.run_state.running:
            self.kitchen.cancel()
        self.mode = self.mode if self.mode in RUSH_MODES else RUSH_MODES[0]
        self.recipe, self.crew = RUSH_RECIPE, RUSH_CREW
        self.notify(f"rush hour: {RUSH_CREW:,} baristas ({self.mode}), one waiting order each "
                    "(t or a switches the crew, - makes it smaller)", timeout=4)
        self.start_run()
