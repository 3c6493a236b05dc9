"""The smaller faults of issue 10, each as a user meets it.

- ``--order-timeout`` lets normal orders finish (it used to fail every barista at once).
- Recording to a full disk: the recording stops at its last complete event, the
  command goes on, one line says why, exit status 1; no traceback.
- ``demo --screenshot`` to a path that cannot be written: one line, exit 1.
- The forkserver killed mid-run: the failed baristas say the forkserver died.
- ``serve --host`` that cannot resolve, or is empty; ``--mode interpreters`` on 3.11.
- A long TMPDIR, with no room under it for the forkserver's Unix socket (107 bytes).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import psutil
import pytest

from chaishop import record as rec
from chaishop.recordings import writer
from chaishop.core.protocol import events as ev
from chaishop.core.crews import interpreters_available
from chaishop.core.engine.shop import run
from testkit import run_chaishop as chaishop
from testkit import cmdline, wait_until

KITCHEN_SIZE = 200_000


@pytest.mark.parametrize("mode", ["sequential", "threads", "processes", "asyncio"])
def test_order_timeout_lets_normal_orders_finish(mode):
    result = run(ev.RunSpec(mode, "orders", 2, 4, KITCHEN_SIZE, 0.05, run=1, timeout_s=5.0))
    assert (result.orders_done, result.failed) == (4, 0)


def test_a_full_disk_stops_the_recording_at_its_last_complete_event(tmp_path, monkeypatch, capsys):
    """A fake writer that fails with ENOSPC once the cast holds 600 bytes (a real small
    tmpfs did the same by hand: see the report of issue 10)."""
    cast = tmp_path / "d.cast"
    real, room = writer.write_all, {"left": 600, "fd": None}

    def full_disk(fd: int, data: bytes) -> None:
        if room["fd"] is None:
            room["fd"] = fd  # the first write is the cast's header
        if fd == room["fd"]:
            if len(data) > room["left"]:
                real(fd, data[:room["left"]])  # a partial write, as a filling disk does
                room["left"] = 0
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            room["left"] -= len(data)
        real(fd, data)

    monkeypatch.setattr(writer, "write_all", full_disk)
    code = rec.record([sys.executable, "-c", "import time\nfor i in range(40):\n"
                       "    print('chai', i, flush=True); time.sleep(0.01)\nprint('done')"], cast)
    assert code == 1
    lines = cast.read_text().splitlines()
    assert len(lines) >= 2 and all(json.loads(line) for line in lines)  # no half line
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err and "Traceback" not in err


def test_recording_to_a_full_device_says_so_in_one_line():
    """/dev/full: every write fails with ENOSPC, a real device, no root needed."""
    p = subprocess.run([sys.executable, "-m", "chaishop.record", "/dev/full", "--",
                        sys.executable, "-c", "print('hello')"], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 1
    assert p.stderr.count("\n") == 1 and "No space left on device" in p.stderr


@pytest.mark.slow
def test_demo_screenshot_that_cannot_be_written_fails_in_one_line(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    p = chaishop("--size", "200000", "demo", "--speed", "100", "--screenshot",
                 str(tmp_path / "file" / "fin.svg"))
    assert p.returncode == 1
    # Without a tty Textual draws on stderr; the message is the one line after it.
    assert p.stderr.endswith("\n") and p.stderr.count("chaishop: could not save a screenshot") == 1
    assert "chaishop: could not save" in p.stderr.splitlines()[-1] and "Traceback" not in p.stderr


def _forkserver(kitchen_pid: int) -> psutil.Process:
    for p in psutil.Process(kitchen_pid).children():
        if "forkserver" in cmdline(p):
            return p
    raise AssertionError("no forkserver under the kitchen")


@pytest.mark.slow
def test_a_killed_forkserver_is_named_and_its_baristas_end(kitchen):
    spec = ev.RunSpec("processes", "orders", 2, 2, KITCHEN_SIZE, 8.0, run=1)
    kitchen.run(spec)
    got: list = []
    assert wait_until(lambda: got.extend(kitchen.poll()) or
                      sum(isinstance(m, ev.Event) and m.kind == ev.TAKEN for m in got) >= 2, 30)
    pids = [int(m.who.rsplit("pid ", 1)[1]) for m in got
            if isinstance(m, ev.Event) and m.kind == ev.STARTED]
    _forkserver(kitchen.ready.pid).kill()
    assert wait_until(lambda: got.extend(kitchen.poll()) or
                      any(isinstance(m, ev.RunFinished) for m in got), 30)
    failed = [m.detail for m in got if isinstance(m, ev.Event) and m.kind == ev.FAILED]
    assert failed and all("the forkserver died (killed by SIGKILL)" in d for d in failed), failed
    assert wait_until(lambda: not any(psutil.pid_exists(p) and psutil.Process(p).status() !=
                                      psutil.STATUS_ZOMBIE for p in pids), 5), "cut-off baristas live on"
    kitchen.run(ev.RunSpec("processes", "orders", 2, 2, KITCHEN_SIZE, 0.05, run=2))
    got = []
    assert wait_until(lambda: got.extend(kitchen.poll()) or
                      any(isinstance(m, ev.RunFinished) for m in got), 30)
    result = next(m.result for m in got if isinstance(m, ev.RunFinished))
    assert (result.orders_done, result.failed) == (2, 0)  # a new forkserver serves the next run


@pytest.mark.parametrize("host,says", [("nonexistent.invalid", "cannot resolve --host"),
                                       ("", "--host is empty")])
def test_serve_host_that_cannot_be_used(host, says):
    p = chaishop("serve", "--host", host, timeout=60)
    assert p.returncode == 2 and says in p.stderr and p.stderr.count("\n") == 1


@pytest.mark.skipif(interpreters_available()[0], reason="interpreters are available here")
def test_mode_interpreters_says_why_it_is_unavailable():
    p = chaishop("--mode", "interpreters", timeout=60)
    assert p.returncode == 2 and "3.12" in p.stderr and "invalid choice" not in p.stderr


@pytest.fixture
def long_tmp():
    """An empty temp folder whose path leaves no room for the forkserver's socket below it."""
    import shutil
    import tempfile

    path = tempfile.mkdtemp(prefix="cs-" + "x" * 80 + "-", dir="/tmp")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_long_tmpdir_still_brews_in_processes_and_is_left_as_found(long_tmp, monkeypatch):
    # The kitchen used to crash at every start under such a TMPDIR ("crashed 3 times").
    import tempfile

    from chaishop.core.kitchen.client import Kitchen

    monkeypatch.setattr(tempfile, "tempdir", long_tmp)  # the front of house's temp folder
    with Kitchen(order_s=0.05) as kitchen:
        kitchen.wait_ready()
        assert not kitchen.tempdir.startswith(long_tmp)  # a short one instead, ours to remove
        kitchen.run(ev.RunSpec("processes", "brew", 2, 2, 0, 0.05, run=1))
        seen: list[object] = []

        def finished() -> ev.RunFinished | None:
            seen.extend(kitchen.poll())
            return next((m for m in seen if isinstance(m, ev.RunFinished)), None)

        assert wait_until(finished, 30), seen[-5:]
        finished = finished()
        assert finished.result.complete, finished.result
        private = kitchen.tempdir
    assert not os.path.exists(private) and os.listdir(long_tmp) == []
    out = subprocess.run([sys.executable, "-m", "chaishop", "bench", "--modes", "processes",
                          "--size", "100000", "--repeat", "1", "--no-warmup"],
                         env=dict(os.environ, TMPDIR=long_tmp), capture_output=True, text=True,
                         timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    assert os.listdir(long_tmp) == []
