"""The kitchen: recipes, orders, crews of baristas, events, stopwatch, CPU sampling.

Nothing in this package imports Textual (an import-linter contract in
pyproject.toml enforces it), so all of it runs headless: ``chaishop bench``
uses it directly and the Textual front of house only renders its events.
"""
