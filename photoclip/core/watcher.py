"""Watching the library's folders with watchdog and turning bursts of events into rescans.

File events are not trusted one by one (editors write temporary files, copies arrive in pieces,
some file systems drop events). They only say *where* to look: the watcher collects the folders
touched, waits until the burst has been quiet for ``debounce_s``, and hands the indexer a map of
root id -> folders to rescan. The rescan compares disk and catalog as a full scan does, so a move
is still recognised by its bytes and nothing is missed if events were.

Roots are also polled every ``poll_s`` for coming and going (an unplugged drive, a share that
reconnects), which no file event reports.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from photoclip.core.catalog import Root
from photoclip.core.images import is_supported

log = logging.getLogger(__name__)

#: Called (from the watcher's thread) with root id -> relative folders to rescan ('' = the root).
RescanCallback = Callable[[dict[int, list[str]]], None]


class FolderWatcher:
    """Watches roots; calls ``on_rescan`` after each quiet burst of changes."""

    def __init__(self, on_rescan: RescanCallback, *, debounce_s: float = 1.0, poll_s: float = 5.0) -> None:
        self.on_rescan = on_rescan
        self.debounce_s = debounce_s
        self.poll_s = poll_s
        self._roots: dict[int, Root] = {}
        self._watches: dict[int, object] = {}
        self._present: dict[int, bool] = {}
        self._dirty: dict[int, set[str]] = {}
        self._last_event = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._observer: Any = None  # a watchdog Observer once started
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Starts the observer and the debounce thread."""
        from watchdog.observers import Observer

        self._observer = Observer()
        self._observer.daemon = True
        self._observer.start()
        self._thread = threading.Thread(target=self._loop, name="photoclip-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stops watching (pending changes are dropped; the next scan finds them)."""
        self._stop.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def set_roots(self, roots: list[Root]) -> None:
        """Watches exactly these roots (call again when roots are added or removed)."""
        with self._lock:
            wanted = {r.id: r for r in roots}
            for root_id in list(self._watches):
                if root_id not in wanted or wanted[root_id].path != self._roots[root_id].path:
                    self._unschedule(root_id)
            self._roots = wanted
            for root in roots:
                self._present.setdefault(root.id, root.path.is_dir())
                if root.id not in self._watches and root.path.is_dir():
                    self._schedule(root)

    # -- watchdog ----------------------------------------------------------------------------
    def _schedule(self, root: Root) -> None:
        from watchdog.events import FileSystemEventHandler

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: object) -> None:
                if getattr(event, "event_type", "") in ("opened", "closed_no_write"):
                    return
                for attr in ("src_path", "dest_path"):
                    path = getattr(event, attr, "")
                    if path:
                        watcher._touch(root, os.fsdecode(path), bool(getattr(event, "is_directory", False)))

        try:
            self._watches[root.id] = self._observer.schedule(Handler(), str(root.path), recursive=True)
        except OSError as exc:  # too many watches, a folder that just vanished
            log.warning("cannot watch %s: %s (it is still rescanned every %s s)", root.path, exc, self.poll_s)

    def _unschedule(self, root_id: int) -> None:
        watch = self._watches.pop(root_id, None)
        if watch is not None and self._observer is not None:
            with contextlib.suppress(KeyError, OSError):
                self._observer.unschedule(watch)

    def _touch(self, root: Root, path: str, is_directory: bool) -> None:
        """Records that something changed at ``path`` under ``root``."""
        try:
            rel = Path(path).relative_to(root.path).as_posix()
        except ValueError:
            return
        if rel == ".":
            rel = ""
        parts = rel.split("/") if rel else []
        if any(p.startswith(".") for p in parts[:-1]):
            return  # inside a hidden folder
        if not is_directory and parts and not is_supported(parts[-1]):
            if "." in parts[-1]:
                return  # another kind of file, or a hidden temporary one
            is_directory = True  # no extension: perhaps a folder whose deletion was reported as a file
        folder = rel if is_directory else rel.rpartition("/")[0]
        with self._lock:
            self._dirty.setdefault(root.id, set()).add(folder)
            self._last_event = time.monotonic()

    # -- the debounce loop -------------------------------------------------------------------
    def _loop(self) -> None:
        last_poll = time.monotonic()
        while not self._stop.wait(0.1):
            now = time.monotonic()
            if now - last_poll >= self.poll_s:
                last_poll = now
                self._poll_roots()
            with self._lock:
                if not self._dirty or now - self._last_event < self.debounce_s:
                    continue
                batch = {root_id: _outermost(folders) for root_id, folders in self._dirty.items()}
                self._dirty.clear()
            try:
                self.on_rescan(batch)
            except Exception:  # the watcher must outlive a failing callback
                log.exception("rescan callback failed")

    def _poll_roots(self) -> None:
        """Notices roots that went offline or came back (no file event says so)."""
        with self._lock:
            roots = list(self._roots.values())
        for root in roots:
            present = root.path.is_dir() and _has_entries(root.path)
            with self._lock:
                before = self._present.get(root.id)
                self._present[root.id] = present
                if present != before:
                    if present and root.id not in self._watches:
                        self._schedule(root)
                    elif not present:
                        self._unschedule(root.id)
                    self._dirty.setdefault(root.id, set()).add("")
                    self._last_event = 0.0  # no need to wait for more events

    def flush_now(self) -> None:
        """Delivers pending changes at once (used on shutdown and by tests)."""
        with self._lock:
            self._last_event = 0.0


def _has_entries(path: Path) -> bool:
    try:
        return any(os.scandir(path))
    except OSError:
        return False


def _outermost(folders: set[str]) -> list[str]:
    """Drops folders inside other folders of the set (their parent's rescan covers them)."""
    if "" in folders:
        return [""]
    kept: list[str] = []
    for folder in sorted(folders, key=len):
        if not any(folder == k or folder.startswith(k + "/") for k in kept):
            kept.append(folder)
    return sorted(kept)
