"""Workloads: the recipes (brew, orders, mixed, grind) and the lessons beyond them (till, haul)."""
