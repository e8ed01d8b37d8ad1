"""The searches a person ran in a library, most recent first: what the search box suggests again.

Kept in a small JSON file beside the library's settings (``search_history.json``), not in the
catalog: it is private, easy to clear or delete by hand, and writing it never waits for the
catalog's writer (an index run may hold that for an hour). The file is read again before every
change, so two windows on one library add to the same list instead of overwriting each other's.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from photoclip.core.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

#: The most searches kept; older ones drop off the end.
HISTORY_LIMIT = 50
#: A search longer than this is not kept (a pasted paragraph is not something to suggest again).
LONGEST = 300


@dataclass(frozen=True)
class PastSearch:
    """One search as it was typed, and when it was last run (seconds since the epoch)."""

    text: str
    at: float


def normalised(text: str) -> str:
    """A search as it is kept: spaces collapsed, ends trimmed ('' for nothing worth keeping)."""
    text = " ".join(text.split())
    return text if len(text) <= LONGEST else ""


class SearchHistory:
    """Recent searches of one library, deduplicated (case aside), most recent first, capped."""

    def __init__(self, path: Path, limit: int = HISTORY_LIMIT) -> None:
        self.path = Path(path)
        self.limit = limit
        self._lock = threading.Lock()

    def entries(self) -> list[PastSearch]:
        """Every kept search, most recent first (none when the file is missing or unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            rows = data["searches"] if isinstance(data, dict) else []
            entries = [PastSearch(str(r["text"]), float(r["at"])) for r in rows if isinstance(r, dict)]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # A damaged history is only suggestions lost: start a new one rather than fail a search.
            log.warning("search history %s unreadable (%s); starting afresh", self.path, exc)
            return []
        entries.sort(key=lambda e: e.at, reverse=True)
        return entries[: self.limit]

    def recent(self, limit: int | None = None) -> list[str]:
        """The kept searches' texts, most recent first."""
        return [e.text for e in self.entries()[:limit]]

    def add(self, text: str, at: float | None = None) -> bool:
        """Puts ``text`` first (an earlier run of the same search, in any case, gives way to it);
        returns False when there was nothing to keep."""
        text = normalised(text)
        if not text:
            return False
        with self._lock:
            key = text.casefold()
            kept = [e for e in self.entries() if e.text.casefold() != key]
            self._write([PastSearch(text, time.time() if at is None else at), *kept][: self.limit])
        return True

    def remove(self, text: str) -> bool:
        """Forgets one search; False when it was not kept (then nothing is written, so a typo can be
        told apart and an empty history leaves no file behind)."""
        key = normalised(text).casefold()
        with self._lock:
            entries = self.entries()
            kept = [e for e in entries if e.text.casefold() != key]
            if len(kept) == len(entries):
                return False
            self._write(kept)
        return True

    def clear(self) -> None:
        """Forgets every search: the file goes (nothing of it is left on disk)."""
        with self._lock:
            self.path.unlink(missing_ok=True)

    def _write(self, entries: list[PastSearch]) -> None:
        data = {"version": 1, "searches": [{"text": e.text, "at": round(e.at, 3)} for e in entries]}
        atomic_write_bytes(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
