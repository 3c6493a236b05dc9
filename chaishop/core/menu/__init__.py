"""The menu: the registry of modes (crews) and recipes (workloads), with every trait of each.

    modes.py    MODES: Mode(name, key, crew="module:Class", traits...)  ──▶ core/crews (make_crew),
    recipes.py  RECIPES_ALL: Recipe(name, key, label, traits...,          core/engine, core/kitchen,
                    kind="module:NAME", options=(Option(...),))          core/workloads, core/measure,
    limits.py   the biggest crews, orders and sizes, with their reasons   ui/, cli/, scripts/, tour.py

Every layer asks a trait (``MODE[spec.mode].one_barista``, ``RECIPE[r].cpu_bound``), never
compares a mode's or a recipe's name (tests/test_architecture.py checks it outside this
package).  A new mode is one ``Mode(...)`` line plus its crew (one file in ``core/crews/``); a
new recipe is one ``Recipe(...)`` line plus its steps (``core/workloads/recipes.py``); a new
lesson is one ``Recipe(..., kind=...)`` line plus its own modules (core/workloads/lesson_kind.py).
Nothing here imports anything heavy: the CLI reads the menu before it knows whether it will
draw, and a crew's module is imported only for a run.

Whether a mode can run here (subinterpreters need Python 3.12+, Dask an extra) is asked of
the function named by ``Mode.check``, only when somebody needs to know (``mode_available``).
"""

from __future__ import annotations

from chaishop.core.menu.limits import (  # noqa: F401 - the menu's names, in one place
    CREW_STEPS, DEFAULT_MAX_VISITORS, MAX_BENCH_CREW, MAX_CREW, MAX_ORDER_S, MAX_ORDERS, MAX_PANES,
    MAX_REPEAT, MAX_RUSH_CREW, MAX_SHOP_CREW, MAX_SIZE, MAX_SPEED, MAX_VISITORS, RUSH_CREW,
    SCALE_ORDER_S, WORKERS_PER_CORE)
from chaishop.core.menu.modes import (  # noqa: F401
    BASELINE, BENCH_MODES, DEFAULT_MODE, MODE, MODE_KEYS, MODE_NAMES, MODES, ONE_CORE, RUSH_MODES,
    SCRIPT_MODES, Mode, available_modes, crew_cap, crew_of, mode_available, mode_note, next_size)
from chaishop.core.menu.recipes import (  # noqa: F401
    CPU_BOUND, DEFAULT_RECIPE, HASH_STEPS, ITERATIONS, LABELS, LESSONS, LOCK_KEY, MOVING_DATA,
    OPTION_KEYS, OPTIONS, OWN_UNIT, RECIPE, RECIPE_KEYS, RECIPES, RECIPES_ALL, RUSH_RECIPE,
    SHARE_KEY, SHARED_STATE, SIZED_BY_RECIPE, Option, Recipe, lesson_key, option_of, switch_for)
