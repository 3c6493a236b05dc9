"""chaishop: a chai shop in your terminal that makes concurrency and parallelism visible.

Importing the package is cheap on purpose: child processes import it too, and
the Textual front of house is only imported by the commands that draw a screen.
"""

__version__ = "0.1.0"
