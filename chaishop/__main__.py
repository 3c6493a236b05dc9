"""``python -m chaishop`` runs the same command line as the ``chaishop`` script."""

from chaishop.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
