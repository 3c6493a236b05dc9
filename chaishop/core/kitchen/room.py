"""The room of ``chaishop serve``: which other visitors are brewing on the same cores now.

    chaishop serve ── exports CHAISHOP_ROOM_OWNER=its pid (visitors inherit it)
    each visitor's app, every tick: Room.others_brewing()
        the server's ``python -m chaishop`` children other than us (one per visitor)
        ──▶ CPU seconds used by each one's kitchen and baristas (psutil) since the last tick
        ──▶ brewing if that is at least BREWING_SHARE of a core

Each visitor has its own kitchen on the same cores, so one visitor's run
disturbs another's numbers; the shop says so on screen.  Measured, not
declared: a visitor counts while its kitchen really uses the CPU (waiting
orders disturb nobody).  Nothing is written anywhere, so nothing is left
behind however the server ends.
"""

from __future__ import annotations

import os
import time

import psutil

OWNER_ENV = "CHAISHOP_ROOM_OWNER"
# A visitor (its shop, kitchen and baristas) using at least this share of one
# core counts as brewing.  An idle shop uses about 1 % (measured); a brewing one
# a core or more, but on a crowded machine it may get only a slice of one.
BREWING_SHARE = 0.05


def _cpu_s(p: psutil.Process) -> float:
    total = 0.0
    for q in [p, *p.children(recursive=True)]:
        try:
            t = q.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


class Room:
    def __init__(self, owner: int, me: int | None = None, clock=time.monotonic):
        self.owner = owner
        self.me = me or os.getpid()
        self.clock = clock
        self.last: dict[int, float] = {}  # visitor pid -> its CPU seconds at the last look
        self.last_t = clock()

    @classmethod
    def from_env(cls) -> "Room | None":
        owner = os.environ.get(OWNER_ENV, "")
        return cls(int(owner)) if owner.isdigit() else None

    def visitors(self) -> list[psutil.Process]:
        """The other visitors' apps: ``python -m chaishop`` children of the server."""
        out = []
        try:
            kids = psutil.Process(self.owner).children(recursive=True)
        except psutil.Error:
            return out
        for p in kids:
            try:
                if p.pid != self.me and p.cmdline()[1:3] == ["-m", "chaishop"]:
                    out.append(p)
            except psutil.Error:
                pass
        return out

    def others_brewing(self) -> int:
        """How many other visitors' kitchens used BREWING_SHARE of a core since the last call."""
        now = self.clock()
        span = max(1e-3, now - self.last_t)
        seen = {p.pid: _cpu_s(p) for p in self.visitors()}
        n = sum(1 for pid, cpu in seen.items()
                if pid in self.last and (cpu - self.last[pid]) / span >= BREWING_SHARE)
        self.last, self.last_t = seen, now
        return n
