"""Multiprocessing done carefully, for the kitchen and for process baristas.

- An explicit start method: ``forkserver`` where the OS has it, else ``spawn``.
  Never ``fork``: the engine and the UI run threads, and forking a threaded
  process can deadlock (Python 3.12+ warns about it).
- Every child first silences stdin, stdout and stderr (a child must never draw
  on the user's terminal) and starts a watchdog thread that ends the child the
  moment its parent is gone, even if the parent was killed with SIGKILL.
- The kitchen and everything it starts keep their temporary files (the
  ``pymp-*`` folder of the forkserver's socket) in a private folder that the
  front of house creates and removes (``private_tempdir`` / ``use_tempdir``):
  a kitchen killed with SIGKILL cannot clean up, its owner can.
- ``end_family`` ends a process and all its descendants at once (SIGKILL),
  for a quit that must be immediate or a kitchen that stopped answering.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.util
import os
import shutil
import signal
import tempfile
import threading
import time
from typing import Callable

import psutil

# Modules the forkserver imports once, so each barista process starts without
# importing them again.  They import nothing heavy (no Textual).
FORKSERVER_PRELOAD = ["chaishop.core.engine.barista", "chaishop.core.crews.processes"]

# How long end_family waits for SIGKILLed processes to be gone (they always go).
REAP_S = 2.0
TEMP_PREFIX = "chaishop-"
# A Unix socket's path holds at most 107 bytes (sun_path).  The forkserver listens at
# <temp folder>/pymp-XXXXXXXX/listener-XXXXXXXX, 32 bytes below the temp folder, and a
# kitchen's private folder adds 18: under a long TMPDIR the forkserver could not start
# (the kitchen crashed at every start), so temp folders then go under a short one.
SUN_PATH_MAX = 107
SOCKET_BELOW = len("/pymp-12345678/listener-12345678")
PRIVATE_BELOW = len("/" + TEMP_PREFIX + "12345678")
SHORT_TEMP_DIRS = ("/tmp", "/var/tmp", "/usr/tmp")

_context = None


def start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def context() -> multiprocessing.context.BaseContext:
    """The multiprocessing context for barista processes (created once)."""
    global _context
    if _context is None:
        ctx = multiprocessing.get_context(start_method())
        if ctx.get_start_method() == "forkserver":
            ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
            if not _room_for_socket(tempfile.gettempdir(), SOCKET_BELOW):
                path = private_tempdir()  # a short one; gone when this process exits
                use_tempdir(path)
                multiprocessing.util.Finalize(None, remove_tempdir, args=(path,), exitpriority=-200)
        _context = ctx
    return _context


def warm_up() -> None:
    """Start the forkserver now, so the first run's start-up is not charged for it."""
    if context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def silence_stdio() -> None:
    """Point fds 0, 1 and 2 at /dev/null, for this process and all it starts."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    if devnull > 2:
        os.close(devnull)


def quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with /dev/null as its stderr.

    The tracker outlives the front of house by a moment: it unlinks what a killed
    kitchen left (a lesson's semaphores) and warns on its stderr ("There appear to be 12
    leaked semaphore objects"), which was the terminal, under the shell's prompt.
    It is started (before Textual: under it stderr has no fd) with fd 2 pointed away.
    """
    import multiprocessing.resource_tracker

    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        multiprocessing.resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def watch_parent(on_parent_gone: Callable[[], None] | None = None) -> None:
    """End this child when its parent dies, however it died.

    ``on_parent_gone`` may clean up first; the child exits with ``os._exit``
    so that no blocked thread can keep it alive.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watchdog() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        try:
            if on_parent_gone is not None:
                on_parent_gone()
        finally:
            os._exit(0)

    threading.Thread(target=watchdog, name="parent-watchdog", daemon=True).start()


def child_init(on_parent_gone: Callable[[], None] | None = None) -> None:
    silence_stdio()
    watch_parent(on_parent_gone)


def _room_for_socket(base: str, below: int) -> bool:
    return len(os.fsencode(base)) + below <= SUN_PATH_MAX


def private_tempdir() -> str:
    """A new folder for a kitchen's temporary files (its owner removes it): under the
    temp folder, or under a short one if the forkserver's socket would not fit."""
    base = tempfile.gettempdir()
    if not _room_for_socket(base, PRIVATE_BELOW + SOCKET_BELOW):
        base = next((d for d in SHORT_TEMP_DIRS
                     if os.path.isdir(d) and os.access(d, os.W_OK | os.X_OK)), base)
    return tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=base)


def use_tempdir(path: str) -> None:
    """Make this process, and every process it starts, keep temp files in ``path``.

    Call it first thing in the child: multiprocessing makes its ``pymp-*``
    folder under ``tempfile.gettempdir()`` on first need, and children
    (the forkserver, barista processes) inherit TMPDIR.
    """
    os.environ["TMPDIR"] = path
    tempfile.tempdir = path
    # A child inherits its parent's process config, including the parent's pymp-*
    # folder if it had made one: forget it, so that ours is made under ``path``.
    multiprocessing.current_process()._config.pop("tempdir", None)


def remove_tempdir(path: str | None) -> None:
    if path:
        shutil.rmtree(path, ignore_errors=True)


def family(pid: int) -> list[psutil.Process]:
    """``pid``'s descendants, deepest last (empty if it is gone)."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _gone(p: psutil.Process) -> bool:
    try:
        return p.status() == psutil.STATUS_ZOMBIE  # dead; its parent (or init) reaps it
    except psutil.Error:
        return True


def end_family(pid: int | None, known=(), skip: int | None = None) -> None:
    """SIGKILL ``pid``, its descendants and the ``known`` ones; wait until all are dead.

    Descendants are listed before the kill (afterwards they belong to init).
    A process stopped with SIGSTOP dies of SIGKILL too.  ``skip``: a pid not
    to wait for (a multiprocessing child, which its Process object must reap).
    """
    procs: dict[int, psutil.Process] = {p.pid: p for p in known}
    if pid is not None:
        procs.update((p.pid, p) for p in family(pid))
        try:
            procs[pid] = psutil.Process(pid)
        except psutil.Error:
            pass
    for p in procs.values():
        try:
            p.kill()
        except psutil.Error:
            pass
    waiting = [p for p in procs.values() if p.pid != skip]
    deadline = time.monotonic() + REAP_S
    while waiting and time.monotonic() < deadline:
        waiting = [p for p in waiting if not _gone(p)]
        if waiting:
            time.sleep(0.01)


def exit_reason(code: int | None) -> str:
    """A process's exit code in words: "killed by SIGKILL", "exited with code 1"."""
    if code is None:
        return "vanished"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


# A forkserver's children see its death (their status socket closes) a moment
# before its exit can be read: look this long before calling it alive.
FORKSERVER_DEATH_S = 0.5


def forkserver_gone() -> str | None:
    """How this process's forkserver died ("killed by SIGKILL"), or None if it lives.

    When the forkserver dies, multiprocessing reports each of its children as
    "exited with code 255" whatever they are doing.  Looked up without reaping
    it (WNOWAIT): multiprocessing reaps it, and starts a new one, on next use.
    """
    if context().get_start_method() != "forkserver":
        return None
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid is None:
        return None
    deadline = time.monotonic() + FORKSERVER_DEATH_S
    while True:
        try:
            info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return "gone"
        if info is not None:
            break
        if time.monotonic() > deadline:
            return None
        time.sleep(0.01)
    if info.si_code in (os.CLD_KILLED, os.CLD_DUMPED):
        return exit_reason(-info.si_status)
    return exit_reason(info.si_status)
