"""Paths as the catalog stores them: losslessly, whatever bytes a file name holds."""

from __future__ import annotations


def glob_escape(text: str) -> str:
    """``text`` as a literal in an SQLite GLOB pattern (which is case-sensitive, unlike LIKE)."""
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in text)


def db_text(text: str) -> str | bytes:
    """A path (or part of one) as the catalog stores it, losslessly.

    On POSIX a file name is bytes, and Python hands names that are not valid UTF-8 over as text
    with lone surrogates, which SQLite cannot store as text. Those are stored as their original
    bytes (a BLOB) instead; :func:`from_db` turns either back into the same Python string.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")
    return text


def from_db(value: str | bytes) -> str:
    """The Python string of a stored path (see :func:`db_text`)."""
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


def in_folder(folder: tuple[int, str]) -> tuple[str, list[object]]:
    """A WHERE clause on ``photos p`` (and its parameters) for a root's folder, sub-folders included."""
    root_id, rel = folder[0], folder[1].strip("/")
    if not rel:
        return "p.root_id = ?", [root_id]
    like = rel.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"
    return "p.root_id = ? AND (p.folder = ? OR p.folder LIKE ? ESCAPE '\\')", [root_id, db_text(rel), db_text(like)]
