"""Multiprocessing done carefully, for the kitchen and for process baristas.

- An explicit start method: ``forkserver`` where the OS has it, else ``spawn``.
  Never ``fork``: the engine and the UI run threads, and forking a threaded
  process can deadlock (Python 3.12+ warns about it).
- Every child first silences stdin, stdout and stderr (a child must never draw
  on the user's terminal) and starts a watchdog thread that ends the child the
  moment its parent is gone, even if the parent was killed with SIGKILL.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from typing import Callable

# Modules the forkserver imports once, so each barista process starts without
# importing them again.  They import nothing heavy (no Textual).
FORKSERVER_PRELOAD = ["chaishop.core.barista", "chaishop.core.crews.processes"]

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
