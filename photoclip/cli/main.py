"""The ``photoclip`` command: the GUI with no arguments, subcommands for everything else.

Only argparse is imported here; each command imports what it needs when it runs, so ``--help``
and ``--version`` answer at once.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from photoclip.cli.parser import build_parser
from photoclip.cli.query_words import words_after_options


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``photoclip`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(words_after_options(parser, argv))  # `search -paris`: a word, not an option
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose or 0, 2), format="%(levelname)s %(name)s: %(message)s"
    )
    if args.command is None:
        return _start_gui(args)
    from photoclip.cli import commands
    from photoclip.core.errors import PhotoclipError

    try:
        return commands.run(args)
    except PhotoclipError as exc:
        print(f"photoclip: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nphotoclip: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `photoclip search ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _start_gui(args: argparse.Namespace) -> int:
    try:
        from photoclip.gui.launch import run_gui
    except ImportError as exc:
        print(
            f"photoclip: the desktop app cannot start ({exc}). Use a command instead; see 'photoclip --help'.",
            file=sys.stderr,
        )
        return 2
    return run_gui(library=args.library, model=args.model, weights=args.weights, device=args.device)


if __name__ == "__main__":
    sys.exit(main())
