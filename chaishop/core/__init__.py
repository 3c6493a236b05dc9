"""The kitchen: recipes, orders, crews of baristas, events, stopwatch, CPU sampling.

Nothing in this package imports Textual (an import-linter contract in
pyproject.toml enforces it), so all of it runs headless: ``chaishop bench``
uses it directly and the Textual front of house only renders its events.

    menu.py      the registries: every mode and every recipe with its traits (read them here)
    machine.py   the machine: cores, CPU model, the Python build (GIL or not)
    protocol/    every message between the kitchen and the front of house, commands included
    engine/      what a barista does, one run of a crew, rush hour
    crews/       the crews (executors), one file per mode
    workloads/   the recipes' work and the lessons beyond it (the till, the haul)
    measure/     stopwatch, speed-ups, timeline, trace, GIL and loop-lag gauges, noise, memory
    kitchen/     the kitchen process and its supervision (start, heal, end; multiprocessing)
    bench/       ``chaishop bench``: the same orders through several crews, side by side
"""
