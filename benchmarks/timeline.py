"""The timeline of a 100k-photo library: month buckets, the date-ordered list, date filters.

    python benchmarks/timeline.py [--photos 100000] [--repeat 20]

Builds (once) a real SQLite catalog of ``--photos`` readable photos with dates spread over 20
years (2% with none), rows inserted directly: no files, no vectors, no model. Then times, p50 and
p95 in ms: ``Library.timeline()`` (year/month buckets counted by SQL), the date-ordered ids an
empty search lists, ``Library.timeline(ids)`` over those ids (buckets from a list), and browsing
by a date in the query ("2019", "in december"). Each case is timed without the index of photos by
date (``photos_taken``, dropped for the measurement: a catalog before schema 6) and with it (put
back, as every catalog has it since), alternating rounds in one run, so the ratio holds on a busy
machine.
"""

from __future__ import annotations

import argparse
import datetime as dt

import numpy as np
from common import BENCH_DIR, percentiles, timed

from photoclip.core.library import Library


def build(photos: int) -> Library:
    """A library whose catalog holds ``photos`` dated photos (built once, then reused)."""

    root = BENCH_DIR / f"timeline-{photos}"
    marker = root / ".built"
    library = Library.open(root / "library", cache=root / "cache", model="photoclip-tiny")
    if marker.exists():
        return library
    catalog = library.catalog
    folder = catalog.add_root(root / "photos")
    catalog.add_pending(folder.id, ((f"{i // 1000:03d}/IMG_{i:06d}.jpg", 3_000_000, 1) for i in range(photos)))
    rng = np.random.default_rng(5)
    start = dt.datetime(2004, 1, 1, tzinfo=dt.timezone.utc).timestamp()
    taken = start + rng.random(photos) * 20 * 365.25 * 86400
    undated = rng.random(photos) < 0.02
    ids = catalog.filter_photo_ids()
    with catalog.transaction() as conn:
        conn.executemany(
            "UPDATE photos SET status = 'ok', taken_at = ?, date_source = ? WHERE id = ?",
            [
                (None if no_date else float(t), None if no_date else ("exif" if k % 7 else "file"), int(i))
                for k, (i, t, no_date) in enumerate(zip(ids, taken, undated, strict=True))
            ],
        )
    marker.touch()
    return library


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    library = build(args.photos)
    everything = library.search("", limit=10**9, sort="date")
    buckets = library.timeline()
    assert [b.position for b in library.timeline(everything.ids)] == [b.position for b in buckets]
    print(f"  {len(everything.ids):,} photos in {len(buckets)} months (photos with no date: {buckets[-1].count:,})")
    cases = [
        ("Library.timeline(): month buckets by SQL", lambda: library.timeline()),
        ('library.search(""): every id, newest first', lambda: library.search("", limit=10**9, sort="date")),
        ("Library.timeline(ids) over those ids", lambda: library.timeline(everything.ids)),
        ('library.search("2019"): browse a year', lambda: library.search("2019", limit=10**9, sort="date")),
        ('library.search("in december"): every December', lambda: library.search("in december", limit=10**9)),
    ]
    times: dict[tuple[str, bool], list[float]] = {(name, i): [] for name, _c in cases for i in (False, True)}
    rounds = 4  # alternate without / with, so both see the same machine
    for _round in range(rounds):
        for indexed in (False, True):
            with library.catalog.transaction() as conn:
                if indexed:
                    conn.execute("CREATE INDEX IF NOT EXISTS photos_taken ON photos (taken_at, status)")
                else:
                    conn.execute("DROP INDEX IF EXISTS photos_taken")
            for name, call in cases:
                call()  # warm
                times[name, indexed] += timed(call, max(1, args.repeat // rounds))
    print(f"  {'':48} {'without the index':>22}   {'with it (schema 6)':>22}   ratio")
    for name, _call in cases:
        before, after = percentiles(times[name, False]), percentiles(times[name, True])
        print(
            f"  {name:48} p50 {before[0]:7.1f} p95 {before[1]:7.1f}   p50 {after[0]:7.1f} p95 {after[1]:7.1f}"
            f"   {before[0] / after[0]:5.1f}×"
        )
    library.close()


if __name__ == "__main__":
    main()
