"""The lock that gives a test marked ``alone`` the machine to itself under pytest-xdist
(tests/conftest.py): its figures (speed-ups, lateness, parallelism) are only true with
nothing brewing beside it.  Workers are processes; here two threads with a lock each
(flock locks belong to each open file, so they exclude each other as workers do)."""

from __future__ import annotations

import threading
import time

from testkit import MachineLock


def test_an_alone_test_waits_for_the_running_test_and_the_next_one_waits_for_it(tmp_path):
    worker_a, worker_b, worker_c = (MachineLock(tmp_path) for _ in range(3))
    log: list[str] = []
    started_alone = threading.Event()

    def alone() -> None:
        started_alone.set()
        with worker_b.held(alone=True):
            log.append("alone in")
            time.sleep(0.2)
            log.append("alone out")

    def next_test() -> None:
        started_alone.wait()
        time.sleep(0.05)  # asks after the alone test: it must not overtake it
        with worker_c.held(alone=False):
            log.append("next in")

    with worker_a.held(alone=False):
        threads = [threading.Thread(target=alone), threading.Thread(target=next_test)]
        for t in threads:
            t.start()
        time.sleep(0.2)
        log.append("first out")  # neither could start while it ran
    for t in threads:
        t.join(5)
    assert log == ["first out", "alone in", "alone out", "next in"]


def test_tests_that_are_not_alone_run_together(tmp_path):
    worker_a, worker_b = MachineLock(tmp_path), MachineLock(tmp_path)
    inside = threading.Event()

    def other() -> None:
        with worker_b.held(alone=False):
            inside.set()

    with worker_a.held(alone=False):
        t = threading.Thread(target=other)
        t.start()
        assert inside.wait(5)  # it ran while the first one was still inside
    t.join(5)
