"""A shop that ends when nobody can see it any more, and a stop that cannot hang.

    served visitor app (python -m chaishop under textual-serve, output = a pipe to the server)
        lifeline thread, every CHECK_EVERY_S:
            fd 1 polls POLLERR/POLLHUP (the server closed its end)  ─┐
            our parent changed (the server or its shell died)        ├─▶ on_lost() ─▶ os._exit
        exit_within(s, on_lost) after SIGTERM/SIGHUP: if still alive s later ──┘

Why: textual-serve runs each visitor's app with its output on a pipe and asks
it to quit when the tab closes; nothing tells the app when the server itself
ends without that goodbye.  Measured with websocket clients (tests/serve_stress.py):
after SIGKILL of the server, every visitor's app, kitchen, forkserver and
resource tracker stayed alive under init, and their pymp-* folders were left.
A tester also saw such an orphan spin at 80 % of a core in
``Compositor.render_full_update`` and ignore SIGTERM (with headless Chromium;
not reproduced here): the web driver writes each frame with ``os.write`` to a
pipe nobody reads.  Either way the app's only output is gone, so there is
nothing to save: end the kitchen (``on_lost``) and exit without ceremony.
No Textual here.
"""

from __future__ import annotations

import os
import select
import threading
from typing import Callable

# How often the lifeline looks: a lost visitor's CPU is freed within this.
CHECK_EVERY_S = 0.2
# Exit code of a visitor app whose server is gone (like a shell's SIGPIPE death).
EXIT_LOST = 141
# After SIGTERM or SIGHUP the app gets this long to quit properly before it is ended.
HARD_EXIT_S = 3.0

_ending = threading.Lock()


def _end(on_lost: Callable[[], None], code: int) -> None:
    if not _ending.acquire(blocking=False):
        return  # another path is already ending us
    try:
        on_lost()
    except BaseException:  # noqa: BLE001 - nothing may stop this exit
        pass
    finally:
        os._exit(code)


def output_lost(fd: int = 1) -> bool:
    """True if nobody can read what we write to ``fd`` any more (its reader closed it)."""
    poller = select.poll()
    poller.register(fd, select.POLLERR | select.POLLHUP)
    try:
        return any(ev & (select.POLLERR | select.POLLHUP | select.POLLNVAL)
                   for _, ev in poller.poll(0))
    except OSError:
        return True


def watch(on_lost: Callable[[], None], fd: int = 1) -> threading.Thread:
    """Start the lifeline: when ``fd``'s reader or our parent is gone, ``on_lost()`` and exit."""
    parent = os.getppid()
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(CHECK_EVERY_S):
            if output_lost(fd) or os.getppid() != parent:
                _end(on_lost, EXIT_LOST)

    t = threading.Thread(target=loop, name="lifeline", daemon=True)
    t.start()
    return t


def exit_within(seconds: float, on_lost: Callable[[], None], code: int) -> None:
    """Arm a hard deadline: if the process still lives ``seconds`` from now, end it."""
    t = threading.Timer(seconds, _end, args=(on_lost, code))
    t.name, t.daemon = "hard-exit", True
    t.start()
