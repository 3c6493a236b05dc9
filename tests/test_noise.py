"""The noise meter: other programs' CPU is noise; the front of house drawing the shop is not,
and is reported apart (``front_cpu_cores``: "this screen" on the stopwatch)."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil
import pytest

from chaishop.core.protocol import events as ev
from chaishop.core.workloads.recipes import calibrate
from chaishop.core.engine.shop import Run
from chaishop.ui.stopwatch import noise_text

HOG = "import time\nend = time.time() + 30\nwhile time.time() < end: pass"


@pytest.mark.alone
def test_a_companion_is_reported_apart_and_not_counted_as_noise():
    # A busy process that is not our child (children count as the shop's own: the
    # forkserver, the resource tracker): it stands in for a busy front of house.
    out = subprocess.run(["sh", "-c", f'"{sys.executable}" -c "$0" >/dev/null 2>&1 & echo $!', HOG],
                         capture_output=True, text=True, check=True)
    hog = psutil.Process(int(out.stdout))
    try:
        time.sleep(0.3)
        spec = ev.RunSpec("sequential", "brew", 1, 2, calibrate(0.4), 0.4)
        apart = Run(spec, companions=(hog.pid,)).execute()
        counted = Run(spec).execute()
    finally:
        hog.kill()
        psutil.wait_procs([hog], timeout=5)
    # The hog held most of a core for both runs (less on a crowded machine, never none).
    assert apart.front_cpu_cores is not None and apart.front_cpu_cores > 0.2, apart
    assert counted.front_cpu_cores is None  # no companion: nothing to report (bench)
    assert counted.other_cpu_cores > apart.other_cpu_cores + 0.2, (counted, apart)


def test_the_stopwatch_says_what_drawing_the_shop_took():
    r = ev.RunResult("processes", "brew", 2, 4, 1, 2.0, 3.5, 0.03, 4, 0, False,
                     other_cpu_cores=0.01, front_cpu_cores=0.14)
    assert noise_text(r) == "quiet: other programs used 0.01 cores · this screen 0.14"
    assert noise_text(r, narrow=True) == "quiet: others used 0.01 cores"  # 36 columns: no room
    # The shop drew less during the run (ui/calm.py): said, within the 62 columns of the side.
    calm = noise_text(r, calm=True)
    assert calm == "quiet: others used 0.01 cores · this screen 0.14, drawn less" and len(calm) <= 62
    bench = ev.RunResult("processes", "brew", 2, 4, 1, 2.0, 3.5, 0.03, 4, 0, False,
                         other_cpu_cores=0.6, noisy=True)
    assert noise_text(bench) == "noisy: other programs used 0.60 cores"
