"""``python -m chaishop`` and the ``chaishop`` script (pyproject ``[project.scripts]``)."""


def main() -> int:
    # Before the front of house is imported: where no .pyc may be written next to the
    # sources, bytecode is kept in the shop's own folder (core/bytecode.py).
    from chaishop.core.bytecode import use_in_this_process

    use_in_this_process()
    from chaishop.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    raise SystemExit(main())
