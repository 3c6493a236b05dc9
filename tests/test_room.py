"""chaishop serve's room: a visitor's header says when other visitors' kitchens brew now.

Measured with psutil: a ``python -m chaishop`` process under the server that
uses the CPU counts; the header shows how many.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from chaishop.core.kitchen.room import Room
from chaishop.ui.app import ShopApp, ShopConfig
from scripted import ScriptedKitchen
from testkit import until


def test_a_brewing_visitor_is_counted_until_it_leaves():
    busy = subprocess.Popen([sys.executable, "-m", "chaishop", "bench", "--modes", "sequential",
                             "--size", "30000000", "--orders", "40", "--baristas", "1",
                             "--repeat", "1", "--no-warmup", "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        room = Room(owner=os.getpid(), me=-1)
        assert room.others_brewing() == 0  # no earlier look to compare with yet
        counted = False
        for _ in range(20):  # a crowded machine may be slow to start it
            time.sleep(0.5)
            if room.others_brewing() == 1:
                counted = True
                break
        assert counted
        assert Room(owner=os.getpid(), me=busy.pid).others_brewing() == 0  # not counting itself
    finally:
        busy.terminate()  # SIGTERM: bench cleans up (SIGKILL would leave its temp folder)
        busy.wait()
    time.sleep(0.2)
    assert room.others_brewing() == 0


class TwoOthers:
    def others_brewing(self) -> int:
        return 2


async def test_the_header_says_when_others_brew():
    app = ShopApp(ShopConfig(autostart=False, cpu_every_s=0), ScriptedKitchen())
    app.room = TwoOthers()
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: "2 other visitors brewing" in str(app.header.render()), 5)
