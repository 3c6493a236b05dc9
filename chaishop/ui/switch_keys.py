"""The [ and ] keys: halve or double the GIL's switch interval, then run again.

    key --action_switch_interval--> ShopApp.switch_ms --next RunSpec.switch_interval_ms-->
        the kitchen sets it for the run (core/engine/switch.py), the header shows it

Any recipe: the counter (key w) shows what it changes most (a waking thread's wait for the
GIL), brewing what it costs (more switches).
"""

from __future__ import annotations

from chaishop.core.engine import switch


class SwitchKeysMixin:
    """ShopApp's half for the switch interval (``self.switch_ms``: None is the default)."""

    switch_ms: float | None = None

    def switch_interval_ms(self) -> float:
        """The interval the next run uses, in ms."""
        return self.switch_ms or switch.default_ms()

    def action_switch_interval(self, how: str) -> None:
        now = self.switch_interval_ms()
        self.switch_ms = switch.halve(now) if how == "halve" else switch.double(now)
        self.notify(f"switch interval {self.switch_ms:g} ms (was {now:g}): "
                    f"sys.setswitchinterval for the next runs", timeout=3)
        self._update_header()
        self.start_run()
