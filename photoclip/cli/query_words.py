"""Lets a search's words start with ``-``: ``photoclip search "-paris"`` and ``search beach -people``.

argparse reads any word that starts with ``-`` as an option, and ``-word`` is how a search leaves
something out (the syntax the README and Help teach). So before argparse sees the command line of
``search``, ``similar`` and ``collection``, every word that is not one of the command's own options
(or an option's value) is moved after a ``--``, in the order typed: argparse then takes them all as
the query (or, for ``collection``, as its action, name and photos: ``collection save "-weird"``).
Real options stay options, ``-n 5`` and ``-n5`` included; ``-nature`` and ``-vintage`` are words,
though argparse alone would read them as ``-n ature`` and ``-v -i …``. Options may also come after
the words (``search beach -people -n 3``), which argparse alone refuses for a query of several words.
An option whose value is a search (``collection save NoParis --query "-paris"``) takes the next word
as that value even when it starts with ``-``, as ``--query=-paris`` would.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence

# The commands whose positional arguments are what the user searches, or names that may start with "-".
COMMANDS = ("search", "similar", "collection")
QUERY_DEST = "query"  # an option storing here takes a search as its value: "-paris" is that value, no option


def words_after_options(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``argv`` with the words of ``search``/``similar``/``collection`` moved after ``--``, and a search
    given to an option attached to it (unchanged for the other commands)."""
    argv = list(argv)
    place = _command_index(parser, argv)
    if place is None:
        return argv
    sub = _subparsers(parser)[argv[place]]
    options: list[str] = []
    words: list[str] = []
    rest = argv[place + 1 :]
    index = 0
    while index < len(rest):
        token, index = rest[index], index + 1
        if token == "--":  # the user's own: everything after it is words already
            words.extend(rest[index:])
            break
        values = _option_values(sub, token)
        if values is None:
            words.append(token)
            continue
        if values == 1 and _takes_query(sub, token):
            value = rest[index] if index < len(rest) else "--"
            if value != "--" and _option_values(sub, value) is None:  # a word, "-paris" too: the search
                options.append(f"{token}={value}")  # argparse takes "--query=-paris" as the value
                index += 1
            else:
                options.append(token)  # no search follows, only an option: argparse says one is missing
            continue
        options.extend([token, *rest[index : index + values]])
        index += values
    return [*argv[: place + 1], *options, *(["--", *words] if words else [])]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The command parsers by name (argparse keeps them on its private subparsers action)."""
    for action in parser._actions:  # argparse has no public way to list them
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _command_index(parser: argparse.ArgumentParser, argv: list[str]) -> int | None:
    """Where one of :data:`COMMANDS` is in ``argv`` (after the top-level options), if it is."""
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


def _long_option(parser: argparse.ArgumentParser, name: str) -> argparse.Action | None:
    """The action of the long option ``name`` or of the one option it abbreviates (``--que``), as
    argparse reads it; None when it is none of them, or could be several."""
    known = parser._option_string_actions  # option string -> action (argparse's own table)
    matches = [name] if name in known else [o for o in known if o.startswith("--") and o.startswith(name)]
    actions = set(map(known.get, matches))
    return actions.pop() if len(actions) == 1 else None


def _takes_query(parser: argparse.ArgumentParser, token: str) -> bool:
    """True when ``token`` is a long option (no value attached) whose value is a search."""
    action = _long_option(parser, token) if token.startswith("--") and "=" not in token else None
    return action is not None and action.dest == QUERY_DEST


def _option_values(parser: argparse.ArgumentParser, token: str) -> int | None:
    """How many of the following words the option ``token`` takes (0 for a flag, or when its value
    is attached: ``--from=2019``, ``-n5``); None when ``token`` is no option of ``parser``."""
    known = parser._option_string_actions  # option string -> action (argparse's own table)
    if not token.startswith("-") or token == "-":
        return None
    if token.startswith("--"):
        name, attached, _value = token.partition("=")
        action = _long_option(parser, name)
        if action is None:
            return 0  # not an option of this command, or an ambiguous abbreviation: argparse says which
        return 0 if attached else _arity(action)
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
