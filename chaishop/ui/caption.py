"""The tour's caption bar: what to look at right now, in big friendly text.

    tour player --show(title, text)--> CaptionBar (border title + wrapped text)

Hidden unless a tour plays (the ``-on`` class shows it; styles in shop.tcss).
"""

from __future__ import annotations

from textual.widgets import Static


class CaptionBar(Static):
    def show(self, title: str, text: str) -> None:
        self.border_title = title
        self.update(text)
        self.add_class("-on")
