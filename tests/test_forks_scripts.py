"""`chaishop code MODE --recipe forks`: a standalone deadlock a student can run, and its fixes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chaishop.cli import main


def forks_script(tmp_path, capsys, mode: str, fix: str = "none") -> list[str]:
    assert main(["code", mode, "--recipe", "forks", "--baristas", "3", "--orders", "6",
                 "--order-seconds", "0.1", "--fix", fix]) == 0
    path = tmp_path / f"forks_{mode}.py"
    path.write_text(capsys.readouterr().out)
    assert f'else "{fix}"' in path.read_text() and f"--fix {fix}" in path.read_text()
    return [sys.executable, "-I", str(path)]


@pytest.mark.parametrize("mode,fix", [("threads", "order"), ("threads", "trylock"),
                                      ("asyncio", "order"), ("asyncio", "trylock"),
                                      ("processes", "waiter")])
def test_a_fixed_script_serves_every_meal(tmp_path, capsys, mode, fix):
    proc = subprocess.run(forks_script(tmp_path, capsys, mode, fix), capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert sum("ate meal" in line for line in lines) == 6 and lines[-1].startswith("wall time: ")


@pytest.mark.alone
@pytest.mark.slow  # the script waits 2 s without a meal before it calls it a deadlock
@pytest.mark.parametrize("mode", ["threads", "asyncio", "processes"])
def test_the_naive_script_deadlocks_says_who_waits_for_whom_and_exits(tmp_path, capsys, mode):
    argv = forks_script(tmp_path, capsys, mode)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "deadlock: 0 of 6 meals served" in proc.stdout
    assert "barista 3 waits for fork 1, held by barista 1" in proc.stdout
    waiter = subprocess.run(argv + ["waiter"], capture_output=True, text=True, timeout=60)
    assert waiter.returncode == 0 and waiter.stdout.count("ate meal") == 6


def test_no_script_where_none_is_written(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["code", "sequential", "--recipe", "forks"])
    assert exc.value.code == 2
    assert "no standalone script for the forks recipe with sequential (scripts exist for " \
           "threads, processes, asyncio)" in capsys.readouterr().err
