"""The crew grid: one cell per barista coloured by state, counts that are exact."""

from __future__ import annotations

from textual.app import App, ComposeResult

from chaishop.core.protocol.gauges import CELL_DONE, CELL_FAILED, CELL_STARTING, CELL_WAITING, CrewSummary
from chaishop.ui.crew_grid import CrewGrid, cell_states, layout


def test_layout_fat_cells_for_small_crews_shared_cells_past_the_room():
    assert layout(100, 80, 10) == (4, 20, 1)  # 20 x 20 cells: room for 400
    assert layout(700, 80, 10) == (2, 40, 1)
    assert layout(1000, 80, 10) == (1, 80, 1)
    assert layout(5000, 100, 30) == (1, 100, 1)  # 6,000 half-block cells
    cw, cols, per = layout(10_000, 100, 30)
    assert (cw, cols) == (1, 100) and per == 2 and cols * 30 * 2 * per >= 10_000


def test_a_shared_cell_shows_what_most_do_and_any_failure():
    states = bytes([CELL_DONE, CELL_DONE, CELL_WAITING, CELL_WAITING, CELL_WAITING, CELL_DONE, CELL_FAILED, CELL_DONE])
    assert cell_states(states, 1) == list(states)
    assert cell_states(states, 3) == [CELL_DONE, CELL_WAITING, CELL_FAILED]


class GridApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.grid = CrewGrid()

    def compose(self) -> ComposeResult:
        yield self.grid


def summary(states: bytes, **kw) -> CrewSummary:
    return CrewSummary(1, 0.0, states, orders_done=states.count(CELL_DONE),
                       clocked_in=len(states) - states.count(CELL_STARTING), **kw)


async def test_grid_counts_cells_and_failure_reasons_on_screen():
    app = GridApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.grid.reset(5000)
        await pilot.pause()
        text = app.grid.render().plain
        assert "starting 5,000" in text and "done 0" in text
        states = bytes([CELL_WAITING] * 3000 + [CELL_DONE] * 1990 + [CELL_FAILED] * 10)
        app.grid.show(summary(states, failures=(("the OS refused a thread: can't start new thread", 10),),
                              rss_mib=120.0, os_threads=3012))
        await pilot.pause()
        lines = app.grid.render().plain.splitlines()
        assert "waiting 3,000" in lines[0] and "done 1,990" in lines[0] and "failed 10" in lines[0]
        assert "failed ×10: the OS refused a thread: can't start new thread" in lines
        assert any("120 MiB RSS · 3,012 OS threads" in line for line in lines)
        cells = [line for line in lines[1:] if line and set(line) == {"▀"}]
        # One half-block per two baristas, a character per cell: 2,500 characters.
        assert sum(len(line) for line in cells) == 2500
