"""A wait-for graph fed by the baristas' own words about their locks, and its cycles.

    barista --Event.word ("wait", f) / ("hold", f) / ("drop", f) / ("retry", f)--> WaitFor.feed
        holder: fork -> the barista holding it      waiting: barista -> the fork it waits for
        on each "wait": follow  barista -> fork it waits for -> its holder -> ...  back to it?
            --> the cycle [(barista, fork), ...]: each barista waits for its fork, held by the next

A barista waits for at most one lock at a time, so the graph is a functional graph and a cycle
through the barista that just started waiting is found by walking at most N steps.  A cycle can
only close when its last member starts waiting, so checking on each "wait" finds it as soon as
it forms (the event's own time, not a sampler's).  "retry" is a try-lock's back-off: the
barista drops the fork it held (a drop) and counts one retry.  Pure: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WAIT, HOLD, DROP, RETRY = "wait", "hold", "drop", "retry"  # a barista's words (Event.word)
SEAT_WAIT, SEATED, LEAVE = "seat-wait", "seated", "leave"  # the waiter's semaphore (no holder)

Cycle = list[tuple[int, int]]  # [(barista, fork it waits for)], each fork held by the next


@dataclass
class WaitFor:
    """Who holds which lock and who waits for which, step by step; waits timed per barista."""

    holder: dict[int, int] = field(default_factory=dict)  # fork -> barista
    waiting: dict[int, int] = field(default_factory=dict)  # barista -> fork (or 0: a seat)
    since: dict[int, float] = field(default_factory=dict)  # barista -> when its wait began
    wait_s: dict[int, float] = field(default_factory=dict)  # barista -> seconds waited in all
    retries: dict[int, int] = field(default_factory=dict)  # barista -> try-lock back-offs

    def feed(self, barista: int, word: tuple, t: float = 0.0) -> Cycle | None:
        """One word of one barista at time ``t``; the cycle it closed, if any."""
        if not word:
            return None
        what, fork = word[0], (word[1] if len(word) > 1 else 0)
        if what == WAIT:
            self._start_wait(barista, fork, t)
            return self.cycle_from(barista)
        if what == SEAT_WAIT:
            self._start_wait(barista, 0, t)
        elif what == SEATED:
            self._end_wait(barista, t)
        elif what == HOLD:
            self._end_wait(barista, t)
            self.holder[fork] = barista
        elif what in (DROP, RETRY):
            if self.holder.get(fork) == barista:
                del self.holder[fork]
            if what == RETRY:
                self.retries[barista] = self.retries.get(barista, 0) + 1
        return None

    def gone(self, barista: int, t: float = 0.0) -> None:
        """The barista clocked off (finished, failed, cancelled): it holds and waits for nothing."""
        self._end_wait(barista, t)
        for fork in [f for f, b in self.holder.items() if b == barista]:
            del self.holder[fork]

    def _start_wait(self, barista: int, fork: int, t: float) -> None:
        self._end_wait(barista, t)
        self.waiting[barista] = fork
        self.since[barista] = t

    def _end_wait(self, barista: int, t: float) -> None:
        self.waiting.pop(barista, None)
        began = self.since.pop(barista, None)
        if began is not None:
            self.wait_s[barista] = self.wait_s.get(barista, 0.0) + max(0.0, t - began)

    def waits_at(self, t: float) -> dict[int, float]:
        """Seconds each barista waited for a lock up to ``t`` (waits still going count so far)."""
        out = dict(self.wait_s)
        for b, began in self.since.items():
            out[b] = out.get(b, 0.0) + max(0.0, t - began)
        return out

    def cycle_from(self, barista: int) -> Cycle | None:
        """The cycle through ``barista`` in the graph now, or None."""
        cycle: Cycle = []
        seen = set()
        who = barista
        while who not in seen:
            seen.add(who)
            fork = self.waiting.get(who)
            if not fork:  # waits for nothing, or for a seat (a semaphore has no one holder)
                return None
            held_by = self.holder.get(fork)
            if held_by is None or held_by == who:
                return None  # free (its holder's drop came first), or its own: no wait on another
            cycle.append((who, fork))
            if held_by == barista:
                return cycle
            who = held_by
        return None  # a cycle ahead that does not pass through ``barista`` (found when it formed)

    def find_cycle(self) -> Cycle | None:
        """Any cycle in the graph now (for a check after the fact)."""
        for b in sorted(self.waiting):
            if (c := self.cycle_from(b)) is not None:
                return c
        return None

    def still(self, cycle: Cycle) -> bool:
        """Whether every edge of ``cycle`` still stands."""
        n = len(cycle)
        return all(self.waiting.get(b) == f and self.holder.get(f) == cycle[(i + 1) % n][0]
                   for i, (b, f) in enumerate(cycle))


GONE = "gone"  # not a barista's word: wait_spans' mark for a barista that clocked off


def wait_spans(words, end: float) -> list[tuple[int, int, float, float]]:
    """(barista, lock, start, end) of every wait for a lock (lock 0: a seat), from
    (barista, word, t) in time order; a wait ends at the barista's next word (its hold, or
    GONE), or at ``end`` if the run ended first (a deadlock's last waits)."""
    open_: dict[int, tuple[int, float]] = {}
    spans = []
    for barista, word, t in words:
        if barista in open_:
            lock, began = open_.pop(barista)
            spans.append((barista, lock, began, t))
        if word and word[0] in (WAIT, SEAT_WAIT):
            open_[barista] = (word[1] if len(word) > 1 else 0, t)
    spans += [(b, lock, began, end) for b, (lock, began) in open_.items()]
    return spans


def canonical(cycle: Cycle) -> Cycle:
    """The same cycle, starting at its lowest-numbered barista (one way to say each cycle)."""
    if not cycle:
        return []
    i = min(range(len(cycle)), key=lambda k: cycle[k][0])
    return cycle[i:] + cycle[:i]


def describe(cycle: Cycle, fork_word: str = "fork", limit: int = 8) -> str:
    """'barista 1 waits for fork 2, held by barista 2, who waits for fork 3, ... held by barista 1';
    a cycle longer than ``limit`` keeps its first and last links and says how many it skipped."""
    if not cycle:
        return ""
    parts = []
    for i, (b, f) in enumerate(cycle):
        holder = cycle[(i + 1) % len(cycle)][0]
        lead = f"barista {b} waits" if i == 0 else "who waits"
        parts.append(f"{lead} for {fork_word} {f}, held by barista {holder}")
    if len(parts) > limit:
        skipped = len(parts) - limit  # shown: the first limit - 2 links and the last 2
        parts = parts[:limit - 2] + [f"... {skipped} more baristas ..."] + parts[-2:]
    return ", ".join(parts)
