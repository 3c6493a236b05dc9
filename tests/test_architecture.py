"""The house's shape: imports run one way (cli → ui → core), the kitchen stays headless,
no test code ships in the package and no source file outgrows a reader."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    out = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    # Every contract ran: the headless kitchen and recordings (forbidden), one-way imports.
    assert "chaishop.core) is headless" in out.stdout and "Imports run one way" in out.stdout
    assert "Recordings are headless" in out.stdout
    assert "3 kept, 0 broken" in out.stdout


def test_headless_engine_never_loads_textual():
    code = ("import sys; import chaishop.cli, chaishop.core.bench, chaishop.core.kitchen.process, "
            "chaishop.core.kitchen.client, chaishop.core.kitchen.supervisor; "
            "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_no_test_code_in_the_package():
    scripted = [str(p.relative_to(ROOT)) for p in (ROOT / "chaishop").rglob("*.py")
                if "ScriptedKitchen" in p.read_text(encoding="utf-8")]
    assert not scripted, scripted


MAX_LINES = 300  # the limit for one source or style file in chaishop/


def test_no_source_file_outgrows_a_reader():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "chaishop").rglob("*")
            if p.suffix in (".py", ".tcss", ".tmpl") and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these by responsibility: {long}"


def test_the_front_of_house_does_not_load_the_crews():
    """The shop's first frame does not wait for crews, exports or the kitchen's own imports:
    they load in the kitchen process (crews) or when a key needs them (export)."""
    heavy = ("chaishop.core.crews.base", "chaishop.core.crews.threads", "chaishop.core.crews.tasks",
             "chaishop.core.crews.processes", "chaishop.core.crews.sequential",
             "chaishop.core.engine.shop", "chaishop.core.bench", "chaishop.ui.export")
    code = ("import sys; import chaishop.cli; chaishop.cli.build_parser(); "
            "import chaishop.ui.run, chaishop.ui.app; "
            f"print(sorted(m for m in sys.modules if m in {heavy!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def _name_comparisons(text: str, names: tuple[str, ...]) -> list[tuple[int, str]]:
    """Lines of ``text`` comparing a mode or recipe name literal: == "x", "x" !=, in ("x", ...)."""
    lit = "[\"'](?:" + "|".join(re.escape(n) for n in names) + ")[\"']"
    compared = re.compile(rf"(?:==|!=)\s*{lit}|{lit}\s*(?:==|!=)"
                          rf"|\bin\s*[(\[{{]\s*(?:[\"'][^\"']*[\"']\s*,\s*)*{lit}")
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)
            if compared.search(line)]


def test_no_mode_or_recipe_name_is_compared_outside_the_menu():
    """Layers ask the menu's traits (MODE[m].one_barista, RECIPE[r].cpu_bound); a name
    compared as a string is a second registry that the next mode or recipe will miss."""
    from chaishop.core.menu import MODE_NAMES, RECIPE

    names = MODE_NAMES + tuple(RECIPE)
    found = [f"{p.relative_to(ROOT)}:{n}: {line}"
             for p in sorted((ROOT / "chaishop").rglob("*.py"))
             if not p.relative_to(ROOT / "chaishop").as_posix().startswith("core/menu")
             for n, line in _name_comparisons(p.read_text(encoding="utf-8"), names)]
    assert not found, "ask the menu's traits instead:\n" + "\n".join(found)
    # The check itself bites: the ways a name used to be compared are all found.
    for was in ('if mode == "sequential":', 'x = "dask" != mode', "r in ('till', 'haul')",
                'if recipe not in ("brew", "grind"):', 'mode in ["threads"]'):
        assert _name_comparisons(was, names), was
