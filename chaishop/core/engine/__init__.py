"""The engine: what a barista does, one run of a crew, rush hour.  Crews live in core/crews/.

    barista.py   a barista's shift: take orders until none are left (sync and asyncio loops)
    work.py      one order, step by step (brew, grind, till, haul, wait)
    reporter.py  the barista's events, stamped with its own clocks
    control.py   how a crew stops a working barista (cancel, knock-out, timeout)
    shop.py      one run of a crew; rush.py: rush-hour settings
"""
