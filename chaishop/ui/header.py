"""The header line: what is running, on what.

    ShopApp settings + Machine (KitchenReady.machine, or injected) --show()--> one line

Repainted only when something in it changes (a key, the kitchen getting ready).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from chaishop.core.machine import Machine
from chaishop.core.workloads.recipes import LABELS


class ShopHeader(Static):
    def __init__(self, **kw) -> None:
        super().__init__("", **kw)
        self._shown: tuple = ()

    def show(self, mode: str, recipe: str, crew: int, orders: int, machine: Machine | None,
             status: str, compact: bool = False, alarm: bool = False,
             switch_ms: float | None = None) -> None:
        """``alarm``: the status is trouble (a kitchen down or silent): shown first, loud;
        ``switch_ms``: a switch interval set for the runs ([ ] keys, --switch-interval)."""
        key = (mode, recipe, crew, orders, machine, status, compact, alarm, switch_ms)
        if key == self._shown:
            return
        self._shown = key
        v = self.app.theme_variables
        sep = (" │ ", "dim")
        t = Text.assemble((" ☕ chaishop", f"bold {v['accent']}"), sep,
                          (mode, f"bold {v['primary']}"), sep)
        if status and alarm:
            t.append_text(Text.assemble((f" {status} ", f"bold reverse {v['error']}"), sep))
        t.append_text(Text.assemble(
            (recipe if compact else LABELS.get(recipe, recipe), "bold"), sep,
            (f"crew {crew}", "bold"), "" if compact else f" · {orders} orders"))
        if machine is not None:
            t.append_text(Text(*sep))
            if machine.cores == 1:
                t.append(" 1 core: nothing can run in parallel here ", style=f"bold reverse {v['error']}")
            else:
                t.append(f"{machine.cores} cores", style="bold")
            t.append_text(Text.assemble(
                sep, "" if compact else f"{machine.implementation} ", f"{machine.python} ",
                (machine.gil_label, f"bold {v['warning'] if machine.gil_enabled else v['success']}"),
                "" if compact or not machine.free_threaded_build else " (free-threaded build)"))
        if switch_ms is not None:
            t.append_text(Text.assemble(sep, (f"switch {switch_ms:g} ms", f"bold {v['warning']}")))
        if status and not alarm:
            t.append_text(Text.assemble(sep, (status, "italic")))
        self.update(t, layout=False)
