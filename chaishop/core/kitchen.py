"""The kitchen: a process of its own where every crew runs, away from the UI.

    front of house (UI process)              kitchen process (no Textual)
    ---------------------------              ----------------------------
    Kitchen.run(spec)    --("run", spec)-->  main thread: one command at a time
    Kitchen.cancel()     --("cancel",)--->     starts/cancels the runner thread
    Kitchen.knock_out()  --("knock", n)-->   runner thread: shop.Run.execute()
    Kitchen.poll()       <--messages------     RunStarted, Event..., RunFinished
                                               (+ KitchenReady, Note)
                         <--GilReading----   gil-reporter thread: GilProbe.read()
                                               every GIL_EVERY_S while a run is on,
                                               once more when idle, then the probe stops

Why a separate process: a Textual screen refresh holds the GIL for tens of
milliseconds, which slows sequential and thread baristas running beside it by
30-60 % (measured), and CPU-bound threads beside the UI make keys lag.  Here
neither disturbs the other, and bench measures exactly what the UI shows.

The kitchen is started with ``spawn`` (a clean interpreter, nothing inherited
but the pipe) and process baristas are the kitchen's own children.  If the UI
dies, however it dies, the kitchen's parent watchdog stops the run and exits.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, replace

from chaishop.core import events as ev
from chaishop.core import mp
from chaishop.core.gil import GilProbe
from chaishop.core.machine import Machine, describe
from chaishop.core.recipes import DEFAULT_ORDER_S, calibrate
from chaishop.core.shop import Run

RUN, CANCEL, KNOCK, QUIT = "run", "cancel", "knock", "quit"

# The kitchen (and every barista it starts) yields the CPU to the front of
# house when both want it: on 2 cores with 4 CPU-bound baristas, keys would
# otherwise wait for the scheduler.  With spare cores it changes nothing.
KITCHEN_NICE = 5

# How often the GIL gauge is read and sent while a run is on: a lively
# gauge (3 a second) for one small message; the probe only runs during runs.
GIL_EVERY_S = 1 / 3

# How long close() lets the kitchen finish cleanly before it uses force.
CLOSE_GRACE_S = 2.0
# After its parent is gone, how long the kitchen may clean up before it is
# ended without ceremony.
ORPHAN_GRACE_S = 2.0


@dataclass(frozen=True)
class KitchenReady:
    machine: Machine
    size: int  # calibrated brew iterations for one order of the target time
    order_s: float  # that target time
    start_method: str  # how process baristas are started
    pid: int


@dataclass(frozen=True)
class Note:
    """Something worth telling the user that is not a barista event."""

    text: str
    level: str = "info"  # info | warning | error


@dataclass(frozen=True)
class KitchenGone:
    """The kitchen process ended unexpectedly (sent by the client, not the kitchen)."""

    exitcode: int | None


class _Kitchen:
    def __init__(self, conn: multiprocessing.connection.Connection, size: int):
        self.conn = conn
        self.size = size
        self.send_lock = threading.Lock()
        self.run: Run | None = None
        self.runner: threading.Thread | None = None
        self.run_id = 0  # the run the GIL readings belong to
        self.probe = GilProbe()
        self.gil_wake = threading.Event()  # a run started: read the gauge now
        self.gil_stop = threading.Event()
        self.gil_thread = threading.Thread(target=self.report_gil, name="gil-reporter", daemon=True)

    def send(self, msg: object) -> None:
        with self.send_lock:
            try:
                self.conn.send(msg)
            except (BrokenPipeError, OSError):
                pass  # the UI is gone; the watchdog ends us

    def start_run(self, spec: ev.RunSpec) -> None:
        self.stop_run()
        if spec.size <= 0:
            spec = replace(spec, size=self.size)
        try:
            run = Run(spec, self.send)
        except ValueError as exc:
            self.send(Note(str(exc), "error"))
            return

        def execute() -> None:
            try:
                run.execute()
            except Exception as exc:  # noqa: BLE001 - report, never die silently
                self.send(Note(f"run failed: {type(exc).__name__}: {exc}", "error"))

        self.run, self.run_id = run, spec.run
        self.runner = threading.Thread(target=execute, name="kitchen-runner", daemon=True)
        self.runner.start()
        self.gil_wake.set()

    def report_gil(self) -> None:
        """The gil-reporter thread: the probe runs while a run is on, plus one idle window."""
        idle_since: float | None = None
        while not self.gil_stop.is_set():
            self.gil_wake.wait(GIL_EVERY_S)
            self.gil_wake.clear()
            runner = self.runner
            if runner is not None and runner.is_alive():
                idle_since = None
                if not self.probe.running:
                    self.probe.start()
                    continue  # no samples yet: the first reading comes next time
                self.send(replace(self.probe.read(), run=self.run_id))
            elif self.probe.running:
                # Idle: once a whole window holds only idle wake-ups, send it and stop.
                now = time.perf_counter()
                idle_since = idle_since or now
                if now - idle_since >= self.probe.window_s:
                    self.send(replace(self.probe.read(), run=self.run_id))
                    self.probe.stop()
        self.probe.stop()

    def stop_run(self) -> None:
        if self.run is not None:
            self.run.cancel()
        if self.runner is not None:
            self.runner.join()
        self.run = self.runner = None

    def knock(self, barista: int | None) -> None:
        run = self.run
        who = run.knock_out(barista) if run is not None and self.runner.is_alive() else None
        if who is None:
            self.send(Note("nobody is brewing: nothing to knock out", "warning"))
        else:
            self.send(Note(f"knocked out Barista-{who}", "warning"))

    def serve(self) -> None:
        while True:
            try:
                cmd, *args = self.conn.recv()
            except (EOFError, OSError):
                return
            if cmd == QUIT:
                return
            try:
                if cmd == RUN:
                    self.start_run(args[0])
                elif cmd == CANCEL:
                    self.stop_run()
                elif cmd == KNOCK:
                    self.knock(args[0])
            except Exception as exc:  # noqa: BLE001 - the kitchen outlives any one command
                self.send(Note(f"kitchen error on {cmd}: {type(exc).__name__}: {exc}", "error"))


def _raise_exit(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _parent_gone() -> None:
    # Let the main thread unwind properly (it stops the run, which terminates
    # the barista processes); the watchdog then ends us regardless.
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(ORPHAN_GRACE_S)


def kitchen_main(conn: multiprocessing.connection.Connection, order_s: float, size: int | None) -> None:
    mp.child_init(_parent_gone)
    # Every barista process re-imports its parent's __main__ module.  Here that
    # would be whatever script started the front of house (Textual and all:
    # +0.2 s of start-up per barista, measured); make this import-light module
    # the kitchen's __main__ instead.
    sys.modules["__main__"] = sys.modules[__name__]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c is the UI's to handle
    try:
        os.nice(KITCHEN_NICE)
    except OSError:
        pass  # not allowed here: run at normal priority
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGHUP, _raise_exit)
    mp.warm_up()
    kitchen = _Kitchen(conn, size or calibrate(order_s))
    kitchen.send(KitchenReady(describe(), kitchen.size, order_s, mp.start_method(), os.getpid()))
    kitchen.gil_thread.start()
    try:
        kitchen.serve()
    finally:
        kitchen.stop_run()
        kitchen.gil_stop.set()
        kitchen.gil_wake.set()
        kitchen.gil_thread.join(1.0)
        conn.close()


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
        self._gone_reported = False

    def start(self) -> "Kitchen":
        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=kitchen_main, args=(theirs, self.order_s, self.size),
                                   name="chaishop-kitchen")
        # Not a daemon: daemonic processes may not have children, and process
        # baristas are the kitchen's children.  close() always ends it.
        self.process.start()
        theirs.close()
        self.conn = ours
        self._gone_reported = False
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def _send(self, *cmd) -> bool:
        if self.conn is None:
            return False
        try:
            self.conn.send(cmd)
            return True
        except (BrokenPipeError, OSError):
            return False

    def run(self, spec: ev.RunSpec) -> bool:
        return self._send(RUN, spec)

    def cancel(self) -> bool:
        return self._send(CANCEL)

    def knock_out(self, barista: int | None = None) -> bool:
        return self._send(KNOCK, barista)

    def poll(self, limit: int = 5000) -> list[object]:
        """Everything the kitchen said since the last call (at most ``limit``)."""
        got: list[object] = []
        if self.conn is None:
            return got
        try:
            while len(got) < limit and self.conn.poll():
                msg = self.conn.recv()
                if isinstance(msg, KitchenReady):
                    self.ready = msg
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
            self.poll(limit=1)
        return self.ready

    def close(self, timeout: float = CLOSE_GRACE_S) -> None:
        """Stop the kitchen and everything in it: ask, then terminate, then kill."""
        p = self.process
        if p is None:
            return
        self._send(QUIT)
        p.join(timeout)
        if p.is_alive():
            p.terminate()  # SIGTERM: the kitchen still cleans up its baristas
            p.join(timeout)
        if p.is_alive():
            p.kill()
            p.join(timeout)
        if self.conn is not None:
            self.conn.close()
        self.process = self.conn = None

    def __enter__(self) -> "Kitchen":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
