"""The shop's Dask cluster: started once, kept warm, closed with the shop.

    use_scheduler(address | None)   the run's choice (RunSpec.scheduler); a new one
                                    closes the old warm cluster
    ensure(workers) -> Warm         start a LocalCluster (or connect), or reuse it;
                                    grow it to ``workers`` workers if a run needs more
    close_warm()                    close our client; shut down only a cluster we started;
                                    remove its private scratch directory

The embedded LocalCluster: worker processes (one thread each, one per
barista) watched by nannies in this process, bound to 127.0.0.1, no
dashboard, logs silenced, every ``dask-scratch-space`` inside one private
temporary directory that close_warm() removes.  Dask's worker processes end
on their own when this process dies, however it dies (their parent-alive
pipe closes).  Starting it takes seconds (spawning Python processes that
import distributed), so ``ensure`` measures it apart from any run.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field

# How long to wait for an existing scheduler to answer, and for workers to join.
CONNECT_TIMEOUT_S = 10.0
WORKERS_TIMEOUT_S = 60.0
# An existing cluster's workers may still be joining: wait this long for them.
EXTERNAL_WORKERS_WAIT_S = 10.0
# Dask settings for the shop's own cluster (and this client).
DASK_CONFIG = {
    # Dask's statistical profiler samples every worker thread every 10 ms: its
    # CPU would be counted as brewing.  The shop measures; Dask need not.
    "distributed.worker.profile.enabled": False,
}

_lock = threading.Lock()
_scheduler: str | None = None  # None: start an embedded LocalCluster


@dataclass
class Warm:
    client: object  # distributed.Client
    scheduler: str
    started_here: bool
    first_start_s: float
    cluster: object | None = None  # our LocalCluster, if we started it
    scratch: str | None = None  # its private temp dir
    config: object | None = None  # the dask.config.set context we entered
    workers: list[tuple[str, int]] = field(default_factory=list)  # (address, pid)


_warm: Warm | None = None


def use_scheduler(address: str | None) -> None:
    """Use an existing cluster at ``address`` (tcp://host:port), or None for our own."""
    global _scheduler
    with _lock:
        if address != _scheduler:
            _close_locked()
        _scheduler = address


def workers_of(client) -> list[tuple[str, int]]:
    """(address, pid) of every worker the scheduler knows now, in a stable order.

    Asked of the workers themselves (client.run), never from
    ``client.scheduler_info()``, which is a copy refreshed every 2 s: a stale
    copy named too few workers, or dead ones, and tasks restricted to them
    waited forever."""
    return sorted(client.run(_pid).items())


def _pid() -> int:
    import os

    return os.getpid()


def _start_local(workers: int) -> Warm:
    import dask
    from distributed import Client, LocalCluster

    scratch = tempfile.mkdtemp(prefix="chaishop-dask-")
    config = dask.config.set(DASK_CONFIG | {"temporary-directory": scratch})
    config.__enter__()
    t0 = time.perf_counter()
    try:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None,
                               silence_logs=logging.CRITICAL, local_directory=scratch,
                               # no dashboard; its health page on a free loopback port
                               scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                               preload=["chaishop.core.crews.dask_task"])
        client = Client(cluster, set_as_default=False)
    except BaseException:
        config.__exit__(None, None, None)
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return Warm(client, cluster.scheduler_address, True, time.perf_counter() - t0, cluster,
                scratch, config)


def _connect(address: str) -> Warm:
    from distributed import Client

    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    t0 = time.perf_counter()
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except OSError as exc:
        raise ValueError(f"no Dask scheduler answers at {address}: {exc}") from None
    return Warm(client, address, False, time.perf_counter() - t0)


def ensure(workers: int) -> tuple[Warm, float]:
    """The warm cluster with at least ``workers`` workers, and what getting it took (s)."""
    global _warm
    with _lock:
        t0 = time.perf_counter()
        if _warm is None:
            _warm = _connect(_scheduler) if _scheduler else _start_local(workers)
            atexit.register(close_warm)
        warm = _warm
        if warm.started_here and len(warm.cluster.workers) < workers:
            warm.cluster.scale(workers)
        try:  # asks the scheduler; returns at once when enough workers are there
            warm.client.wait_for_workers(workers, timeout=WORKERS_TIMEOUT_S if
                                         warm.started_here else EXTERNAL_WORKERS_WAIT_S)
        except TimeoutError:
            have = len(workers_of(warm.client))
            raise ValueError(f"the Dask cluster at {warm.scheduler} has {have} worker(s); "
                             f"ask for at most {have} barista(s) or start more "
                             f"workers") from None
        warm.workers = workers_of(warm.client)
        if len(warm.workers) < workers:  # one left between the two questions
            raise ValueError(f"the Dask cluster at {warm.scheduler} lost workers while "
                             f"starting the run ({len(warm.workers)} of {workers})")
        return warm, time.perf_counter() - t0


def close_warm() -> None:
    """Close our client; shut down our own cluster (never one we only connected to)."""
    with _lock:
        _close_locked()


def _close_locked() -> None:
    global _warm
    warm, _warm = _warm, None
    if warm is None:
        return
    try:
        warm.client.close()
    except Exception:  # noqa: BLE001 - closing what may already be gone
        pass
    if warm.cluster is not None:
        try:
            warm.cluster.close()
        except Exception:  # noqa: BLE001
            pass
    if warm.config is not None:
        warm.config.__exit__(None, None, None)
    if warm.scratch:
        shutil.rmtree(warm.scratch, ignore_errors=True)


def no_more_restarts() -> None:
    """Tell our nannies not to replace workers that die from now on: Dask's own signal
    (``close_gracefully``) before a shop whose front is gone kills its workers.  A nanny
    otherwise restarted each one at once, into a temp folder being removed (seen)."""
    cluster = _warm.cluster if _warm is not None else None
    for nanny in list(getattr(cluster, "workers", {}).values()):
        try:
            nanny.close_gracefully(reason="chaishop: the shop is gone")
        except Exception:  # noqa: BLE001 - a nanny already closed; the kill goes on anyway
            pass
