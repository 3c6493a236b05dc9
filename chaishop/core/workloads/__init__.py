"""Workloads: the recipes (brew, orders, mixed, grind) and the lessons beyond them (till, haul).

Each lesson's module also holds what its run reports (till.TillResult, haul.HaulResult:
``RunResult.lesson``) and the columns that adds to ``chaishop bench``; lessons.py glues
them into a run."""
