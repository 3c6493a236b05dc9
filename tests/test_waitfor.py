"""The wait-for graph on synthetic words: cycles found when they close, and only then."""

from __future__ import annotations

from chaishop.core.workloads.waitfor import WaitFor, canonical, describe


def everyone_holds_left(g: WaitFor, n: int) -> None:
    for b in range(1, n + 1):
        assert g.feed(b, ("wait", b), 0.0) is None
        g.feed(b, ("hold", b), 0.1)


def test_five_barista_cycle_found_by_the_wait_that_closes_it():
    g = WaitFor()
    everyone_holds_left(g, 5)
    for b in range(1, 5):  # four wait for their right fork: a chain, not yet a cycle
        assert g.feed(b, ("wait", b % 5 + 1), 1.0) is None
    cycle = g.feed(5, ("wait", 1), 1.2)
    assert canonical(cycle) == [(1, 2), (2, 3), (3, 4), (4, 5), (5, 1)]
    assert g.still(cycle)
    assert describe(canonical(cycle)) == (
        "barista 1 waits for fork 2, held by barista 2, who waits for fork 3, held by barista 3, "
        "who waits for fork 4, held by barista 4, who waits for fork 5, held by barista 5, "
        "who waits for fork 1, held by barista 1")


def test_no_cycle_once_a_holder_lets_go():
    g = WaitFor()
    everyone_holds_left(g, 3)
    g.feed(1, ("wait", 2), 1.0)
    g.feed(2, ("wait", 3), 1.0)
    g.feed(3, ("drop", 3), 1.1)  # barista 3 put its fork down before reaching for fork 1
    assert g.feed(3, ("wait", 1), 1.2) is None
    assert g.find_cycle() is None
    # and a cycle that stood stops standing when one of its forks moves
    g2 = WaitFor()
    everyone_holds_left(g2, 2)
    g2.feed(1, ("wait", 2), 1.0)
    cycle = g2.feed(2, ("wait", 1), 1.0)
    assert cycle is not None
    g2.gone(2, 2.0)  # cancelled: holds nothing any more
    assert not g2.still(cycle)


def test_trylock_back_off_is_not_a_deadlock_and_counts_retries():
    g = WaitFor()
    everyone_holds_left(g, 5)
    for b in range(1, 6):  # each tries its right fork without waiting: fails, puts its left back
        g.feed(b, ("retry", b), 1.0)
    assert g.holder == {} and g.find_cycle() is None
    assert sum(g.retries.values()) == 5
    everyone_holds_left(g, 5)  # all again at the same moment: still nobody waits holding a fork
    assert g.find_cycle() is None


def test_waits_are_timed_per_barista_and_seats_never_make_a_cycle():
    g = WaitFor()
    g.feed(1, ("seat-wait", 0), 0.0)  # the waiter's semaphore: a wait, but nobody holds it
    assert g.find_cycle() is None
    g.feed(1, ("seated", 0), 0.5)
    g.feed(1, ("hold", 2), 0.5)
    g.feed(2, ("hold", 1), 0.5)
    g.feed(1, ("wait", 1), 1.0)
    assert g.feed(2, ("wait", 2), 1.0) == [(2, 2), (1, 1)]  # each waits for the other's fork
    g.feed(2, ("drop", 1), 2.0)  # (a timed-out try, say) and barista 1 gets fork 1 at 3 s
    g.feed(1, ("hold", 1), 3.0)
    assert g.find_cycle() is None
    assert g.waits_at(4.0) == {1: 2.5, 2: 3.0}  # barista 2 still waiting: counted so far


def test_wait_spans_run_from_a_wait_to_the_next_word_or_the_end():
    from chaishop.core.workloads.waitfor import GONE, wait_spans

    words = [(1, ("wait", 1), 0.0), (1, ("hold", 1), 0.5), (2, ("seat-wait", 0), 0.1),
             (1, ("wait", 2), 1.0), (2, (GONE,), 1.5)]
    assert sorted(wait_spans(words, 3.0)) == [(1, 1, 0.0, 0.5), (1, 2, 1.0, 3.0), (2, 0, 0.1, 1.5)]


def test_a_long_cycle_is_told_by_its_ends_and_its_length():
    cycle = [(b, b % 100 + 1) for b in range(1, 101)]
    text = describe(cycle)
    assert text.startswith("barista 1 waits for fork 2, held by barista 2, who waits for fork 3")
    assert "... 92 more baristas ..." in text
    assert text.endswith("who waits for fork 1, held by barista 1") and len(text) < 600
