"""Which subinterpreter API this Python has: one small backend per version.

    3.14+  concurrent.interpreters  (PEP 734, public)
    3.13   _interpreters            (private; create("isolated"))
    3.12   _xxsubinterpreters       (private; isolated, own GIL, by default)
    3.11   none: the mode is shown disabled with the reason

Every backend gives the crew the same four calls: create, ident, run, destroy.
This module imports nothing but the standard library's interpreter module, so
checking availability (the menu, the CLI) costs nothing.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Backend:
    name: str
    create: Callable[[], object]  # -> a handle
    ident: Callable[[object], int]
    run: Callable[[object, str], str | None]  # -> None, or what the script raised
    destroy: Callable[[object], None]


def _backend_314() -> Backend:
    from concurrent import interpreters  # Python 3.14+: the public API (PEP 734)

    def run(interp, script: str) -> str | None:
        try:
            interp.exec(script)
        except interpreters.ExecutionFailed as exc:
            return str(exc.excinfo.formatted)
        return None

    return Backend("concurrent.interpreters", interpreters.create, lambda i: i.id, run,
                   lambda i: i.close())


def _backend_313() -> Backend:
    import _interpreters  # Python 3.13

    def run(interp, script: str) -> str | None:
        failed = _interpreters.exec(interp, script)  # None, or a snapshot of the exception
        return None if failed is None else str(failed.formatted)

    return Backend("_interpreters", lambda: _interpreters.create("isolated"), int, run,
                   _interpreters.destroy)


def _backend_312() -> Backend:
    import _xxsubinterpreters  # Python 3.12: isolated (own GIL) by default

    def run(interp, script: str) -> str | None:
        try:
            _xxsubinterpreters.run_string(interp, script)
        except _xxsubinterpreters.RunFailedError as exc:
            return str(exc)
        return None

    return Backend("_xxsubinterpreters", _xxsubinterpreters.create, int, run,
                   _xxsubinterpreters.destroy)


@functools.cache
def backend() -> tuple[Backend | None, str]:
    """(the backend, "via NAME") where subinterpreters run, else (None, why not)."""
    if sys.version_info < (3, 12):
        return None, (f"subinterpreters with their own GIL need Python 3.12+ "
                      f"(this is {sys.version.split()[0]})")
    for load in (_backend_314, _backend_313, _backend_312):
        try:
            found = load()
        except ImportError:
            continue
        return found, f"via {found.name}"
    return None, f"this Python {sys.version.split()[0]} has no subinterpreter module"


def interpreters_available() -> tuple[bool, str]:
    """(True, which API) where subinterpreter baristas can run, else (False, why not)."""
    found, reason = backend()
    return found is not None, reason


__all__ = ["Backend", "backend", "interpreters_available"]
