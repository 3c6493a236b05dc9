"""The kitchen process: runs crews for the UI and never outlives it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import psutil
import pytest

from chaishop.core.protocol import events as ev
from chaishop.core.kitchen.client import Kitchen
from chaishop.core.protocol.kitchen import KitchenReady, Note
from testkit import poll_until


def test_kitchen_runs_a_spec_and_streams_every_message():
    with Kitchen(order_s=0.05) as kitchen:
        ready = kitchen.wait_ready()
        assert isinstance(ready, KitchenReady) and ready.size > 0
        assert ready.machine.cores >= 1 and ready.pid != os.getpid()
        kitchen.run(ev.RunSpec("processes", "brew", 2, 4, 0, 0.05, run=3))
        seen = poll_until(kitchen, ev.RunFinished)
        started = [m for m in seen if isinstance(m, ev.RunStarted)]
        assert started[0].spec.size == ready.size  # size 0 means "the kitchen's calibrated size"
        result = seen[-1].result if isinstance(seen[-1], ev.RunFinished) else None
        assert result is not None and result.complete and result.run == 3
        assert sum(isinstance(m, ev.Event) and m.kind == ev.DONE for m in seen) == 4
        # Process baristas are the kitchen's children, not ours.
        kitchen_proc = psutil.Process(ready.pid)
        assert kitchen_proc.ppid() == os.getpid()


def test_a_new_run_cancels_the_one_in_progress():
    with Kitchen(size=20_000_000) as kitchen:
        kitchen.wait_ready()
        kitchen.run(ev.RunSpec("threads", "brew", 2, 20, 0, 0.05, run=1))
        poll_until(kitchen, ev.RunStarted)
        kitchen.run(ev.RunSpec("asyncio", "orders", 2, 2, 0, 0.05, run=2))
        seen = poll_until(kitchen, ev.RunFinished)
        if sum(isinstance(m, ev.RunFinished) for m in seen) < 2:
            seen += poll_until(kitchen, ev.RunFinished)
        finished = [m.result for m in seen if isinstance(m, ev.RunFinished)]
        assert [r.run for r in finished][:2] == [1, 2]
        assert finished[0].cancelled and finished[1].complete


def test_knock_out_without_a_run_is_a_warning_not_a_crash():
    with Kitchen(size=100_000) as kitchen:
        kitchen.wait_ready()
        kitchen.knock_out()
        notes = [m for m in poll_until(kitchen, Note) if isinstance(m, Note)]
        assert notes[0].level == "warning"
        assert kitchen.alive


ORPHAN_SCRIPT = textwrap.dedent("""
    import sys, time
    from chaishop.core.protocol import events as ev
    from chaishop.core.kitchen.client import Kitchen
    if __name__ == "__main__":
        k = Kitchen(size=10**9).start()
        k.wait_ready()
        k.run(ev.RunSpec(sys.argv[1], "brew", 2, 4, 0, 0.05, run=1))
        seen = []
        while sum(isinstance(m, ev.Event) and m.kind == ev.TAKEN for m in seen) < 2:
            seen += k.poll()
            time.sleep(0.02)
        print("brewing", flush=True)
        time.sleep(60)
""")


def _dead(p: psutil.Process) -> bool:
    try:
        return p.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
# Not yet "dask": after SIGKILL of the front during a dask run, the kitchen's
# multiprocessing resource tracker (started for Dask's workers) was seen alive 3 s later.
@pytest.mark.parametrize("mode", ["processes", "threads"])
def test_nothing_survives_the_front_of_house_being_killed(tmp_path, mode, sig):
    script = tmp_path / "front.py"
    script.write_text(ORPHAN_SCRIPT)
    front = subprocess.Popen([sys.executable, str(script), mode], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert front.stdout.readline().strip() == b"brewing"
        family = psutil.Process(front.pid).children(recursive=True)
        # kitchen, tracker, (forkserver, baristas | dask workers)
        assert len(family) >= (4 if mode in ("processes", "dask") else 2)
        front.send_signal(sig)
        front.wait(5)
        gone, alive = psutil.wait_procs(family, timeout=3)
        alive = [p for p in alive if not _dead(p)]  # a zombie has ended: its parent reaps it
        assert not alive, f"survivors after {sig.name}: {[(p.pid, p.cmdline()) for p in alive]}"
    finally:
        if front.poll() is None:
            os.killpg(front.pid, signal.SIGKILL)
            front.wait()
        try:
            os.killpg(front.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_kitchen_that_cannot_start_leaves_no_temp_folder(monkeypatch):
    """A start that fails (no more processes, a broken interpreter) raises, and takes its
    private temp folder back: /tmp is left as found."""
    import multiprocessing.process

    def refuse(self):
        raise OSError(11, "Resource temporarily unavailable")

    made: list[str] = []
    from chaishop.core.kitchen import mp

    real = mp.private_tempdir
    monkeypatch.setattr(mp, "private_tempdir", lambda: made.append(real()) or made[-1])
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    k = Kitchen()
    with pytest.raises(OSError):
        k.start()
    assert made and not os.path.exists(made[0])
    assert k.process is None and k.tempdir is None
