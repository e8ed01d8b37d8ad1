"""Entry script of the frozen command-line tool (PyInstaller starts here)."""

import sys

from photoclip.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
