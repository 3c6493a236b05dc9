"""The key bar: Textual's Footer, recomposed only when the keys it shows change.

    screen.bindings_updated_signal ──▶ ShopFooter.bindings_changed
        same keys, same descriptions, same enabled state as shown ──▶ nothing
        otherwise ──▶ Footer.recompose (one FooterKey widget per key)

Textual's Footer rebuilds its eighteen keys whenever a screen publishes its
bindings, which the shop's screen does each time the explain screen closes:
that rebuild (new widgets, styles applied) was most of the cost of closing it.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class ShopFooter(Footer):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._shown_keys: tuple | None = None

    def _keys(self) -> tuple:
        return tuple((b.key, b.description, enabled, tooltip)
                     for (_, b, enabled, tooltip) in self.screen.active_bindings.values() if b.show)

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            keys = self._keys()
            if keys == self._shown_keys:
                return
            self._shown_keys = keys
        super().bindings_changed(screen)
