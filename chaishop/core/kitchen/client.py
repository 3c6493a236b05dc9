"""The front of house's handle on the kitchen process: start it, command it, hear it, end it.

    Kitchen.start()       spawns core.kitchen.process.kitchen_main (spawn), one duplex pipe
                          (through _spawned: the front never imports the kitchen's code)
    Kitchen.run(spec)     --StartRun(spec)-->  the kitchen's command loop
    Kitchen.cancel()      --CancelRun()----->    (commands: core.protocol.commands)
    Kitchen.knock_out(n)  --KnockOut(n)----->
    Kitchen.poll()        <--KitchenMessage--  barista events, gauges, notes (core.protocol);
                                               heartbeats only reset silent_s();
                                               KitchenGone when the pipe ends unasked
    Kitchen.close()       --Quit()---------->  then, after QUIT_GRACE_S, SIGKILL for it all

Why a separate process: a Textual screen refresh holds the GIL for tens of
milliseconds, which slows sequential and thread baristas running beside it by
30-60 % (measured), and CPU-bound threads beside the UI make keys lag.  There
neither disturbs the other, and bench measures exactly what the UI shows.
The kitchen's temp files live in a private folder that close() removes (or,
if the front of house dies first, the kitchen's watchdog).
core.kitchen.supervisor heals a kitchen that crashes or hangs.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import time

from chaishop.core.kitchen import mp
from chaishop.core.protocol.commands import CancelRun, KitchenCommand, KnockOut, Quit, StartRun
from chaishop.core.protocol.events import RunSpec
from chaishop.core.protocol.kitchen import Heartbeat, KitchenGone, KitchenMessage, KitchenReady
from chaishop.core.workloads.recipes import DEFAULT_ORDER_S

# How long close() lets the kitchen stop cleanly before SIGKILL for all of it: a
# quit must feel immediate (thread baristas held it 2.6-2.9 s), nothing is worth more.
QUIT_GRACE_S = 0.25


def _spawned(*args) -> None:
    """The kitchen process's entry: its code (crews, recipes, probes) is imported there.

    The front of house only names this function; importing core.kitchen.process took it
    about 30 ms of a first frame that waits for nothing else of the kitchen's."""
    from chaishop.core.kitchen.process import kitchen_main

    kitchen_main(*args)


class Kitchen:
    """The front of house's handle on the kitchen process.

    ``poll()`` never blocks: the UI calls it on a timer and renders what it gets.
    """

    def __init__(self, order_s: float = DEFAULT_ORDER_S, size: int | None = None):
        self.order_s = order_s
        self.size = size
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn: multiprocessing.connection.Connection | None = None
        self.ready: KitchenReady | None = None
        self.tempdir: str | None = None
        self.last_heard = time.monotonic()
        self._gone_reported = False

    def start(self) -> "Kitchen":
        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe(duplex=True)
        self.tempdir = mp.private_tempdir()
        self.process = ctx.Process(target=_spawned, name="chaishop-kitchen",
                                   args=(theirs, self.order_s, self.size, self.tempdir))
        # Not a daemon: daemonic processes may not have children, and process
        # baristas are the kitchen's children.  close() always ends it.
        try:
            self.process.start()
        except BaseException:  # it never ran: its temp folder is ours to remove, and the pipe
            mp.remove_tempdir(self.tempdir)
            ours.close()
            theirs.close()
            self.process = self.tempdir = None
            raise
        theirs.close()
        self.conn = ours
        self._gone_reported = False
        self.last_heard = time.monotonic()
        return self

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def silent_s(self) -> float:
        """Seconds since the kitchen last said anything (it heartbeats 3 times a second)."""
        return time.monotonic() - self.last_heard

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def _send(self, cmd: KitchenCommand) -> bool:
        if self.conn is None:
            return False
        try:
            self.conn.send(cmd)
            return True
        except (BrokenPipeError, OSError):
            return False

    def run(self, spec: RunSpec) -> bool:
        return self._send(StartRun(spec))

    def cancel(self) -> bool:
        return self._send(CancelRun())

    def knock_out(self, barista: int | None = None) -> bool:
        return self._send(KnockOut(barista))

    def poll(self, limit: int = 5000) -> list[KitchenMessage]:
        """Everything the kitchen said since the last call (at most ``limit``)."""
        got: list[KitchenMessage] = []
        if self.conn is None:
            return got
        try:
            while len(got) < limit and self.conn.poll():
                msg = self.conn.recv()
                self.last_heard = time.monotonic()
                if isinstance(msg, KitchenReady):
                    self.ready = msg
                if not isinstance(msg, Heartbeat):
                    got.append(msg)
        except (EOFError, OSError):
            if not self._gone_reported:
                self._gone_reported = True
                if self.process is not None:
                    self.process.join(0.5)
                got.append(KitchenGone(self.process.exitcode if self.process else None))
        return got

    def wait_ready(self, timeout: float = 30.0) -> KitchenReady:
        """Block until the kitchen has calibrated (for headless callers and tests)."""
        deadline = time.monotonic() + timeout
        while self.ready is None:
            if self.conn is None or not self.conn.poll(max(0.0, deadline - time.monotonic())):
                raise TimeoutError("the kitchen did not get ready")
            for msg in self.poll(limit=1):  # a pipe at its end polls ready for ever: never spin
                if isinstance(msg, KitchenGone):
                    raise RuntimeError(f"the kitchen ended before it was ready: {msg.reason}")
        return self.ready

    def close(self, timeout: float = QUIT_GRACE_S) -> None:
        """Stop the kitchen and everything under it: ask, then SIGKILL them all;
        remove its temp folder.  Idempotent."""
        p = self.process
        if p is None:
            return
        under = mp.family(p.pid)  # the forkserver and baristas, while we can still see them
        self._send(Quit())
        p.join(timeout)
        if p.is_alive():
            under = mp.family(p.pid) or under
        mp.end_family(p.pid if p.is_alive() else None, under, skip=p.pid)
        p.join(mp.REAP_S)
        if self.conn is not None:
            self.conn.close()
        mp.remove_tempdir(self.tempdir)
        self.process = self.conn = self.tempdir = None

    def kill(self) -> None:  # a hung kitchen: SIGKILL for it and all under it, at once
        self.close(timeout=0)

    def __enter__(self) -> "Kitchen":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
