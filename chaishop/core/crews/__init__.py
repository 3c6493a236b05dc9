"""Crews (executors): the same orders, served by different kinds of barista.

Crews are imported lazily, by name, when a run asks for one: a forkserver
child, a subinterpreter or a Dask worker that imports a module of this
package pays only for what it uses (the asyncio crew alone imports asyncio;
the dask crew alone imports distributed).

    base.py           the Crew contract; InProcessCrew (threads, tasks, sequential)
    remote.py         RemoteCrew: the NEXT/CANCEL protocol for out-of-process crews
    processes.py, interpreters.py, dask.py   their transports
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chaishop.core.crews.base import Crew

# mode -> (module, class), in menu order.
_ALL: dict[str, tuple[str, str]] = {
    "sequential": ("sequential", "SequentialCrew"),
    "threads": ("threads", "ThreadCrew"),
    "processes": ("processes", "ProcessCrew"),
    "asyncio": ("tasks", "TaskCrew"),
    "interpreters": ("interpreters", "InterpreterCrew"),
    "dask": ("dask", "DaskCrew"),
}

DASK_INSTALL = "pip install 'chaishop[dask]'"


def dask_available() -> tuple[bool, str]:
    """(True, version note) if Dask distributed is installed, else (False, how to get it)."""
    if importlib.util.find_spec("distributed") is None:
        return False, f"Dask distributed is not installed: {DASK_INSTALL}"
    return True, "via dask.distributed"


def interpreters_available() -> tuple[bool, str]:
    """(True, which API) where subinterpreter baristas can run, else (False, why not)."""
    from chaishop.core.crews.interpreter_api import interpreters_available as available

    return available()


def availability(mode: str) -> tuple[bool, str]:
    """Whether ``mode`` can run on this Python and install, and why not."""
    if mode == "interpreters":
        return interpreters_available()
    if mode == "dask":
        return dask_available()
    return (True, "") if mode in _ALL else (False, f"unknown mode {mode!r}")


def __getattr__(name: str):
    """CREWS and MODES are worked out on first use, not on import: a barista
    process or subinterpreter importing one module of this package must not
    pay for probing every crew (the probe imports the interpreters module)."""
    if name == "CREWS":  # modes this Python and install can run -> "module.Class"
        value = {m: f"{mod}.{cls}" for m, (mod, cls) in _ALL.items() if availability(m)[0]}
    elif name == "MODES":
        value = tuple(__getattr__("CREWS"))
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def crew_class(mode: str) -> type[Crew]:
    module, cls = _ALL[mode]
    return getattr(importlib.import_module(f"{__name__}.{module}"), cls)


def make_crew(mode: str, baristas: int, timeout_s: float | None = None, **options) -> Crew:
    """A new crew for ``mode``; ``options`` go to crews that take them (dask: scheduler)."""
    if mode not in _ALL:
        raise ValueError(f"unknown mode {mode!r} (choose from {', '.join(__getattr__('MODES'))})")
    usable, why = availability(mode)
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
