"""What the shop shows when the kitchen crashes, hangs or comes back (see core.kitchen.supervisor).

    Supervisor.poll() ──▶ FeedMixin._drain ──▶ handlers below
        KitchenDown(reason, restart_in) ──▶ error toast; header: "…: restarting…" or "…gave up"
        KitchenSilent / KitchenBack     ──▶ header: "kitchen not responding (N s)…" / cleared
        RunLost(run, reason)            ──▶ the run that was on ends: stopwatch says why
        (the lost run's baristas arrive as FAILED events: their panes say why too)
    every drain: kitchen.status (the seconds of silence grow) ──▶ header, when it changed
    SIGTERM / SIGHUP ──▶ app.exit, and a hard deadline (core.kitchen.lifeline) in case exit hangs
    served (chaishop serve): every ROOM_EVERY_S, Room.others_brewing() (measured) ──▶ header

The scoreboard, the settings and the calibration stay: the new kitchen gets
the old one's calibrated size, and the next key runs in it.
"""

from __future__ import annotations

from typing import Callable

from chaishop.core.kitchen import lifeline
from chaishop.core.kitchen.room import Room
from chaishop.core.protocol.kitchen import KitchenBack, KitchenDown, KitchenSilent, RunLost

# How often a served shop looks at the other visitors' kitchens (a psutil scan).
ROOM_EVERY_S = 1.0


class SupervisionMixin:
    """ShopApp's half that shows the kitchen's health."""

    exit_message: str | None = None  # one line for stderr once the app has closed
    room: Room | None = None  # set for a visitor of chaishop serve
    others_brewing = 0

    def supervision_handlers(self) -> dict[type, Callable[[object], None]]:
        return {
            KitchenDown: self._kitchen_down,
            KitchenSilent: self._kitchen_silent,
            KitchenBack: self._kitchen_back,
            RunLost: self._run_lost,
        }

    def kitchen_status(self) -> str:
        return getattr(self.kitchen, "status", "")

    def room_note(self) -> str:
        n = self.others_brewing
        return (f"{n} other visitor{'s' if n > 1 else ''} brewing on these cores now: "
                "timings disturbed" if n else "")

    def _room_tick(self) -> None:
        n = self.room.others_brewing()
        if n != self.others_brewing:
            self.others_brewing = n
            self._update_header()

    def _stop_signal(self, sig: int) -> None:
        """SIGTERM/SIGHUP: quit properly, and surely (an exit that hangs is ended)."""
        lifeline.exit_within(lifeline.HARD_EXIT_S, self.close_kitchen, 128 + sig)
        self.exit(None, 128 + sig)

    def _kitchen_down(self, m: KitchenDown) -> None:
        then = ("a fresh kitchen is starting" if m.restart_in == 0 else
                f"a fresh kitchen starts in {m.restart_in:g} s" if m.restart_in is not None else
                "not restarting it")
        self.notify(f"{m.reason}: {then}", severity="error", timeout=10)
        self.ready = None if m.restart_in is not None else self.ready
        self._update_header()

    def _kitchen_silent(self, m: KitchenSilent) -> None:
        self.notify(f"the kitchen has not answered for {m.silent_s:.0f} s: esc or a new run "
                    "ends it and starts a fresh one", severity="warning", timeout=6)
        self._update_header()

    def _kitchen_back(self, m: KitchenBack) -> None:
        self.notify("the kitchen answers again", timeout=3)
        self._update_header()

    def _run_lost(self, m: RunLost) -> None:
        if not self.run_state.lost(m.run, m.reason):
            return  # an older run: the panes already show a newer one
        self.stopwatch.waiting(f"run failed: {m.reason}")
        self._update_header()
