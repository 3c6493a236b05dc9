"""The shop's bytecode folder for the front of house (core/bytecode.py).

Where no .pyc may be written beside the sources (PYTHONDONTWRITEBYTECODE, -B), the
``chaishop`` command keeps its bytecode in the shop's folder: the next launch reads it
instead of compiling again.  Each check runs a fresh Python, so this test process is
left as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = ("import sys; from chaishop.core.bytecode import use_in_this_process as use; "
         "used = use(); import chaishop.core.menu; print(used, sys.pycache_prefix)")


def _probe(tmp_path, *flags: str, **env: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPYCACHEPREFIX",)} | env
    env["XDG_CACHE_HOME"] = str(tmp_path)
    out = subprocess.run([sys.executable, *flags, "-c", PROBE], capture_output=True, text=True,
                         env=env, check=True)
    return out.stdout.strip()


def test_without_a_writable_pycache_the_front_keeps_bytecode_in_the_shops_folder(tmp_path):
    out = _probe(tmp_path, "-B")
    folder = tmp_path / "chaishop" / f"pycache-{sys.implementation.cache_tag}{sys.abiflags}"
    assert out == f"True {folder}"
    menu = [p.name for p in folder.rglob("menu/__init__.*.pyc")]
    assert menu, "chaishop.core.menu was imported after the switch but not cached"
    assert [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".pyc"] == []  # no temp


def test_a_prefix_the_user_chose_is_kept(tmp_path):
    mine = tmp_path / "mine"
    out = _probe(tmp_path, "-B", PYTHONPYCACHEPREFIX=str(mine))
    assert out == f"False {mine}"
    assert not (tmp_path / "chaishop").exists()
