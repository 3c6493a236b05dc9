"""Recipes (workloads) and orders (tasks).

A recipe is a list of steps, each either *brew* (CPU-bound: the tutorial's pure
Python counting loop), *grind* (CPU-bound in C: hashlib over a few MB, which
lets go of the GIL while it hashes) or *wait* (I/O-bound: sleeping, as when
waiting on a customer, a disk or a network).  Baristas work through the steps in small
chunks so that they can report progress and notice a cancel between chunks.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from chaishop.core.menu import CPU_BOUND, HASH_STEPS, LABELS, RECIPE, RECIPES  # noqa: F401  (the menu's)

BREW = "brew"
ORDERS = "orders"
MIXED = "mixed"
GRIND = "grind"
WAIT = "wait"  # the step kind of an I/O wait
TILL = "till"  # ring up cups on a till the crew shares (chaishop.core.workloads.till)
LESSON = "lesson"  # a lesson of its own works the order (core/workloads/lesson_kind.py)
HAUL = "haul"  # total a big payload that travels with each order (chaishop.core.workloads.haul)

# Not offered in menus: like brew, but order #1 is spilled (raises), to show how
# a crew copes with a barista that crashes while the others go on.
SPILL = "spill"
SPILLED_ORDER = 1

# Iterations per brew chunk: about 5 ms of counting here, small enough that a
# cancel or a progress report is never far away, big enough that the check
# costs nothing measurable.
BREW_CHUNK = 200_000
# Longest single sleep of a wait step, so a cancel is noticed within this time.
WAIT_SLICE_S = 0.05

# One grind step hashes this many bytes with SHA-256: hashlib lets go of the
# GIL for buffers over 2 KiB, and 4 MiB takes ~3.5 ms here (a cancel or a
# progress report is never far away).  A grind order's size is its step count.
GRIND_BYTES = 4 * 1024 * 1024
_GRIND_BUFFER: bytes | None = None  # made on first use, once per process

DEFAULT_ORDER_S = 1.0  # target duration of one order
CALIBRATION_BUDGET_S = 0.3


class Spilled(RuntimeError):
    """Raised by the spill recipe."""


@dataclass(frozen=True)
class Order:
    number: int  # 1-based, in the order customers placed them
    recipe: str
    size: int  # brew iterations (till: cups to ring up; haul: ints in the payload)
    order_s: float  # the order's target seconds: what an I/O order waits
    payload: object = None  # haul: the data the order carries (a list, or a shared-memory handle)
    sent_t: float = 0.0  # haul: when the counter handed it out, for the transfer time
    switch_s: float = 0.0  # the GIL switch interval for a barista process to set (0: leave it)


def steps(order: Order) -> list[tuple[str, float]]:
    """The steps of an order: (BREW, iterations) or (WAIT, seconds)."""
    if order.recipe == BREW:
        return [(BREW, order.size)]
    if order.recipe == ORDERS:
        return [(WAIT, order.order_s)]
    if order.recipe == MIXED:
        return [(WAIT, order.order_s / 2), (BREW, order.size // 2)]
    if order.recipe == GRIND:
        return [(GRIND, order.size)]
    if order.recipe in (TILL, HAUL):
        return [(order.recipe, order.size)]
    if RECIPE[order.recipe].kind:  # a lesson of its own: its kind works the whole order
        return [(LESSON, order.size)]
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


def grind(steps: int) -> int:
    """CPU-bound work in C: SHA-256 over ``GRIND_BYTES``, ``steps`` times.

    hashlib releases the GIL while it hashes a large buffer, so threads grind
    in parallel even on a build with the GIL: the GIL guards Python bytecode,
    and C code can let go of it.
    """
    global _GRIND_BUFFER
    if _GRIND_BUFFER is None:
        _GRIND_BUFFER = bytes(range(256)) * (GRIND_BYTES // 256)
    last = 0
    for _ in range(steps):
        last = hashlib.sha256(_GRIND_BUFFER).digest()[0]
    return last


def make_orders(recipe: str, count: int, size: int, order_s: float) -> list[Order]:
    if recipe not in RECIPE:  # the menu's, offered or not (spill)
        raise ValueError(f"unknown recipe {recipe!r}")
    payload = None
    if recipe == HAUL:  # one list for every order: the customer brings it, it is not the shop's cost
        from chaishop.core.workloads.haul import make_payload

        payload = make_payload(size)
    return [Order(n, recipe, size, order_s, payload) for n in range(1, count + 1)]


def calibrate(target_s: float = DEFAULT_ORDER_S, budget_s: float = CALIBRATION_BUDGET_S) -> int:
    """Iterations of :func:`brew` that take about ``target_s`` on this machine.

    Measures the loop rate for at most ``budget_s`` (doubling the chunk until
    a measurement lasts long enough to trust) and scales it.
    """
    return max(1, int(best_rate(brew, 50_000, budget_s) * target_s))


def best_rate(work, n: int, budget_s: float) -> float:
    """The best rate (units a second) of ``work(n)`` seen within ``budget_s`` of
    measuring, doubling ``n`` until one measurement lasts long enough to trust."""
    spent = best = 0.0
    while spent < budget_s:
        t0 = time.perf_counter()
        work(n)
        dt = time.perf_counter() - t0
        spent += dt
        if dt > 0:
            best = max(best, n / dt)
        if dt < budget_s / 6:
            n *= 2
    return best


def calibrate_grind(target_s: float = DEFAULT_ORDER_S,
                    budget_s: float = CALIBRATION_BUDGET_S) -> int:
    """Grind steps that take about ``target_s`` on this machine (like :func:`calibrate`)."""
    grind(1)  # make the buffer outside the measurement
    return max(1, round(best_rate(grind, 1, budget_s) * target_s))


def order_size(recipe: str, brew_size: int, grind_size: int) -> int:
    """The ``size`` of one order of ``recipe``: brew iterations, or grind steps (menu: sizing)."""
    return grind_size if RECIPE[recipe].sizing == HASH_STEPS else brew_size


def calibrate_recipe(recipe: str, target_s: float = DEFAULT_ORDER_S) -> int:
    """The calibrated size of one ``recipe`` order taking ``target_s``, in its menu sizing."""
    return (calibrate_grind if RECIPE[recipe].sizing == HASH_STEPS else calibrate)(target_s)


def work_label(recipe: str, orders: int, size: int, order_s: float) -> str:
    """What ``orders`` orders of ``recipe`` really do, in words (bench titles)."""
    if recipe == ORDERS:
        return f"{orders} orders of {order_s:g} s waiting"
    if recipe == MIXED:
        return f"{orders} orders of {order_s / 2:g} s waiting then {size // 2:,} iterations"
    if recipe == GRIND:
        return f"{orders} orders of {size} × SHA-256 over {GRIND_BYTES // 2**20} MiB"
    return f"{orders} orders of {size:,} iterations"
