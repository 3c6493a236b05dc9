"""50 live mode switches through the engine leave no thread, process, fd or memory behind.

The full 500-switch soak is tests/perf/soak.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("soak", Path(__file__).parent / "perf" / "soak.py")
soak = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(soak)


@pytest.mark.slow
def test_fifty_live_switches_leak_nothing():
    figures = soak.soak(50)
    assert soak.verdict(figures) == []
    assert figures["after"]["kitchen"]["children"] == figures["before"]["kitchen"]["children"]
