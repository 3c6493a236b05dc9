"""Memory and OS threads of the kitchen and its children, sampled during a run.

    MemoryWatch.start()  hand freed memory back to the OS, then the idle reading
                         (before the crew starts)
        sampler thread, every SAMPLE_EVERY_S: RSS and threads of this process
        and every descendant (barista processes, the forkserver) -> peaks
    MemoryWatch.stop()   -> MemoryPeaks: idle RSS, peak RSS, peak OS threads

What a barista costs is derived: (peak RSS - idle RSS) / crew size.  RSS
counts pages a process has touched; pages shared between processes (the
forkserver's children share their parent's imports until they write to
them) are counted once per process, so for process crews the sum is an
upper bound.  The sampler runs in the kitchen, never inside a barista.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
import time
from dataclasses import dataclass

import psutil

# Ten samples a second: a peak that lasts a tenth of a second is seen, and
# one sample (a few /proc reads per process) costs well under 1 % of a core.
SAMPLE_EVERY_S = 0.1
# Listing descendants scans every process on the machine (/proc/*/stat): a few
# milliseconds holding the GIL on a busy host.  The family is listed at every
# sample of a run's first second (barista processes start), then this often;
# each member is read at every sample.
FAMILY_EVERY_S = 1.0
MIB = 1024 * 1024


@dataclass(frozen=True)
class MemoryPeaks:
    idle_rss_mib: float  # the kitchen (and its children) before the crew started
    peak_rss_mib: float
    os_threads_peak: int
    samples: int

    def per_barista_kib(self, baristas: int) -> float:
        """Derived: what the run added at its peak, per barista."""
        return max(0.0, self.peak_rss_mib - self.idle_rss_mib) * 1024 / max(1, baristas)


def _libc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc (macOS, musl): the idle reading may include freed memory


_TRIM = _libc_trim()


def release_free_memory() -> None:
    """Give memory a previous run freed back to the OS, so the idle reading is idle.

    Without it, a run of 5,000 asyncio tasks after 5,000 threads reused the
    threads' freed heap and seemed to cost 0.2 KiB a barista (measured).
    """
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)


def family(proc: psutil.Process) -> list[psutil.Process]:
    """``proc`` and all its descendants."""
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return [proc]


def reading(members: list[psutil.Process]) -> tuple[int, int]:
    """(RSS bytes, OS threads) of ``members``; vanished ones skipped."""
    rss = threads = 0
    for p in members:
        try:
            with p.oneshot():
                rss += p.memory_info().rss
                threads += p.num_threads()
        except psutil.Error:
            continue  # a barista process that ended between the listing and the read
    return rss, threads


class MemoryWatch:
    """Peaks of RSS and OS threads while a run is on, from a thread of its own."""

    def __init__(self, every_s: float = SAMPLE_EVERY_S, pid: int | None = None):
        self.every_s = every_s
        self.proc = psutil.Process(pid)
        self.idle_rss = 0
        self.peak_rss = 0
        self.peak_threads = 0
        self.latest: tuple[int, int] = (0, 0)
        self.samples = 0
        self._family: list[psutil.Process] = []
        self._listed = -FAMILY_EVERY_S
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self, relist: bool = False) -> tuple[int, int]:
        now = time.monotonic()
        # Every sample in the first second, while barista processes are starting.
        starting = self.samples * self.every_s < FAMILY_EVERY_S
        if relist or starting or now - self._listed >= FAMILY_EVERY_S:
            self._family, self._listed = family(self.proc), now
        rss, threads = self.latest = reading(self._family)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_threads = max(self.peak_threads, threads)
        self.samples += 1
        return rss, threads

    def start(self, thread: bool = True) -> "MemoryWatch":
        """``thread=False``: no sampler thread; the caller calls ``tick()`` as it goes."""
        if thread:
            release_free_memory()
        self.idle_rss, _ = self.sample()
        self._last = time.monotonic()
        if not thread:
            return self
        t = threading.Thread(target=self._run, name="memory-watch", daemon=True)
        try:
            t.start()
            self._thread = t
        except RuntimeError:
            pass  # the OS refuses threads: peaks come from the first and last samples
        return self

    def tick(self) -> None:
        """A sample if one is due (for callers without the sampler thread)."""
        if time.monotonic() - self._last >= self.every_s:
            self._last = time.monotonic()
            self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.sample()

    def now_mib(self) -> tuple[float, int]:
        """The latest reading: (RSS MiB, OS threads)."""
        rss, threads = self.latest
        return rss / MIB, threads

    def stop(self) -> MemoryPeaks:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()  # the end of the run counts too (the family as last listed)
        return MemoryPeaks(self.idle_rss / MIB, self.peak_rss / MIB, self.peak_threads,
                           self.samples)
