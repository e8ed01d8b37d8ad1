"""``python -m photoclip``: the same as the ``photoclip`` command (the desktop app with no arguments)."""

import sys

from photoclip.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
