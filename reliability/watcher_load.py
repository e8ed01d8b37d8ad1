"""The folder watcher under load: thousands of files copied in bursts, a folder renamed, files deleted.

    python reliability/watcher_load.py [--copies 5000] [--renamed 1000] [--deleted 1000]

A real watchdog observer watches the library's folder and feeds rescans to photoclip's own
indexing queue (``IndexQueue``, which the desktop app runs behind its progress bar). When
everything has settled, the catalog must match the disk exactly: every file there once (and
indexed), nothing that is gone, and the photos of the renamed folder still the same photos (same
ids, same vectors: moved, not re-embedded).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _pictures(folder: Path, count: int, seed: int) -> list[Path]:
    from photoclip.smallclip.shapes import generate_folder

    return [p for p, _ in generate_folder(folder, count, seed=seed, size_range=(48, 160), descriptive_names=False)]


def run_watch_load(
    library: object,
    workdir: Path,
    copies: int = 5000,
    renamed: int = 1000,
    deleted: int = 1000,
    bursts: int = 10,
    timeout: float = 1800,
) -> dict:
    """Does the whole exercise on ``library``; returns what was checked."""
    from photoclip.core.index_queue import IndexQueue
    from photoclip.core.watcher import FolderWatcher

    watched = workdir / "watched"
    source = workdir / "source"
    _pictures(watched / "to-rename", renamed, seed=1)
    _pictures(watched / "to-delete", deleted, seed=2)
    incoming = _pictures(source, copies, seed=3)
    root = library.add_root(watched)
    library.update()
    before = {
        p.relpath.split("/", 1)[1]: p.id
        for p in library.catalog.photos_by_ids(library.catalog.filter_photo_ids().tolist())
        if p.relpath.startswith("to-rename/")
    }
    vectors_before = {pid: library.catalog.vector(pid, library.spec.id) for pid in before.values()}

    failures: list[str] = []
    queue = IndexQueue(library, on_failed=failures.append)
    watcher = FolderWatcher(queue.rescan, debounce_s=0.5, poll_s=2.0)
    watcher.start()
    watcher.set_roots(library.roots())
    started = time.monotonic()
    try:
        per_burst = max(1, len(incoming) // bursts)
        for start in range(0, len(incoming), per_burst):
            target = watched / "incoming" / f"burst-{start // per_burst:02d}"
            target.mkdir(parents=True, exist_ok=True)
            for path in incoming[start : start + per_burst]:
                shutil.copy(path, target / path.name)
            time.sleep(0.3)
        (watched / "to-rename").rename(watched / "renamed-album")
        for path in (watched / "to-delete").iterdir():
            path.unlink()
        # Settled: nothing left to rescan for a few debounce periods in a row.
        quiet_since = None
        while time.monotonic() - started < timeout:
            if queue.idle():
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 3.0:
                    break
            else:
                quiet_since = None
            time.sleep(0.2)
    finally:
        watcher.stop()
        queue.shutdown(timeout=60)
    if failures:
        raise RuntimeError(f"indexing failed while watching: {failures[0]}")
    on_disk = {p.relative_to(watched).as_posix() for p in watched.rglob("*") if p.is_file()}
    photos = library.catalog.photos_by_ids(library.catalog.filter_photo_ids(roots=[root.id]).tolist())
    in_catalog = [p.relpath for p in photos]
    after = {p.relpath.split("/", 1)[1]: p.id for p in photos if p.relpath.startswith("renamed-album/")}
    kept = after == before and all(
        (library.catalog.vector(pid, library.spec.id) == vectors_before[pid]).all() for pid in after.values()
    )
    return {
        "seconds": round(time.monotonic() - started, 1),
        "files_on_disk": len(on_disk),
        "photos_in_catalog": len(in_catalog),
        "catalog_matches_disk": set(in_catalog) == on_disk and len(in_catalog) == len(set(in_catalog)),
        "all_embedded": library.catalog.embedding_count(library.spec.id) == len(on_disk),
        "renamed_kept_vectors": kept,
    }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=5000)
    parser.add_argument("--renamed", type=int, default=1000)
    parser.add_argument("--deleted", type=int, default=1000)
    parser.add_argument("--bursts", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from photoclip.core.library import Library

    with tempfile.TemporaryDirectory(prefix="photoclip-watch-") as tmp:
        library = Library.open(Path(tmp) / "library", cache=Path(tmp) / "cache", model="photoclip-tiny")
        summary = run_watch_load(library, Path(tmp), args.copies, args.renamed, args.deleted, args.bursts)
        library.close()
    print(summary)
    if not (summary["catalog_matches_disk"] and summary["all_embedded"] and summary["renamed_kept_vectors"]):
        raise SystemExit("FAILED")


if __name__ == "__main__":
    main()
