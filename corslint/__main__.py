"""``python -m corslint``: the ``corslint`` command."""

from corslint.cli import run

if __name__ == "__main__":
    run()
