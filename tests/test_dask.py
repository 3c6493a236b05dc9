"""Dask baristas: the shop's own LocalCluster, an existing cluster, knock-outs, no survivors."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import threading
import time
from functools import partial

import psutil
import pytest

from chaishop.core import bench
from chaishop.core.protocol import events as ev
from chaishop.core.crews import availability, close_warm, dask_available, make_crew
from chaishop.core.crews import dask_cluster
from chaishop.core.engine.shop import Run, run
import testkit
from testkit import SHARED_PIDS, cmdline, wait_until

pytestmark = [
    pytest.mark.skipif(not dask_available()[0], reason="dask[distributed] not installed"),
    pytest.mark.timeout(180),
]

TINY = 150_000
BIG = 2_000_000_000  # minutes of counting: only ever knocked out or cancelled


spec = partial(testkit.spec, "dask", orders=4, size=TINY, order_s=0.02)  # 2 baristas, brew


def events_of(seen):
    return [m for m in seen if isinstance(m, ev.Event)]


def test_own_cluster_runs_every_order_stays_warm_and_ends_with_the_shop():
    first: list[object] = []
    asked = time.perf_counter()
    result = run(spec(), first.append)
    assert result.complete and result.orders_done == 4
    ready = first[0]
    assert isinstance(ready, ev.ClusterReady) and isinstance(first[1], ev.RunStarted)
    assert ready.started_here and ready.first_start_s > 0 and len(ready.workers) == 2
    # Cluster start-up is reported apart: the run's clock starts only once it is over.
    assert first[1].t0 - asked >= ready.startup_s
    started = {e.barista: e for e in events_of(first) if e.kind == ev.STARTED}
    assert sorted(started) == [1, 2]
    pids = set()
    for b, e in started.items():
        assert e.who.startswith(f"Barista-{b} · tcp://127.0.0.1:") and " · pid " in e.who
        assert "hand-out" in e.detail
        pids.add(int(e.who.rsplit("pid ", 1)[1]))
    kids = {p.pid for p in psutil.Process().children(recursive=True)}
    assert pids <= kids  # the workers are real processes of this shop
    assert all(result.barista_cpu_s[b] > 0 for b in (1, 2))  # the workers' own clocks

    second: list[object] = []
    assert run(spec(), second.append).complete
    assert second[0].workers == ready.workers  # the same warm workers
    assert second[0].first_start_s == ready.first_start_s
    from chaishop.core.crews import dask_cluster

    scratch = dask_cluster._warm.scratch
    assert glob.glob(os.path.join(scratch, "**", "dask-scratch-space"), recursive=True)
    close_warm()
    assert not psutil.Process().children(recursive=True) or all(
        "forkserver" in cmdline(p) or "resource_tracker" in cmdline(p)
        for p in psutil.Process().children(recursive=True))
    assert not os.path.exists(scratch)  # every worker's dask-scratch-space went with it


def test_knock_out_kills_one_worker_and_dask_retries_its_order_elsewhere():
    r = Run(spec(orders=3, size=40_000_000))
    seen: list[object] = []
    r.sink = seen.append
    t = threading.Thread(target=r.execute)
    t.start()
    deadline = time.monotonic() + 120
    while not any(isinstance(e, ev.Event) and e.kind == ev.PROGRESS and e.barista == 1 for e in seen):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    pid = int(next(e.who for e in events_of(seen) if e.barista == 1).rsplit("pid ", 1)[1])
    assert r.knock_out(1) == 1
    t.join(300)
    assert not t.is_alive()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    failed = [e for e in events_of(seen) if e.kind == ev.FAILED]
    assert [e.barista for e in failed] == [1] and "lost" in failed[0].detail
    retried = [e for e in events_of(seen) if e.kind == ev.TAKEN and "retried by Dask" in e.detail]
    assert [e.barista for e in retried] == [2]
    result = seen[-1].result
    assert result.failed == 1 and result.orders_done == 3  # Dask served the lost order


def test_unavailable_without_distributed(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "distributed" else real(name, *a))
    usable, why = availability("dask")
    assert not usable and "pip install 'chaishop[dask]'" in why
    with pytest.raises(ValueError, match="not available"):
        make_crew("dask", 2)


@pytest.fixture(scope="module")
def hand_started_cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` started with the dask CLI, as a person would.

    One for this module's tests (starting and stopping one took some 20 s): none of them
    stops it or changes its workers, and the first asserts it is left running."""
    tmp_path = tmp_path_factory.mktemp("dask-cluster")
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    worker = [sys.executable, "-m", "distributed.cli.dask_worker"]
    info = tmp_path / "scheduler.json"
    # Dask's own scheduler keeps a dask-scratch-space (lock files) in its temp folder
    # after it ends: give it this test's, so the test leaves nothing in /tmp.
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
                 env={**os.environ, "TMPDIR": str(tmp_path)})
    procs = [subprocess.Popen([*dask, "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(info)], **quiet)]
    SHARED_PIDS.add(procs[0].pid)
    try:
        assert wait_until(lambda: info.exists() and info.stat().st_size > 0, 120, 0.1)
        address = json.loads(info.read_text())["address"]
        for _ in range(2):
            procs.append(subprocess.Popen([*worker, address, "--nthreads", "1", "--nworkers", "1",
                                           "--host", "127.0.0.1", "--no-dashboard",
                                           "--local-directory", str(tmp_path)], **quiet))
            SHARED_PIDS.add(procs[-1].pid)
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, procs
    finally:
        family = []  # the workers' own processes (their nannies start them)
        for p in procs:
            try:
                family += psutil.Process(p.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                pass
        for p in procs[:0:-1] + procs[:1]:  # workers first: they say goodbye to a live scheduler
            p.terminate()
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
        for p in psutil.wait_procs(family, timeout=5)[1]:
            try:
                p.kill()  # the leak check no longer sees these once the fixture ends
            except psutil.NoSuchProcess:
                pass
        SHARED_PIDS.difference_update(p.pid for p in procs)


def test_bench_on_an_existing_cluster_leaves_it_running(hand_started_cluster):
    address, procs = hand_started_cluster
    report = bench.bench(["dask"], "brew", 2, 4, TINY, 0.0, repeat=1, warmup=False,
                         scheduler=address)
    (row,) = report.rows
    assert row.result.mode == "dask" and row.result.orders == 4
    assert report.cluster["scheduler"] == address and not report.cluster["started_here"]
    assert all(p.poll() is None for p in procs)  # we never shut down a cluster we did not start
    from distributed import Client

    with Client(address, timeout=30) as client:
        assert len(client.scheduler_info()["workers"]) == 2


def test_an_existing_cluster_with_too_few_workers_is_a_clear_error(hand_started_cluster,
                                                                   monkeypatch):
    address, _ = hand_started_cluster
    # The shop waits 10 s for workers an existing cluster may still be adding; the answer
    # is the same after 2 (no worker is on its way here).
    monkeypatch.setattr(dask_cluster, "EXTERNAL_WORKERS_WAIT_S", 2.0)
    with pytest.raises(ValueError, match="ask for at most"):
        run(spec(baristas=5, scheduler=address))


def test_no_scheduler_at_the_address_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(dask_cluster, "CONNECT_TIMEOUT_S", 2.0)  # nothing listens: 2 s say so
    with pytest.raises(ValueError, match="no Dask scheduler answers"):
        run(spec(scheduler="tcp://127.0.0.1:9"))


def test_killing_the_kitchen_ends_its_dask_workers():
    """SIGKILL of the kitchen (nothing can clean up): Dask's workers see their parent gone."""
    import multiprocessing.resource_tracker
    import signal

    from chaishop.core.kitchen.client import Kitchen

    multiprocessing.resource_tracker.ensure_running()
    k = Kitchen(size=TINY).start()
    try:
        k.wait_ready(120)
        k.run(ev.RunSpec("dask", "brew", 2, 40, 20_000_000, 0.0, run=1))
        seen: list[object] = []
        assert wait_until(lambda: seen.extend(k.poll()) or any(
            isinstance(m, ev.Event) and m.kind == ev.TAKEN for m in seen), 120, 0.1)
        kitchen = psutil.Process(k.process.pid)
        workers = [c for c in kitchen.children() if "spawn_main" in cmdline(c)]
        assert len(workers) >= 2
        kitchen.send_signal(signal.SIGKILL)
        gone, alive = psutil.wait_procs(workers, timeout=5)
        assert not alive, [p.pid for p in alive]
    finally:
        k.close()
