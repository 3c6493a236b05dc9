"""The curve screen (the C key): speed-up against crew size, drawn point by point.

    CurveMixin ──add(plan)──▶ CurveScreen: the plot (textual-plotext) redrawn with each point,
                               and the points in words (noisy flagged, the fit labelled derived,
                               the room's prediction beside the measured value) ──escape──▶ closed

Drawn: the measured points (× for a noisy run), the ideal line (speed-up = crew, up to the
cores on CPU-bound work), the core count as a wall, and Amdahl's fitted curve (dashed).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static
from textual_plotext import PlotextPlot

from chaishop.core.measure.curve import workers
from chaishop.ui.curve import CurvePlan


def prediction_line(plan: CurvePlan) -> str:
    """"you said 2x, measured 1.03x" once the largest crew is measured."""
    if plan.prediction is None:
        return ""
    got = plan.measured_largest()
    said = f"you said {plan.prediction:g}x for a crew of {plan.largest}"
    return said + (f", measured {got:.2f}x" if got is not None else ": measuring…")


def words(plan: CurvePlan) -> list[str]:
    out = []
    for p in plan.points:
        up = "-" if p.speedup is None else f"{p.speedup:.2f}x"
        out.append(f"crew {p.crew}: {up} ({p.wall_s:.2f} s)" + (" noisy: other programs ran"
                                                              if p.noisy else ""))
    fit = plan.fit()
    if fit.serial_fraction is not None:
        err = "" if fit.serial_fraction_err is None else f" ± {fit.serial_fraction_err:.2f}"
        out.append(f"Amdahl fit: serial fraction {fit.serial_fraction:.2f}{err} (derived)"
                   + (" clamped to [0, 1]" if fit.clamped else ""))
    if not plan.done:
        out.append(f"measuring crew {plan.crews[len(plan.points)]}…" if plan.active else
                   "stopped: another run took the kitchen")
    line = prediction_line(plan)
    return out + ([line] if line else [])


class CurveScreen(ModalScreen[None]):
    CSS_PATH = "curve.tcss"
    BINDINGS = [Binding("escape", "close", "Back"), Binding("C", "close", "Back", show=False)]

    def __init__(self, plan: CurvePlan) -> None:
        super().__init__()
        self.plan = plan
        self.drawn: list[int] = []  # the number of points at each redraw (tests read it)

    def compose(self) -> ComposeResult:
        p = self.plan
        with Vertical(id="curve-box") as box:
            box.border_title = (f"Scaling curve · {p.mode} · {p.recipe} · {p.orders} orders "
                                f"for every crew · {p.cores} cores")
            box.border_subtitle = "escape / C to close"
            yield PlotextPlot(id="curve-plot")
            yield Static("", id="curve-words", markup=False)

    def on_mount(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        p = self.plan
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        xs = list(range(1, p.largest + 1))
        ideal = [workers(p.recipe, p.mode, x, p.cores) for x in xs]
        plt.plot(xs, ideal, label="ideal", color="gray")
        if p.cores <= p.largest:
            plt.vline(p.cores, "red")
        fit = p.fit()
        if fit.serial_fraction is not None:
            plt.plot(xs, [fit.speedup(workers(p.recipe, p.mode, x, p.cores)) for x in xs],
                     label=f"Amdahl f={fit.serial_fraction:.2f} (derived)", color="cyan")
        for noisy, marker, label in ((False, "●", "measured"), (True, "×", "noisy")):
            pts = [q for q in p.points if q.noisy == noisy and q.speedup is not None]
            if pts:
                plt.scatter([q.crew for q in pts], [q.speedup for q in pts], marker=marker,
                            label=label, color="yellow" if noisy else "green")
        top = max([*ideal, *(q.speedup or 0 for q in p.points), p.prediction or 0])
        plt.ylim(0, top * 1.15)
        plt.xticks(p.crews)
        plt.xlabel("crew (red: the cores)")
        plt.ylabel("speed-up")
        plot.refresh()
        self.query_one("#curve-words", Static).update("\n".join(words(p)))
        self.drawn.append(len(p.points))

    def action_close(self) -> None:
        self.plan.active = False
        self.dismiss()
