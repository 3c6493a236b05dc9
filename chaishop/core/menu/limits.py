"""The menu's limits: the biggest crews, orders and sizes, each with its reason."""

from __future__ import annotations

# -- crew limits --------------------------------------------------------------

# Panes the shop draws: 16 still fit a projector at 160x45; past it a pane is too
# small to show a title, a bar and a log line, and a bigger crew is drawn as a
# grid, one cell per barista (a rush hour: core/engine/rush.py, ui/crew_grid.py).
MAX_PANES = 16
# Rush hour: threads and asyncio tasks, up to 10,000 (near where Linux defaults
# start refusing threads; a refused thread is a failed barista, never a crash).
MAX_RUSH_CREW = 10_000
MAX_SHOP_CREW = MAX_BENCH_CREW = MAX_CREW = MAX_RUSH_CREW  # the biggest crew of any mode
# Process and interpreter baristas are whole interpreters: a cap per core (below).
WORKERS_PER_CORE = 8
MAX_ORDERS = 20_000  # orders per run: two each for the biggest crew
# What + and - step through: each step shows something new (2 and 4 share a
# core, 16 is the most panes, 100 and up are rush hours).
CREW_STEPS = (1, 2, 4, 8, 16, 100, 1_000, 10_000)
RUSH_CREW = 5_000  # the R key: seconds to start as threads here, well under one as tasks
MAX_SIZE = 10_000_000_000  # brew iterations per order: ~4 minutes of counting here
MAX_ORDER_S = 60.0  # target seconds of one order (--order-seconds)
MAX_REPEAT = 50  # bench rounds per mode
SCALE_ORDER_S = 0.25  # chaishop scale's default order: a 1,2,4 curve in about a minute here
MAX_SPEED = 100.0  # demo speed: beyond this the pauses vanish and orders are too short to see
# chaishop serve: each visitor brews in a shop and kitchen of their own on the
# same cores; past a few, every visitor's numbers mean little (and each shop with
# its kitchen takes ~100 MB).  The hard limit is a classroom.
DEFAULT_MAX_VISITORS = 4
MAX_VISITORS = 64
