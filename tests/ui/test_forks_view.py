"""The forks lesson's words (ui/lessons/forks.py): drawn from the baristas' words and the
kitchen's figures only."""

from __future__ import annotations

from chaishop.core.protocol import events as ev
from chaishop.core.workloads.forks_result import ForksResult
from chaishop.ui.lessons.forks import ForksView
from testkit import result


def spec(fix: str = "none", mode: str = "threads", crew: int = 3) -> ev.RunSpec:
    return ev.with_option(ev.RunSpec(mode, "forks", crew, 6, 1, 1.0), "fix", fix)


def word(b: int, t: float, *w) -> ev.Event:
    return ev.Event(ev.PROGRESS, b, f"Barista-{b}", t=t, word=tuple(w))


def test_live_lines_say_who_holds_what_then_the_cycle_when_it_closes():
    view = ForksView(spec())
    assert view.titles() == ("Forks · threads · 3 forks · threading.Lock",
                             "fix (F O W T): none · esc ends a deadlock")
    for b in (1, 2, 3):
        view.observe(ev.Event(ev.STARTED, b, "x", t=10.0))
        view.observe(word(b, 10.0, "wait", b))
        view.observe(word(b, 10.01, "hold", b))
    view.observe(word(1, 10.5, "wait", 2))
    assert view.live().splitlines() == ["barista 1: holds fork 1, waits for fork 2",
                                        "barista 2: holds fork 2", "barista 3: holds fork 3"]
    view.observe(word(2, 10.5, "wait", 3))
    view.observe(word(3, 10.84, "wait", 1))
    assert view.live().startswith(
        "barista 1 waits for fork 2, held by barista 2, who waits for fork 3, held by barista 3, "
        "who waits for fork 1, held by barista 1: deadlock after 0.84 s.")
    view.observe(ev.Event(ev.FINISHED, 3, "x", t=12.0))  # the cancel: the cycle is gone
    assert "deadlock" not in view.live()
    # each barista's log says it too
    assert view.pane_word(word(3, 10.84, "wait", 1)) == "waits for fork 1"
    assert view.pane_word(word(2, 11.0, "retry", 2)) == "puts fork 2 back: the next one is taken"


def forks_result(fix: str, deadlocked: bool, served: int, wall_s: float, run: int, retries=0,
                 waits=(1.6, 1.6, 1.6)) -> ev.RunResult:
    lesson = ForksResult(fix, "threading.Lock", deadlocked, 0.5 if deadlocked else None,
                         ((1, 2), (2, 3), (3, 1)) if deadlocked else (),
                         tuple(enumerate(waits, 1)), retries, served)
    return result("threads", "forks", wall_s, baristas=3, orders=6, run=run, lesson=lesson,
                  cancelled=deadlocked, orders_done=served)


def test_finish_says_the_deadlock_and_how_it_ended():
    naive = forks_result("none", True, 0, 2.05, run=1)
    text = ForksView(spec()).finish(naive, [])
    assert text.startswith("Deadlock after 0.50 s: barista 1 waits for fork 2, held by barista 2")
    assert "0 of 6 served; waited 1.6 s each." in text
    assert "ended it 1.5 s later" in text


def test_a_fix_is_explained_and_costed_against_the_naive_run():
    naive = forks_result("none", True, 0, 2.05, run=1)
    ordered = forks_result("order", False, 6, 3.0, run=2, waits=(2.5, 1.0, 1.5))
    text = ForksView(spec("order")).finish(ordered, [naive])
    assert "Served 6 of 6 meals in 3.00 s (2.00 meals/s) · no deadlock · fix: order" in text
    assert "waited 2.5 1.0 1.5 s" in text
    assert "barista 3 reaches for fork 1 before fork 3" in text
    assert "the naive table served 0 meals in its first 0.50 s, then none" in text
    alone = ForksView(spec("order")).finish(ordered, [])
    assert "press F until fix none" in alone  # no naive run to compare with: says so


def test_trylock_counts_its_retries_and_names_livelock_pressure():
    calm = ForksView(spec("trylock")).finish(forks_result("trylock", False, 6, 3.0, 2, retries=4), [])
    assert "4 retries for 6 meals." in calm and "livelock" not in calm
    busy = ForksView(spec("trylock")).finish(forks_result("trylock", False, 6, 9.0, 2, retries=40), [])
    assert "livelock" in busy
