"""Lets a search's words start with ``-``: ``photoclip search "-paris"`` and ``search beach -people``.

argparse reads any word that starts with ``-`` as an option, and ``-word`` is how a search leaves
something out (the syntax the README and Help teach). So before argparse sees the command line of
``search`` and ``similar``, every word that is not one of the command's own options (or an option's
value) is moved after a ``--``, in the order typed: argparse then takes them all as the query. Real
options stay options, ``-n 5`` and ``-n5`` included; ``-nature`` and ``-vintage`` are words, though
argparse alone would read them as ``-n ature`` and ``-v -i …``. Options may also come after the
words (``search beach -people -n 3``), which argparse alone refuses for a query of several words.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence

COMMANDS = ("search", "similar")  # the commands whose positional arguments are what the user searches


def words_after_options(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``argv`` with the query words of ``search``/``similar`` moved after ``--`` (unchanged otherwise)."""
    argv = list(argv)
    place = _command_index(parser, argv)
    if place is None:
        return argv
    sub = _subparsers(parser)[argv[place]]
    options: list[str] = []
    words: list[str] = []
    rest = iter(argv[place + 1 :])
    for token in rest:
        if token == "--":  # the user's own: everything after it is words already
            words.extend(rest)
            break
        values = _option_values(sub, token)
        if values is None:
            words.append(token)
            continue
        options.append(token)
        for _ in range(values):
            value = next(rest, None)
            if value is not None:
                options.append(value)
    return [*argv[: place + 1], *options, *(["--", *words] if words else [])]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The command parsers by name (argparse keeps them on its private subparsers action)."""
    for action in parser._actions:  # argparse has no public way to list them
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _command_index(parser: argparse.ArgumentParser, argv: list[str]) -> int | None:
    """Where ``search`` or ``similar`` is in ``argv`` (after the top-level options), if it is."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token == "--":
            return None
        values = _option_values(parser, token)
        if values is None:  # the first word that is no option: the command
            return index if token in COMMANDS and token in _subparsers(parser) else None
        index += 1 + values
    return None


def _option_values(parser: argparse.ArgumentParser, token: str) -> int | None:
    """How many of the following words the option ``token`` takes (0 for a flag, or when its value
    is attached: ``--from=2019``, ``-n5``); None when ``token`` is no option of ``parser``."""
    known = parser._option_string_actions  # option string -> action (argparse's own table)
    if not token.startswith("-") or token == "-":
        return None
    if token.startswith("--"):
        name, attached, _value = token.partition("=")
        matches = [name] if name in known else [o for o in known if o.startswith("--") and o.startswith(name)]
        if len(set(map(known.get, matches))) != 1:
            return 0  # not an option of this command, or an ambiguous abbreviation: argparse says which
        return 0 if attached else _arity(known[matches[0]])
    if token in known:
        return _arity(known[token])
    short, tail = token[:2], token[2:]
    action = known.get(short)
    if action is not None and _arity(action) and re.fullmatch(r"=?-?\d+", tail):
        return 0  # -n5, -n=5: a value attached to a short option
    if action is not None and not _arity(action) and set(tail) == {short[1]}:
        return 0  # -vv: a flag repeated
    return None  # -paris, -nature: a word that leaves something out


def _arity(action: argparse.Action) -> int:
    """How many words an option takes after it (the options of these commands take 0 or 1)."""
    if isinstance(action.nargs, int):
        return action.nargs
    return 0 if action.nargs in ("?", "*") else 1
