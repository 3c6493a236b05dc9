"""The shop's own bytecode cache: for subinterpreter baristas, and the front of house.

Each subinterpreter imports the barista loop and what it needs (about 35
modules from source: chaishop's own, and dataclasses, inspect, ast, dis,
tokenize... from the standard library).  Where no ``.pyc`` can be written
(``PYTHONDONTWRITEBYTECODE=1``, as in many containers, or a read-only
install) every interpreter compiled all of them, on every run: start-up that
made subinterpreters look slow.

So each interpreter reads and writes its bytecode in one folder of the shop's
own, given as ``sys.pycache_prefix``::

    $XDG_CACHE_HOME/chaishop/pycache-cpython-313/   (default ~/.cache/chaishop/...)
        <the absolute path of each source file>/<name>.cpython-313.pyc

The interpreter sets the prefix itself, before its first import: a new
interpreter copies the main interpreter's start-up configuration, not a value
set at run time.  It turns writing on for that folder only (the flag is about
``__pycache__`` beside the sources; this folder is the shop's).  The first
interpreter on a machine (or after an upgrade or an edit of a source file)
compiles and writes; every later one reads.  Writes are importlib's own: a
temp file beside the target, then ``os.replace``, so two shops warming at
once each see whole files or none, and a failed write is removed.

The front of house (``chaishop``, ``python -m chaishop``: __main__.main) uses the same
folder when ``PYTHONDONTWRITEBYTECODE`` is set and no prefix was chosen, before it
imports Textual and the shop: an editable install (``pip install -e``) has no
``.pyc`` for chaishop, and compiling its modules was about 45 ms of every launch
(measured, -X importtime).  The first launch on a machine compiles Textual and the
standard library into the folder too (their own ``__pycache__`` is not read once a
prefix is set); every later one reads.  Child processes (the kitchen, process
baristas) are left as Python starts them.

Still compiled in every interpreter: the few lines of its start script
(source text run by ``exec``), and any module imported while running that the
cache has not seen yet.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def cache_dir() -> Path:
    """Where the shop keeps bytecode for this Python (per version and build)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "chaishop" / f"pycache-{sys.implementation.cache_tag}{getattr(sys, 'abiflags', '')}"


def usable_dir() -> tuple[Path | None, str]:
    """(the cache folder, "") if it exists or can be made and written, else (None, why not)."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return None, f"no cache folder: {exc.strerror or exc}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return None, f"cache folder not writable: {folder}"
    return folder, ""


def script_head(folder: Path | None) -> list[str]:
    """Source lines that open an interpreter's start script: the cache, and a compile count.

    ``_compiled`` lists the source files compiled while the barista module is
    imported (importlib calls ``source_to_code`` only when no usable ``.pyc``
    exists); ``script_tail`` puts importlib back as it was.
    """
    lines = [] if folder is None else [f"sys.pycache_prefix = {str(folder)!r}",
                                       "sys.dont_write_bytecode = False"]
    return lines + [
        "import _frozen_importlib_external as _fie",
        "_compiled = []",
        "_s2c = _fie.SourceLoader.source_to_code",
        "def _counted(self, data, path, *a, **k):",
        "    _compiled.append(path)",
        "    return _s2c(self, data, path, *a, **k)",
        "_fie.SourceLoader.source_to_code = _counted",
    ]


def script_tail() -> list[str]:
    return ["_fie.SourceLoader.source_to_code = _s2c"]


def _short(folder: Path) -> str:
    home = os.path.expanduser("~")
    text = str(folder)
    return "~" + text[len(home):] if home not in ("", "/") and text.startswith(home + os.sep) else text


def describe(folder: Path | None, why_not: str, compiled: int) -> str:
    """What an interpreter's bytecode was made of, for its start-up line."""
    if folder is None:
        if compiled == 0:
            return f"bytecode: read from __pycache__ ({why_not})"
        return f"bytecode: compiled fresh, {compiled} modules ({why_not})"
    if compiled == 0:
        return f"bytecode: cached in {_short(folder)}"
    return f"bytecode: compiled {compiled} modules, kept in {_short(folder)} for next time"


def use_in_this_process() -> bool:
    """Read and write this process's bytecode in the shop's folder, where Python would
    otherwise write none (``PYTHONDONTWRITEBYTECODE``) and no prefix was chosen."""
    if not sys.dont_write_bytecode or sys.pycache_prefix is not None:
        return False
    folder, _ = usable_dir()
    if folder is None:
        return False
    sys.pycache_prefix, sys.dont_write_bytecode = str(folder), False
    return True
