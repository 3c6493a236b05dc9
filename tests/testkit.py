"""Helpers shared by the test files (fixtures live in the conftest.py beside them).

    wait_until(predicate, timeout)          poll from a plain test or a thread
    poll_until(kitchen, kind)               poll a kitchen until a message of that type came
    await until(pilot, predicate, ...)      pause a Textual pilot until the app gets there
    await press_key(pilot, key)             a key as the terminal sends it, handled (no idle waits)
    make_app(kitchen, tmp_path, **config)   a ShopApp on that kitchen: tiny orders, no autostart
    spec(mode, recipe, ...)                 a RunSpec of tiny orders (a test binds its own defaults)
    result(mode, recipe, wall_s, ...)       a RunResult from the few figures a test cares about
    free_port()                             a TCP port free on 127.0.0.1 just now
    run_chaishop(*args) / start_chaishop    ``python -m chaishop ...``: run to the end / start
    stop_group(proc)                        end a started command and every process group under it
    cmdline(p)                              a process's command line, "" once it has ended (zombie, gone)
    FakeClock(now)                          a clock a test sets by hand (clock.now += 2.0)
    MachineLock(folder).held(alone)         many tests at once, or one alone (xdist workers: conftest.py)

tests/ and tests/ui/ are on sys.path (pyproject.toml, [tool.pytest.ini_options] pythonpath),
so test files import this as ``testkit`` and the scripted kitchen as ``scripted``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

from chaishop.core.protocol import events as ev

ROOT = Path(__file__).resolve().parents[1]
TINY_WAIT_S = 0.05  # the target seconds of one order in UI tests (ShopConfig.order_s)
TINY_SIZE = 150_000  # brew iterations: a few milliseconds of brewing (spec's orders)
SPEC_WAIT_S = 0.04  # the wait of one I/O order in spec()


# Processes a module-scoped fixture keeps across its tests (a hand-started Dask cluster):
# the leak check (conftest.no_leaks) leaves them and their children alone; the fixture
# removes them from here as it ends them.
SHARED_PIDS: set[int] = set()


def cmdline(p: psutil.Process) -> str:
    """The command line of ``p`` joined by spaces, or "" if it ended meanwhile.

    A short-lived child (a helper the bench starts and waits for) can be a zombie or gone
    between ``children()`` and ``cmdline()``: psutil then raises; a scan skips it.
    """
    try:
        return " ".join(p.cmdline())
    except psutil.Error:
        return ""


class FakeClock:
    """A clock that stands still until the test moves it: ``clock.now += 2.0``."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def wait_until(predicate, timeout: float, step: float = 0.05) -> bool:
    """Poll ``predicate()`` every ``step`` s for at most ``timeout`` s; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


def poll_until(kitchen, kind: type, timeout: float = 20.0) -> list[object]:
    """Poll ``kitchen`` until a ``kind`` message came (or fail after ``timeout`` s); all it sent."""
    seen: list[object] = []
    deadline = time.monotonic() + timeout
    while not any(isinstance(m, kind) for m in seen):
        assert time.monotonic() < deadline, f"no {kind.__name__} from the kitchen; got {seen[-5:]}"
        seen += kitchen.poll()
        time.sleep(0.02)
    return seen


async def until(pilot, predicate, timeout: float = 20.0, step: float = 0.05) -> bool:
    """Pause the pilot until ``predicate()`` is true (or fail after ``timeout`` s)."""
    waited = 0.0
    while not predicate():
        if waited > timeout:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(step)
        waited += step
    return True


# A key's handler may post messages whose handlers post more (a screen pushed, then
# composed): each round waits until every widget has handled what was queued before it.
HANDLED_ROUNDS = 3


async def press_key(pilot, key: str) -> None:
    """Press ``key`` as a terminal sends it and wait until the app has handled it.

    The same Key event as ``Pilot.press`` (Textual's App._press_keys builds it so and
    hands it to the driver), without its two waits for an idle process per key: 20 ms
    windows, up to a second each while a run keeps the app drawing.  Tests that press
    hundreds of keys mid-run (every key in every mode, the soak) spend their time there.
    """
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(pilot.app)
    pilot.app._driver.send_message(event)
    for _ in range(HANDLED_ROUNDS):
        await pilot.pause(0)


def make_app(kitchen, tmp_path: Path | None = None, **config):
    """A ShopApp on ``kitchen``; orders brew the kitchen's size (its fixture sets it)."""
    from chaishop.ui.app import ShopApp, ShopConfig

    config.setdefault("order_s", TINY_WAIT_S)
    config.setdefault("autostart", False)
    config.setdefault("screenshot_dir", str(tmp_path or "screenshots"))
    return ShopApp(ShopConfig(**config), kitchen)


def spec(mode: str, recipe: str = "brew", baristas: int = 2, orders: int = 5,
         size: int = TINY_SIZE, order_s: float = SPEC_WAIT_S, **kw) -> ev.RunSpec:
    """A RunSpec of tiny orders (``kw``: its other fields, e.g. run=7, timeout_s=0.2)."""
    return ev.RunSpec(mode, recipe, baristas, orders, size, order_s, **kw)


def result(mode: str = "threads", recipe: str = "brew", wall_s: float = 1.0,
           cpu_s: float | None = None, **fields) -> ev.RunResult:
    """A run's verdict: 2 baristas, 4 orders of size 1,000, CPU time = wall time unless given,
    every order done unless ``cancelled`` (then none, unless ``orders_done`` says)."""
    fields = {"baristas": 2, "orders": 4, "size": 1000, "startup_s": 0.0, "failed": 0,
              "cancelled": False} | fields
    fields.setdefault("orders_done", 0 if fields["cancelled"] else fields["orders"])
    return ev.RunResult(mode=mode, recipe=recipe, wall_s=wall_s,
                        cpu_s=wall_s if cpu_s is None else cpu_s, **fields)


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 just now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_chaishop(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m chaishop ARGS`` to the end, output captured, no terminal."""
    return subprocess.run([sys.executable, "-m", "chaishop", *args], capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def start_chaishop(*args: str, **kw) -> subprocess.Popen:
    """``python -m chaishop ARGS`` in a session of its own (stop it with stop_group)."""
    return subprocess.Popen([sys.executable, "-m", "chaishop", *args], stdin=subprocess.DEVNULL,
                            stdout=kw.pop("stdout", subprocess.PIPE),
                            stderr=kw.pop("stderr", subprocess.PIPE), text=True,
                            start_new_session=True, cwd=kw.pop("cwd", ROOT), **kw)


def stop_group(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Stop what a test started (in a session of its own), whatever happened.

    SIGTERM to its process group first, so it can clean up (a recorder ends its
    command, a server its apps); then SIGKILL that group and every process group
    below it (a recorded command runs in a session of its own).
    """
    if proc.poll() is None:
        try:
            groups = {os.getpgid(p.pid) for p in psutil.Process(proc.pid).children(recursive=True)}
        except (psutil.NoSuchProcess, ProcessLookupError):
            groups = set()
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(grace)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    else:
        groups = set()
    for pgid in groups | {proc.pid}:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    proc.wait()


class MachineLock:
    """Many tests at once, or one ``alone``: a readers-writer lock on two files (flock).

    ``take(alone)`` waits its turn at the turnstile, then holds the room shared or alone;
    a waiting ``alone`` test holds the turnstile, so the other workers' next tests queue
    behind it instead of starving it.  A worker may keep the room between two ``alone``
    tests (conftest.py does): the others drain once for the whole batch.
    """

    def __init__(self, folder) -> None:
        self.turnstile = open(folder / "chaishop-turnstile.lock", "a")  # noqa: SIM115
        self.room = open(folder / "chaishop-room.lock", "a")  # noqa: SIM115
        self.holding: int | None = None  # fcntl.LOCK_SH or LOCK_EX while held

    def take(self, alone: bool) -> None:
        want = fcntl.LOCK_EX if alone else fcntl.LOCK_SH
        if self.holding == want:
            return
        self.give()
        fcntl.flock(self.turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(self.room, want)
        finally:
            fcntl.flock(self.turnstile, fcntl.LOCK_UN)
        self.holding = want

    def give(self) -> None:
        if self.holding is not None:
            fcntl.flock(self.room, fcntl.LOCK_UN)
            self.holding = None

    @contextlib.contextmanager
    def held(self, alone: bool):
        self.take(alone)
        try:
            yield
        finally:
            self.give()
