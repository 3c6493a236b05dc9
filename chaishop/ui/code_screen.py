"""The code screen (the ``c`` key): the standalone script behind the current mode.

    ShopApp.action_code ──chaishop.scripts.render(mode, recipe, crew, orders, size, wait)──▶
        CodeScreen: the script, highlighted (rich Syntax, line numbers) ──escape / c / q──▶ closed

The same text ``chaishop code MODE ...`` prints, for the run the shop would start
now, so a student can run exactly what they just watched.
"""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

SYNTAX_THEME = "monokai"  # dark, high-contrast keywords; readable on a projector


class CodeScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("c", "close", "Back", show=False),
        Binding("q", "close", "Back", show=False),
    ]

    def __init__(self, code: str, title: str, command: str) -> None:
        super().__init__()
        self.code, self.title_text, self.command = code, title, command

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="code-box") as box:
            box.border_title = self.title_text
            box.border_subtitle = "escape / c to close · ↑↓ scroll"
            yield Static(f"$ {self.command} > shop.py && python3 shop.py", id="code-command",
                         markup=False)
            # Wrapped, under its own line number: a line wider than the box (80 columns)
            # continues below instead of running under the edge and the scrollbar.
            yield Static(Syntax(self.code, "python", theme=SYNTAX_THEME, line_numbers=True,
                                word_wrap=True), id="code-text")

    def border_title_text(self) -> str:
        return self.title_text

    def action_close(self) -> None:
        self.app.pop_screen()
