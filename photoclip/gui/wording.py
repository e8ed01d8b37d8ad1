"""How the window says things: counts with the right plural, and a model problem in the window's
words.

The core's messages are written for both faces, and their advice often names a command line
("photoclip models --download", "--weights FILE"). In the window the same advice is a button, so
the cause is kept and the advice is told again in terms of what the window offers.
"""

from __future__ import annotations

import re
from pathlib import Path

from photoclip.core.formatting import plural as plural  # where the window finds it

#: Advice meant for a terminal or for photoclip's own files: the window says it its own way.
_TERMINAL_ADVICE = re.compile(
    r"'photoclip |photoclip --|--weights|--download|--model|run the command again|run: photoclip"
    r"|\(photoclip-tiny\)|photoclip_HF_ENDPOINT|remove it and let photoclip|delete it",
    re.IGNORECASE,
)
#: What a user's own file must never be told: photoclip did not make it and cannot fetch it again.
_ABOUT_OUR_FILES = re.compile(r"download(ed)? (the model )?again|fetch the model again|remove it|delete it", re.I)


def _sentences(text: str) -> list[str]:
    """Sentences and lines of ``text``; a full stop inside brackets (a quoted error) splits nothing."""
    found, current, depth = [], [], 0
    for i, char in enumerate(text):
        current.append(char)
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        following = text[i + 1 : i + 3]
        ends = char in ".!?" and depth == 0 and (following[:1] == "\n" or re.match(r"\s[A-Z•]", following))
        if char == "\n" or ends:
            found.append("".join(current))
            current = []
    found.append("".join(current))
    return [s.strip().lstrip("•").strip() for s in found if s.strip().lstrip("•").strip()]


def without_terminal_advice(text: str) -> str:
    """``text`` without the sentences that tell what to type in a terminal (for the status bar)."""
    kept = [s for s in _sentences(text) if not _TERMINAL_ADVICE.search(s)]
    return " ".join(kept) if kept else text.splitlines()[0] if text else text


def model_problem(text: str, *, users_file: Path | str | None = None, old_model: str | None = None) -> str:
    """A model's failure to load or download (``text``: the core's message) in the window's words.

    The cause is kept; advice that names a command line is left out, and so is advice to delete
    or download again a file the user chose (``users_file``): photoclip did not make that file.
    What to do next is said with the window's buttons, and when another model (``old_model``) still
    answers searches, that it does.
    """

    def wanted(part: str) -> bool:
        return not _TERMINAL_ADVICE.search(part) and not (users_file and _ABOUT_OUR_FILES.search(part))

    kept = []
    for sentence in _sentences(text):
        clauses = [c for c in sentence.rstrip(".").split("; ") if wanted(c)]
        if clauses:
            kept.append("; ".join(clauses).rstrip(".") + ".")
    if not kept:
        kept = [_sentences(text)[0]] if text.strip() else ["The model could not be loaded."]
    if users_file is not None:
        advice = (
            f"photoclip did not use {Path(users_file).name} and did not remember it. "
            "Choose another model file, or download the model."
        )
    elif re.search(r"could not download|download stopped|connection", text, re.I):
        advice = "Check the network connection, then try again: a download that stopped goes on where it was."
    else:
        advice = "Download the model again, or choose model files you already have."
    if old_model:
        advice += f" Until then, searches use {old_model}, as before."
    return " ".join(kept) + "\n\n" + advice
