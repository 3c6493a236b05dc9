"""Predict, then measure: the room's guess before a run (the C key's curve).

    CurveMixin ──PredictScreen(question, choices)──▶ a number typed (or a choice's key) ──▶
        dismissed with the guess (float), or None on escape (no prediction, the run goes on)

The guess is kept and shown beside the measured value when the run ends
("you said 2x, measured 1.03x"): predict, observe, explain.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


def parse_guess(text: str) -> float | None:
    """"2", "2x", "1.5 x" -> a positive number; anything else None."""
    try:
        value = float(text.strip().lower().rstrip("x").strip())
    except ValueError:
        return None
    return value if 0 < value < 1e6 else None


class PredictScreen(ModalScreen[float | None]):
    CSS_PATH = "curve.tcss"
    BINDINGS = [Binding("escape", "skip", "no guess")]

    def __init__(self, question: str, choices: tuple[float, ...] = ()) -> None:
        super().__init__()
        self.question, self.choices = question, choices

    def compose(self) -> ComposeResult:
        with Vertical(id="predict-box") as box:
            box.border_title = "Predict, then measure"
            box.border_subtitle = "enter: run it · escape: run without a guess"
            yield Static(self.question, id="predict-question", markup=False)
            hint = ", ".join(f"{c:g}" for c in self.choices)
            yield Static(f"Type a speed-up (for example {hint}) and press enter.",
                         id="predict-hint", markup=False)
            yield Input(placeholder="2", id="predict-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        guess = parse_guess(event.value)
        if guess is None:
            self.query_one("#predict-hint", Static).update(
                f"{event.value!r} is not a speed-up: type a number like 1.5 or 2")
            return
        self.dismiss(guess)

    def action_skip(self) -> None:
        self.dismiss(None)
