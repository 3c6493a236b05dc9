"""Recipes (workloads) and orders (tasks).

A recipe is a list of steps, each either *brew* (CPU-bound: the tutorial's pure
Python counting loop) or *wait* (I/O-bound: sleeping, as when waiting on a
customer, a disk or a network).  Baristas work through the steps in small
chunks so that they can report progress and notice a cancel between chunks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

BREW = "brew"
ORDERS = "orders"
MIXED = "mixed"
WAIT = "wait"  # the step kind of an I/O wait
RECIPES = (BREW, ORDERS, MIXED)

# Not offered in menus: like brew, but order #1 is spilled (raises), to show how
# a crew copes with a barista that crashes while the others go on.
SPILL = "spill"
SPILLED_ORDER = 1

LABELS = {
    BREW: "brew (CPU-bound)",
    ORDERS: "orders (I/O-bound)",
    MIXED: "mixed (half wait, half brew)",
    SPILL: "spill (order #1 raises)",
}

# Iterations per brew chunk: about 5 ms of counting here, small enough that a
# cancel or a progress report is never far away, big enough that the check
# costs nothing measurable.
BREW_CHUNK = 200_000
# Longest single sleep of a wait step, so a cancel is noticed within this time.
WAIT_SLICE_S = 0.05

DEFAULT_ORDER_S = 1.0  # target duration of one order
CALIBRATION_BUDGET_S = 0.3


class Spilled(RuntimeError):
    """Raised by the spill recipe."""


@dataclass(frozen=True)
class Order:
    number: int  # 1-based, in the order customers placed them
    recipe: str
    size: int  # brew iterations
    wait_s: float  # seconds of waiting


def steps(order: Order) -> list[tuple[str, float]]:
    """The steps of an order: (BREW, iterations) or (WAIT, seconds)."""
    if order.recipe == BREW:
        return [(BREW, order.size)]
    if order.recipe == ORDERS:
        return [(WAIT, order.wait_s)]
    if order.recipe == MIXED:
        return [(WAIT, order.wait_s / 2), (BREW, order.size // 2)]
    if order.recipe == SPILL:
        if order.number == SPILLED_ORDER:
            return [(BREW, order.size // 4), ("spill", 0)]
        return [(BREW, order.size)]
    raise ValueError(f"unknown recipe {order.recipe!r}")


def brew(iterations: int) -> int:
    """The tutorial's CPU-bound loop, verbatim in spirit: count one by one."""
    count = 0
    for _ in range(iterations):
        count += 1
    return count


def make_orders(recipe: str, count: int, size: int, wait_s: float) -> list[Order]:
    if recipe not in RECIPES and recipe != SPILL:
        raise ValueError(f"unknown recipe {recipe!r}")
    return [Order(n, recipe, size, wait_s) for n in range(1, count + 1)]


def calibrate(target_s: float = DEFAULT_ORDER_S, budget_s: float = CALIBRATION_BUDGET_S) -> int:
    """Iterations of :func:`brew` that take about ``target_s`` on this machine.

    Measures the loop rate for at most ``budget_s`` (doubling the chunk until
    a measurement lasts long enough to trust) and scales it.
    """
    n = 50_000
    spent = 0.0
    best_rate = 0.0
    while spent < budget_s:
        t0 = time.perf_counter()
        brew(n)
        dt = time.perf_counter() - t0
        spent += dt
        if dt > 0:
            best_rate = max(best_rate, n / dt)
        if dt < budget_s / 6:
            n *= 2
    return max(1, int(best_rate * target_s))
