"""Crews (executors): the same orders, served by different kinds of barista.

Crews are imported lazily, by name, when a run asks for one: a forkserver
child, a subinterpreter or a Dask worker that imports a module of this
package pays only for what it uses (the asyncio crew alone imports asyncio;
the dask crew alone imports distributed).

Which class serves which mode is the menu's (``core/menu.py``, ``Mode.crew``): this
package holds the crews and reads the menu, it keeps no table of its own.

    base.py           the Crew contract; InProcessCrew (threads, tasks, sequential)
    remote.py         RemoteCrew: the NEXT/CANCEL protocol for out-of-process crews
    processes.py, interpreters.py, dask.py   their transports
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import TYPE_CHECKING

from chaishop.core.menu import MODE, MODE_NAMES, mode_available

if TYPE_CHECKING:
    from chaishop.core.crews.base import Crew

DASK_INSTALL = "pip install 'chaishop[dask]'"

# Whether a mode can run on this Python and install, and why not: the menu's one check
# (each Mode names its own, e.g. dask_available below).  Kept under this name for callers.
availability = mode_available


def dask_available() -> tuple[bool, str]:
    """(True, version note) if Dask distributed is installed, else (False, how to get it)."""
    if importlib.util.find_spec("distributed") is None:
        return False, f"Dask distributed is not installed: {DASK_INSTALL}"
    return True, "via dask.distributed"


def interpreters_available() -> tuple[bool, str]:
    """(True, which API) where subinterpreter baristas can run, else (False, why not)."""
    from chaishop.core.crews.interpreter_api import interpreters_available as available

    return available()


def __getattr__(name: str):
    """CREWS and MODES are worked out on first use, not on import: a barista
    process or subinterpreter importing one module of this package must not
    pay for probing every crew (the probe imports the interpreters module)."""
    if name == "CREWS":  # modes this Python and install can run -> "module:Class"
        value = {m: MODE[m].crew for m in MODE_NAMES if mode_available(m)[0]}
    elif name == "MODES":
        value = tuple(__getattr__("CREWS"))
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def crew_class(mode: str) -> type[Crew]:
    """The crew class the menu names for ``mode``, imported now (and only now)."""
    module, cls = MODE[mode].crew.split(":")
    return getattr(importlib.import_module(module), cls)


def make_crew(mode: str, baristas: int, timeout_s: float | None = None, **options) -> Crew:
    """A new crew for ``mode``; ``options`` go to crews that take them (dask: scheduler)."""
    if mode not in MODE:
        raise ValueError(f"unknown mode {mode!r} (choose from {', '.join(__getattr__('MODES'))})")
    usable, why = mode_available(mode)
    if not usable:
        raise ValueError(f"mode {mode!r} is not available: {why}")
    return crew_class(mode)(baristas, timeout_s, **options)


def close_warm() -> None:
    """Release what crews keep warm between runs (the shop's own Dask cluster)."""
    cluster = sys.modules.get("chaishop.core.crews.dask_cluster")
    if cluster is not None:
        cluster.close_warm()


def no_more_restarts() -> None:
    """Before killing what crews keep warm: nothing may replace it (Dask's nannies)."""
    cluster = sys.modules.get("chaishop.core.crews.dask_cluster")
    if cluster is not None:
        cluster.no_more_restarts()


__all__ = ["CREWS", "DASK_INSTALL", "MODES", "availability", "close_warm", "crew_class",
           "dask_available", "interpreters_available", "make_crew", "no_more_restarts"]
