"""Facts about this machine and interpreter that the lesson depends on."""

from __future__ import annotations

import os
import platform
import sys
import sysconfig
from dataclasses import asdict, dataclass

import psutil


def gil_enabled(is_gil_enabled=None, config_var=None) -> bool:
    """Whether the GIL is on in this interpreter.

    ``sys._is_gil_enabled()`` (3.13+) is the truth at run time: a free-threaded
    build can turn the GIL back on.  Without it, ``Py_GIL_DISABLED`` tells the
    build (1 free-threaded; 0 or None, a normal build).  The parameters exist
    so tests can give every combination.
    """
    if is_gil_enabled is None:
        is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
    if is_gil_enabled is not None:
        return bool(is_gil_enabled())
    if config_var is None:
        config_var = sysconfig.get_config_var("Py_GIL_DISABLED")
    return not bool(config_var)


def free_threaded_build(config_var=None) -> bool:
    if config_var is None:
        config_var = sysconfig.get_config_var("Py_GIL_DISABLED")
    return bool(config_var)


@dataclass(frozen=True)
class Machine:
    cores: int  # logical CPUs this process may use
    physical_cores: int | None
    python: str
    implementation: str
    gil_enabled: bool
    free_threaded_build: bool
    platform: str

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def gil_label(self) -> str:
        return "GIL on" if self.gil_enabled else "GIL off"


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def describe() -> Machine:
    return Machine(
        cores=usable_cores(),
        physical_cores=psutil.cpu_count(logical=False),
        python=platform.python_version(),
        implementation=platform.python_implementation(),
        gil_enabled=gil_enabled(),
        free_threaded_build=free_threaded_build(),
        platform=f"{platform.system()} {platform.machine()}",
    )
