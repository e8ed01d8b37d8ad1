"""Bringing photos indexed by an older photoclip up to date with the words search looks for.

Run by every index run (``Library.update``), after the new photos are indexed; it costs nothing
once done. Two things can be missing:

* the words of folder and file names (after the catalog upgrade that added them, or a change in
  how words are made): made again from the catalog alone, no file is read;
* the camera, lens and place of photos read before those were kept: each such file's headers are
  read (no pixels are decoded), a few threads at a time, in batches that are stored as they
  finish, so a stopped run keeps what it read and the next one carries on. A file that cannot be
  read now (an unplugged drive) is tried again at the next run.
"""

from __future__ import annotations

import concurrent.futures as futures
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from photoclip.core import catalog_words as cw
from photoclip.core.exif_text import from_file

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog

log = logging.getLogger(__name__)

BATCH = 256


def backfill(catalog: Catalog, stop: threading.Event | None = None, workers: int = 4) -> int:
    """Makes missing words and reads missing camera, lens and place; returns how many files were read."""
    if catalog.read_only:
        return 0
    if not cw.words_current(catalog):
        count = cw.make_all_words(catalog)
        log.info("made the words of %d photos' names", count)
    read = 0
    after = 0
    with futures.ThreadPoolExecutor(max(1, workers), thread_name_prefix="photoclip-metadata") as pool:
        while not (stop is not None and stop.is_set()):
            batch = cw.photos_without_texts(catalog, after, BATCH)
            if not batch:
                break
            after = batch[-1][0]
            texts = pool.map(lambda row: (row[0], from_file(Path(row[1]) / row[2])), batch)
            found = [(photo_id, *text.texts()) for photo_id, text in texts if text is not None]
            if found:
                cw.store_texts(catalog, found)
            read += len(found)
    if read:
        log.info("read the camera, lens and place of %d photos indexed before they were kept", read)
    return read
