"""Free-threaded detection: every combination of the runtime flag and the build flag."""

from __future__ import annotations

import sys
import sysconfig

import pytest

from chaishop.core import machine
from chaishop.core.machine import free_threaded_build, gil_enabled

ABSENT = object()  # sys._is_gil_enabled does not exist (Python < 3.13)


@pytest.mark.parametrize("runtime", [ABSENT, True, False])
@pytest.mark.parametrize("config_var", [0, 1, None])
def test_gil_enabled_every_combination(monkeypatch, runtime, config_var):
    monkeypatch.setattr(sysconfig, "get_config_var",
                        lambda name: config_var if name == "Py_GIL_DISABLED" else None)
    if runtime is ABSENT:
        monkeypatch.delattr(sys, "_is_gil_enabled", raising=False)
        expected = not config_var  # only the build can tell: free-threaded builds have no GIL
    else:
        monkeypatch.setattr(sys, "_is_gil_enabled", lambda: runtime, raising=False)
        expected = runtime  # the run-time truth wins (a free-threaded build can re-enable it)
    assert gil_enabled() is expected
    assert free_threaded_build() is bool(config_var)
    # the same answer when the values are given rather than looked up
    given = None if runtime is ABSENT else (lambda: runtime)
    if given is not None or config_var is not None:
        assert gil_enabled(given, config_var) is expected
    assert machine.describe().gil_enabled is expected


def test_this_interpreter():
    has_flag = hasattr(sys, "_is_gil_enabled")
    assert has_flag == (sys.version_info >= (3, 13))
    if not free_threaded_build():
        assert gil_enabled()
    m = machine.describe()
    assert m.gil_label == ("GIL on" if m.gil_enabled else "GIL off")
