"""The house's shape: imports run one way (cli → ui → core), the kitchen stays headless,
no test code ships in the package and no source file outgrows a reader."""

from __future__ import annotations

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


MAX_LINES = 350  # the hard limit for one source file in chaishop/ (the aim is about 300)


def test_no_source_file_outgrows_a_reader():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "chaishop").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
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
