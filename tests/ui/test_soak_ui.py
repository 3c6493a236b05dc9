"""Live mode switches through the real app (Pilot key presses) leak nothing.

50 here; ``python tests/perf/soak.py --pilot --switches 500`` runs the long one.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "soak", Path(__file__).resolve().parents[1] / "perf" / "soak.py")
soak = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(soak)


@pytest.mark.slow
async def test_fifty_live_switches_through_the_app_leak_nothing():
    figures = await soak.soak_pilot(50)
    assert soak.verdict(figures) == []
