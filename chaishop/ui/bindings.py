"""Every key of the shop, in one list: ShopApp.BINDINGS (the footer shows some, ? and the
command palette all).  The modes', recipes' and lessons' switches' keys come from the menu
(core/menu): a new mode, recipe or switch gets its key here with no edit.
"""

from __future__ import annotations

from textual.binding import Binding

from chaishop.core.menu import (LOCK_KEY, MODE_KEYS, OPTION_KEYS, RECIPE_KEYS, SHARE_KEY,
                                SIZED_BY_RECIPE)

MODE_GROUP = Binding.Group("mode", compact=True)  # "s t p a i d mode": keys apart (shop.tcss)
RECIPE_GROUP = Binding.Group("recipe", compact=True)  # "b o m g recipe"
CREW_GROUP = Binding.Group("crew", compact=True)  # "+ - crew"

# The footer must fit 80 columns with "? explain" and "q quit" in view: keys of one
# kind share a label ("s t p a i d mode"); esc, k, S, e and ^p are on ? and in the palette.
BINDINGS = [
    *(Binding(k, f"mode('{m}')", m, key_display=k, group=MODE_GROUP)
      for k, m in MODE_KEYS.items()),
    # r (till) and h (haul) work everywhere but stay off the footer, which must fit 80
    # columns: they are on ? and in the palette.
    # The shown ones first: a hidden key between two shown ones splits the footer's group.
    *(Binding(k, f"recipe('{r}')", r, key_display=k, group=RECIPE_GROUP,
              show=r not in SIZED_BY_RECIPE)
      for k, r in sorted(RECIPE_KEYS.items(), key=lambda kr: kr[1] in SIZED_BY_RECIPE)),
    Binding("plus", "crew(1)", "bigger crew", key_display="+", group=CREW_GROUP),
    Binding("equals_sign", "crew(1)", "bigger crew", show=False),
    Binding("minus", "crew(-1)", "smaller crew", key_display="-", group=CREW_GROUP),
    # The till's lock and shared memory: on ? and in the palette, and on the till and
    # haul panel's border.
    Binding(LOCK_KEY, "lock", "lock", show=False),
    Binding(SHARE_KEY, "share", "share", show=False),
    # The lessons' own switches (core/menu Recipe.options): on ? and in the palette.
    *(Binding(k, f"lesson_key('{k}')", f"switch {k}", show=False) for k in OPTION_KEYS),
    Binding("left_square_bracket", "switch_interval('halve')", "switch ÷2", key_display="[", show=False),
    Binding("right_square_bracket", "switch_interval('double')", "switch ×2", key_display="]",
            show=False),
    Binding("space", "again", "run", key_display="␣"),
    Binding("escape", "stop", "stop", key_display="esc", show=False),
    Binding("k", "knock", "knock out", show=False),
    Binding("R", "rush", "rush hour", key_display="R", show=False),
    Binding("C", "curve", "scaling curve", key_display="C", show=False),
    Binding("S", "shot", "SVG", key_display="S", show=False),
    Binding("e", "export", "export", show=False),
    Binding("c", "code", "code"),
    Binding("question_mark", "explain", "explain", key_display="?"),
    Binding("q", "quit", "quit"),
    # Ours, not the footer's own palette key, which leaves a stray character after it.
    # Off the footer, which must fit 80 columns with its keys apart: on ? (Keys).
    Binding("ctrl+p", "command_palette", "palette", key_display="^p", show=False),
    Binding("ctrl+q", "quit", "quit", show=False, priority=True),
    Binding("ctrl+c", "quit", "quit", show=False, priority=True),
]
