"""Rush hour: what changes when a crew has thousands of baristas.

    crew size --checkin_s()--> how often each waiting barista wakes (control.Control)
              --summarised()--> kitchen sends CrewSummary instead of every Event
                                (core.measure.summary), the UI draws a grid instead of panes

A small crew reports every barista's progress every 50 ms, and the UI shows a
pane per barista.  5,000 baristas doing that would be 100,000 wake-ups and
events a second: the shop's own bookkeeping, not the lesson.  So past
``SUMMARISE_ABOVE`` baristas the kitchen summarises the stream, and each
barista checks in less often (the total stays near ``CHECKINS_PER_S``).  The
work itself (one sleep of the order's length, in slices) is unchanged.
"""

from __future__ import annotations

from chaishop.core.menu import MAX_PANES
from chaishop.core.workloads.recipes import WAIT_SLICE_S

# Past this many baristas the panes give way to a grid and the kitchen
# summarises the event stream: 16 panes is what still fits a projector.
SUMMARISE_ABOVE = MAX_PANES

# Check-ins (wake-ups with a progress report) per second for the whole crew,
# at most.  Serving 5,000 one-second orders on the 2-core VM (busy): 5,000
# threads waking every 50 ms took 13.8 s (start-up starved by 100,000 GIL
# hand-overs a second), waking once a second 2.9 s, a bare script's threads
# sleeping 1 s 2.5-2.9 s; 5,000 asyncio tasks waking every 250 ms took 2.4 s,
# once a second 1.8 s.
CHECKINS_PER_S = 5_000
# However big the crew, a cancel, a knock-out or a timeout is noticed within this.
MAX_CHECKIN_S = 1.0


def checkin_s(baristas: int) -> float:
    """How often one waiting barista of a crew of ``baristas`` wakes up."""
    return max(WAIT_SLICE_S, min(MAX_CHECKIN_S, baristas / CHECKINS_PER_S))


def summarised(baristas: int) -> bool:
    """True when a crew is too big for panes and a forwarded event per progress report."""
    return baristas > SUMMARISE_ABOVE

