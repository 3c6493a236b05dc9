"""The counter recipe (core/workloads/counter.py): one barista replies while the others work.

Real runs through the engine and crews with small orders; structure is asserted, and timing
only where it cannot be otherwise (a blocking sleep holds the loop at least as long as it
sleeps).  The convoy's ratios are benchmarked (tests/perf/counter_convoy.py), not asserted.
"""

from __future__ import annotations

import dataclasses
import socket
import time
import sys
import threading

import pytest

from chaishop.cli import main
from chaishop.core.engine import shop, switch
from chaishop.core.measure.loop_lag import EVERY_S
from chaishop.core.protocol import events as ev
from chaishop.core.workloads import counter_steps as cs
from chaishop.core.workloads.counter import KIND, CounterResult, grind_steps, nearest_rank
from chaishop.core.workloads.counter_log import shorten
from chaishop.core.workloads.echo import EchoServer, ask, connect
from testkit import wait_until

SIZE = 300_000  # brew iterations: ~15 ms an order here
ORDER_S = 0.2


def counter(mode: str, baristas: int = 3, orders: int = 3, **options) -> ev.RunSpec:
    s = ev.RunSpec(mode, "counter", baristas, orders, SIZE, ORDER_S)
    for name, value in options.items():
        s = ev.with_option(s, name, value)
    return s


def words(events: list, first: str) -> list[tuple]:
    return [e.word for e in events if isinstance(e, ev.Event) and e.word and e.word[0] == first]


def no_echo_thread() -> bool:
    return not any(t.name == "counter-echo" for t in threading.enumerate())


def test_the_echo_server_replies_after_the_delay_asked_and_closes_clean():
    server = EchoServer().start()
    try:
        with connect(server.port) as s:
            t0 = time.perf_counter()
            ask(s, 0.02)
            took = time.perf_counter() - t0
        assert took >= 0.02  # never before it is due: a timer, not an echo
        assert server.requests == 1 and server.connections == 1
    finally:
        server.close()
    assert not server.alive and wait_until(no_echo_thread, 2)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=0.5)


def test_the_echo_server_stops_by_itself_when_its_time_is_up():
    server = EchoServer(max_life_s=0.1).start()
    assert wait_until(lambda: not server.alive, 3)
    server.close()


def test_order_one_is_the_counter_and_the_same_crew_works_behind_it():
    orders = KIND.make_orders(counter("threads", 3, 6))
    assert [o.payload["role"] for o in orders] == [cs.COUNTER] + [cs.BREWER] * 5
    assert orders[0].payload["others"] == 2 and orders[0].payload["brewers"] == 5
    assert orders[1].size == SIZE and orders[0].size == 0
    blocked = KIND.make_orders(counter("asyncio", 3, 4, block="cpu"))
    assert [o.payload["role"] for o in blocked] == [cs.COUNTER, cs.BLOCKER, cs.WAITER, cs.WAITER]
    alone = KIND.make_orders(counter("sequential", 3, 4))  # one barista: nobody works beside it
    assert alone[0].payload["others"] == 0 and alone[0].payload["brewers"] == 0
    assert len(KIND.make_orders(counter("threads", 3, 1))) == 1  # as many orders as asked


def test_the_board_travels_to_a_process_without_the_pool():
    board = cs.Board.local(3)  # the counter and two others
    board.pool = object()
    state = board.__getstate__()
    assert state["pool"] is None and state["gate"] is board.gate and state["over"] is board.over
    board.arrive(2)
    board.served(3)
    assert (board.arrived_count(), board.orders_left(), board.is_open()) == (1, 1, False)
    board.open()
    assert board.is_open()


@pytest.mark.alone
@pytest.mark.parametrize("mode", ["threads", "processes", "asyncio"])
def test_the_counter_replies_alone_then_beside_the_others_in_one_run(mode):
    events: list = []
    r = shop.run(counter(mode, 3, 3), events.append)
    assert r.complete and r.orders_done == 3
    c = r.lesson
    assert isinstance(c, CounterResult)
    assert c.alone_replies > 10 and c.replies >= 1  # both phases measured, in the same run
    assert len(c.alone) == 3 and len(c.busy) == 3 and c.work_s is not None
    assert [w[0] for w in words(events, cs.OPEN)] == [cs.OPEN]
    late = words(events, cs.LATE)
    assert c.alone_replies + c.replies == sum(len(w[2]) for w in late)
    assert len(late) < (c.alone_replies + c.replies) / 3  # in batches, not one event a reply
    f = c.figures(r.wall_s)
    assert f["switch_interval_ms"] == pytest.approx(sys.getswitchinterval() * 1000)
    assert (f["loop_lag_max_ms"] is not None) == (mode == "asyncio")


def test_the_others_can_grind_in_c_instead_of_brewing():
    orders = KIND.make_orders(counter("threads", 3, 3, work="grind"))
    assert orders[1].size == grind_steps(ORDER_S) != SIZE  # SHA-256 steps, measured here
    r = shop.run(counter("threads", 2, 2, work="grind"))
    assert r.complete and r.lesson.figures(r.wall_s)["work"] == "grind" and r.lesson.replies > 0


@pytest.mark.parametrize("mode,who", [("threads", "workers"), ("processes", "workers"),
                                      ("processes", "counter")])
@pytest.mark.alone
def test_a_knocked_out_barista_keeps_nobody_waiting(mode, who):
    """Knocked out (a process: SIGKILL), a worker's order counts as over for the counter, and a
    dead counter's gate opens: the engine writes the board the baristas read."""
    held: dict[int, int] = {}

    def sink(m: object) -> None:
        if isinstance(m, ev.Event) and m.kind == ev.TAKEN:
            held[m.barista] = m.order

    run = shop.Run(counter(mode, 3, 3), sink)
    targets = (lambda o: o > 1) if who == "workers" else (lambda o: o == 1)  # noqa: E731
    want = 2 if who == "workers" else 1

    def knock() -> None:
        if wait_until(lambda: sum(map(targets, held.values())) == want, 10):
            for b, o in list(held.items()):
                if targets(o):
                    run.knock_out(b)

    t = threading.Thread(target=knock)
    t.start()
    r = run.execute()
    t.join()
    assert r.failed == want
    board = run.crew.shared
    assert board.is_open()
    if who == "workers":  # the counter stopped because both orders were over, not at its cap
        assert board.orders_left() <= 0
    else:
        assert r.orders_done == 2  # the workers got through the gate and served theirs


@pytest.mark.alone
def test_with_one_barista_the_counter_is_alone():
    r = shop.run(counter("sequential", 2, 3))
    assert r.complete and r.lesson.busy == () and r.lesson.alone_replies > 10
    assert r.lesson.figures(r.wall_s)["reply_late_p50_ms"] is None


@pytest.mark.alone
@pytest.mark.parametrize("mode", ["threads", "asyncio"])
def test_socket_replies_are_real_round_trips_to_a_server_that_goes_away(mode):
    r = shop.run(counter(mode, 2, 2, io="socket"))
    assert r.complete and r.lesson.io == "socket"
    assert r.lesson.alone_replies > 10
    # a 1 ms round trip never comes back early: the server answers when it is due
    assert min(r.lesson.alone) >= 0
    assert wait_until(no_echo_thread, 2)


def test_a_blocking_sleep_stalls_the_loop_and_debug_mode_says_so_on_the_shop_not_stderr(capfd):
    r = shop.run(counter("asyncio", 3, 3, block="sleep"))
    assert r.complete
    c = r.lesson
    # A blocking sleep of one order holds the loop at least that long: the probe (a callback
    # due every EVERY_S) is late by all of it but the part of EVERY_S already gone.
    assert c.loop_lag_max_ms >= (ORDER_S - EVERY_S) * 1000 * 0.95
    assert c.busy[2] >= ORDER_S * 0.9  # and so did the counter's worst reply
    assert c.slow_callbacks >= 1 and "Barista-" in c.slow_lines[0]
    assert "held the loop" in c.slow_lines[0]
    assert "Executing" not in capfd.readouterr().err


@pytest.mark.parametrize("unblock", ["to_thread", "process_pool"])
def test_each_fix_runs_the_blocking_call_elsewhere_and_cleans_up(unblock):
    r = shop.run(counter("asyncio", 3, 3, block="cpu", unblock=unblock))
    assert r.complete and r.lesson.unblock == unblock
    assert r.lesson.replies > 1  # the counter kept replying while the call ran


def test_the_switch_interval_holds_for_the_run_and_the_default_comes_back():
    before = sys.getswitchinterval()
    r = shop.run(dataclasses.replace(counter("threads", 2, 2), switch_interval_ms=0.5))
    assert r.lesson.switch_interval_ms == pytest.approx(0.5)
    assert sys.getswitchinterval() == before


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_the_counter_brews_beside_the_interval_asked_for_in_its_own_process(mode):
    r = shop.run(dataclasses.replace(counter(mode, 2, 2), switch_interval_ms=0.5))
    assert r.lesson.counter_switch_ms == pytest.approx(0.5)  # its word, from its interpreter


def test_out_of_process_orders_carry_the_interval_and_a_barista_sets_it():
    orders = KIND.make_orders(counter("processes", 2, 2))
    assert switch.stamp(orders, None) is orders
    stamped = switch.stamp(orders, 0.5)
    assert [o.switch_s for o in stamped] == [0.0005, 0.0005]
    with switch.switched(None):  # restores whatever apply() sets
        switch.apply(stamped[0])
        assert sys.getswitchinterval() == pytest.approx(0.0005)
    assert switch.halve(0.01) == switch.MIN_MS and switch.double(5) == 10


def test_slow_callback_lines_are_shortened_to_who_held_the_loop():
    line = shorten("Executing <Task pending name='Barista-2' coro=<x()>> took 0.250 seconds")
    assert line.startswith("Barista-2 held the loop 0.250 s")
    assert nearest_rank([3, 1, 2], 0.5) == 2 and nearest_rank([], 0.5) is None


@pytest.mark.parametrize("argv,says", [
    (["bench", "--recipe", "counter", "--switch-interval", "0"], "switch-interval"),
    (["bench", "--recipe", "brew", "--block", "cpu"], "--block is a switch of the counter"),
])
def test_bad_counter_flags_exit_2_with_one_line(capsys, argv, says):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    assert says in capsys.readouterr().err


@pytest.mark.skipif(getattr(sys, "_is_gil_enabled", lambda: True)(),
                    reason="free-threaded Python only (3.13t, 3.14t): under a GIL threads convoy")
@pytest.mark.alone
def test_free_threaded_threads_show_no_convoy():
    """Without the GIL the counter's thread needs nothing the brewers hold: its replies are
    about as late as alone (measured 0.9x on 3.14t; under a GIL 70-90x here).  A busy
    machine can delay a wake-up for a core: up to three runs, one clearly under 10x."""
    ratios = []
    for _ in range(3):
        r = shop.run(counter("threads", 3, 3))
        ratios.append(r.lesson.late_vs_alone)
        if ratios[-1] is not None and ratios[-1] < 10:
            return
    pytest.fail(f"threads' replies {ratios}x later than alone, in every run: a convoy without a GIL?")
