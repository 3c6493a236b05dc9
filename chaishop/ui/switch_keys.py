"""The switches' keys: a lesson's own switches, and the GIL's switch interval ([ and ]).

    a lesson's key --action_lesson_key--> ShopApp.options[name] --RunSpec.options--> a run
        (core/menu Option: its key steps through the choices; each choice's own key sets it,
        and pressed again goes back to the default; keys belong to the recipe on screen)
    [ ] --action_switch_interval--> ShopApp.switch_ms --next RunSpec.switch_interval_ms-->
        the kitchen sets it for the run (core/engine/switch.py), the header shows it

The switch interval serves any recipe: the counter (key w) shows what it changes most (a
waking thread's wait for the GIL), brewing what it costs (more switches).
"""

from __future__ import annotations

from chaishop.core.engine import switch
from chaishop.core.menu import RECIPE, RECIPE_KEYS, option_of, switch_for


class SwitchKeysMixin:
    """ShopApp's half for the switches (``self.options``: a lesson's choices by name;
    ``self.switch_ms``: None is the interpreter's interval)."""

    switch_ms: float | None = None

    def recipe_options(self) -> tuple[tuple[str, str], ...]:
        """The current recipe's switches as chosen (RunSpec.options)."""
        return tuple(sorted((n, v) for n, v in self.options.items()
                            if option_of(self.recipe, n) is not None))

    def action_lesson_key(self, key: str) -> None:
        """A lesson's switch key (core/menu Recipe.options): a choice, then a run."""
        self.latency.mark(self, f"switch-{key}")
        found = switch_for(self.recipe, key)
        if found is None:
            owners = [r for r in RECIPE_KEYS.values() if switch_for(r, key) is not None]
            names = {switch_for(r, key)[0].name for r in owners}
            self.notify(f"{key}: {' / '.join(sorted(names))} of the {' and '.join(owners)} recipe "
                        f"(press {' or '.join(RECIPE[r].key for r in owners)} first)", timeout=4)
            return
        option, choice = found
        now = self.options.get(option.name, option.default)
        if choice is None:  # the switch's own key: the next choice
            choice = option.choices[(option.choices.index(now) + 1) % len(option.choices)]
        elif choice == now:  # a choice's key again: back to the default
            choice = option.default
        self.options[option.name] = choice
        self.start_run()  # the lesson panel's border says the choice in force

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
