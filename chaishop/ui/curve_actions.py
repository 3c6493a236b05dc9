"""The C key: the room predicts, then the shop measures the scaling curve of the current mode.

    C ──▶ PredictScreen ──guess──▶ CurveScreen pushed, CurvePlan.next() ──▶ start_run(spec)
    RunFinished (ui/feed.py) ──curve_finished(r)──▶ the point drawn, the next spec (or None)
"""

from __future__ import annotations

from chaishop.core.menu import MODE
from chaishop.core.protocol import events as ev
from chaishop.ui.curve import CurvePlan


class CurveMixin:
    """ShopApp's half that runs the scaling curve."""

    curve: CurvePlan | None = None
    curve_screen = None

    def action_curve(self) -> None:
        from chaishop.ui.predict_screen import PredictScreen

        if MODE[self.mode].baseline or MODE[self.mode].cluster:
            self.notify(f"the curve needs a crew that grows: {self.mode} is not one; press t "
                        "or p first", severity="warning", timeout=5)
            return
        if self.ready is None:
            self.notify("the kitchen is still warming up", severity="warning", timeout=4)
            return
        cores = self.machine.cores if self.machine else 1
        plan = CurvePlan.for_shop(self.shop_spec(), cores, self.config.orders)
        question = (f"Speed-up of {plan.largest} {self.mode} on this {cores}-core machine "
                    f"({self.recipe}, {plan.orders} orders), against one barista alone?")
        self.push_screen(PredictScreen(question, (1.0, float(min(plan.largest, cores)),
                                                  float(plan.largest))),
                         lambda guess: self._start_curve(plan, guess))

    def _start_curve(self, plan: CurvePlan, guess: float | None) -> None:
        from chaishop.ui.curve_screen import CurveScreen

        plan.prediction = guess
        self.curve = plan
        self.curve_screen = CurveScreen(plan)
        self.push_screen(self.curve_screen)
        self.start_run(plan.next())

    def curve_finished(self, r: ev.RunResult) -> ev.RunSpec | None:
        """A run ended: the curve's point drawn, and its next run (None: no curve run)."""
        plan = self.curve
        if plan is None or not plan.active:
            return None
        point = plan.after(r)
        if point is not None or not plan.active:
            if self.curve_screen is not None and self.curve_screen.is_attached:
                self.curve_screen.redraw()
        return plan.next() if plan.active else None
