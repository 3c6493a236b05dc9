"""``chaishop code MODE``: standalone scripts that do a mode's work with the standard
library only, run with ``python3 -I`` (isolated: no chaishop on the path) and print
their wall time.  How close that time is to ``chaishop bench`` is a benchmark:
tests/perf/code_vs_bench.py."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chaishop.cli import main
from chaishop.scripts import MODES

WALL = re.compile(r"^wall time: (\d+\.\d{3}) s$")
PYTHONS = {"3.12": "/root/.pyenv/versions/3.12.1/bin/python",
           "3.13": "/root/.pyenv/versions/3.13.0/bin/python",
           "3.14": "/work/py314/bin/python3.14"}
USES = {"threads": "threading", "processes": "multiprocessing", "asyncio": "asyncio",
        "sequential": "time", "interpreters": "threading"}


def script(tmp_path: Path, capsys, mode: str, recipe: str = "mixed", orders: int = 3) -> Path:
    assert main(["code", mode, "--recipe", recipe, "--baristas", "2", "--orders", str(orders),
                 "--size", "30000", "--order-seconds", "0.05"]) == 0
    path = tmp_path / f"{mode}.py"
    path.write_text(capsys.readouterr().out)
    return path


def run_isolated(path: Path, python: str = sys.executable) -> list[str]:
    proc = subprocess.run([python, "-I", str(path)], capture_output=True, text=True,
                          cwd=path.parent, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.splitlines()


@pytest.mark.parametrize("mode", ["sequential", "threads", "processes", "asyncio"])
@pytest.mark.parametrize("recipe", ["brew", "orders", "mixed"])
def test_script_runs_alone_serves_every_order_and_prints_its_wall_time(tmp_path, capsys,
                                                                         mode, recipe):
    lines = run_isolated(script(tmp_path, capsys, mode, recipe))
    assert WALL.match(lines[-1]), lines[-1]
    served = sorted(int(line.rsplit("#", 1)[1]) for line in lines if "served order" in line)
    assert served == [1, 2, 3]
    if recipe != "brew":  # each order waits 0.05 s: the clock saw at least one wait
        assert float(WALL.match(lines[-1]).group(1)) >= 0.05


@pytest.mark.parametrize("mode", MODES)
def test_script_imports_only_the_standard_library(tmp_path, capsys, mode):
    tree = ast.parse(script(tmp_path, capsys, mode).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert USES[mode] in imported
    # CPython's own private interpreters modules (3.12, 3.13) are stdlib on those versions.
    stdlib = set(sys.stdlib_module_names) | {"_interpreters", "_xxsubinterpreters"}
    assert imported <= stdlib, imported - stdlib


def test_process_script_names_its_start_method_and_guards_main(tmp_path, capsys):
    text = script(tmp_path, capsys, "processes").read_text()
    assert 'if __name__ == "__main__":' in text
    (line,) = [ln for ln in text.splitlines() if "get_context(" in ln]
    assert re.findall(r'"(\w+)"', line) == ["forkserver", "forkserver", "spawn"]  # never fork


@pytest.mark.parametrize("version", sorted(PYTHONS))
def test_interpreters_script_runs_on_3_12_and_newer(tmp_path, capsys, version):
    if not Path(PYTHONS[version]).exists():
        pytest.skip(f"no Python {version} here")
    lines = run_isolated(script(tmp_path, capsys, "interpreters"), PYTHONS[version])
    assert WALL.match(lines[-1])
    assert sorted(line.rsplit("#", 1)[1] for line in lines if "served" in line) == ["1", "2", "3"]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.11 only")
def test_interpreters_script_says_why_not_on_3_11(tmp_path, capsys):
    proc = subprocess.run([sys.executable, "-I", str(script(tmp_path, capsys, "interpreters"))],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1 and "3.12 or newer" in proc.stderr


def test_sequential_script_has_one_barista_and_the_command_that_made_it(tmp_path, capsys):
    text = script(tmp_path, capsys, "sequential").read_text()
    assert "chaishop code sequential --recipe mixed --baristas 1 --orders 3" in text


@pytest.mark.parametrize("argv", [["code"], ["code", "fork"], ["code", "threads", "--size", "0"],
                                  ["code", "threads", "--recipe", "spill"]])
def test_bad_code_values_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
