"""Photos by date, the way a user meets them: dates from EXIF or (marked) the file's time, dates in
a query as a filter, the timeline's month buckets, and what the command line prints."""

import datetime as dt
import json

import numpy as np
import pytest
from pictures import date_jpeg, spec_for, write, write_dated

from photoclip.cli.main import main as cli
from photoclip.core.images import wall_clock_seconds
from photoclip.core.query import parse_query
from photoclip.core.search_results import SearchFilters

NOW = dt.date(2024, 7, 15)

# name: (colour, shape, EXIF DateTimeOriginal or None, the file's modification time)
PHOTOS = {
    "xmas-2019": ("red", "circle", "2019:12:24 18:00:00", dt.datetime(2020, 1, 5)),
    "summer-2019": ("red", "circle", "2019:07:10 12:00:00", dt.datetime(2020, 1, 5)),
    "december-2018": ("blue", "square", "2018:12:05 09:30:00", dt.datetime(2019, 2, 1)),
    "spring-2020": ("yellow", "star", "2020:03:01 08:00:00", dt.datetime(2020, 3, 2)),
    "last-summer": ("green", "triangle", "2023:08:20 19:00:00", dt.datetime(2023, 9, 1)),
    "no-exif-2017": ("green", "circle", None, dt.datetime(2017, 6, 15, 14, 0)),
}


def day(photo):
    return dt.datetime.fromtimestamp(photo.taken_at, dt.timezone.utc).date().isoformat()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = write_dated(tmp_path_factory.mktemp("photos"), PHOTOS, 700)
    # A camera that wrote a zeroed DateTimeOriginal: its DateTimeDigitized is the date.
    path = write(folder, "zeroed-original", spec_for("blue", "circle", 790, fmt="JPEG"))
    date_jpeg(path, "0000:00:00 00:00:00", "2016:05:04 10:00:00")
    return folder


@pytest.fixture
def library(folder, open_library):
    library = open_library()
    library.add_root(folder)
    library.update()
    return library


def by_name(results):
    return sorted(h.photo.path.stem for h in results.hits)


def test_dates_come_from_exif_else_the_file_time_marked_as_such(library, folder):
    photos = {h.photo.path.stem: h.photo for h in library.search("", limit=100).hits}
    assert day(photos["xmas-2019"]) == "2019-12-24" and photos["xmas-2019"].date_source == "exif"
    assert day(photos["zeroed-original"]) == "2016-05-04" and photos["zeroed-original"].date_source == "exif"
    fallback = photos["no-exif-2017"]
    assert fallback.date_source == "file" and day(fallback) == "2017-06-15"
    # The file's time is kept as the wall-clock time of this machine, like an EXIF time.
    assert fallback.taken_at == wall_clock_seconds(dt.datetime(2017, 6, 15, 14, 0))


def test_a_date_in_the_query_filters_the_search_and_leaves_the_words(library):
    results = library.search("a red circle 2019", strictness="all", limit=100)
    assert [t.text for t in results.query.terms] == ["a red circle"]
    assert by_name(results) == ["summer-2019", "xmas-2019"]  # every other photo is outside 2019
    in_december = library.search("a circle in december", strictness="all", limit=100)
    assert by_name(in_december) == ["december-2018", "xmas-2019"]


def test_a_month_alone_is_that_month_of_every_year(library):
    assert by_name(library.search("in december", limit=100)) == ["december-2018", "xmas-2019"]
    assert by_name(library.search("summer", limit=100)) == ["last-summer", "no-exif-2017", "summer-2019"]


def test_a_query_that_is_only_a_date_browses_that_period_by_date(library):
    results = library.search("2019", limit=100)
    assert [h.photo.path.stem for h in results.hits] == ["xmas-2019", "summer-2019"]  # newest first
    assert [h.photo.path.stem for h in library.search("2019", sort="date-asc").hits] == ["summer-2019", "xmas-2019"]
    assert library.search("2000..2001").hits == []  # a period with no photos lists none


def test_relative_dates_count_from_the_now_they_are_given(library):
    results = library.search(parse_query("last summer", now=NOW), limit=100)
    assert by_name(results) == ["last-summer"]
    assert by_name(library.search(parse_query("2 years ago", now=dt.date(2021, 2, 1)), limit=100)) == [
        "summer-2019",
        "xmas-2019",
    ]


def test_query_dates_and_the_date_filters_both_apply(library):
    from_july = SearchFilters(date_from=wall_clock_seconds(dt.datetime(2019, 7, 1)))
    results = library.search("2019", filters=from_july, limit=100)
    assert by_name(results) == ["summer-2019", "xmas-2019"]
    until_autumn = SearchFilters(date_to=wall_clock_seconds(dt.datetime(2019, 9, 1)))
    assert by_name(library.search("2019", filters=until_autumn, limit=100)) == ["summer-2019"]
    assert by_name(library.search("2018 2019", limit=100)) == []  # two years at once: none is in both


def test_the_timeline_buckets_months_where_the_date_ordered_list_has_them(library):
    for newest_first, sort in ((True, "date"), (False, "date-asc")):
        ids = library.search("", limit=100, sort=sort).ids
        buckets = library.timeline(newest_first=newest_first)
        assert library.timeline(ids) == buckets
        assert sum(b.count for b in buckets) == len(ids) == len(PHOTOS) + 1
        for bucket in buckets:  # each bucket's photos are the ones its position says
            for photo_id in ids[bucket.position : bucket.position + bucket.count]:
                photo = library.photo(int(photo_id))
                taken = dt.datetime.fromtimestamp(photo.taken_at, dt.timezone.utc)
                assert (taken.year, taken.month) == (bucket.year, bucket.month)
    newest = library.timeline()
    assert [(b.year, b.month, b.count) for b in newest[:2]] == [(2023, 8, 1), (2020, 3, 1)]
    december = library.search("in december", sort="date").ids
    assert [(b.year, b.month, b.position) for b in library.timeline(december)] == [(2019, 12, 0), (2018, 12, 1)]


def test_month_counts_are_the_same_with_and_without_the_date_index(tmp_path):
    from photoclip.core.catalog import Catalog

    catalog = Catalog(tmp_path / "catalog.sqlite3")
    assert catalog._has_date_index()  # a new catalog has it (schema 6)
    root = catalog.add_root(tmp_path)
    catalog.add_pending(root.id, ((f"p{i}.jpg", 1, 1) for i in range(400)))
    rng = np.random.default_rng(1)
    taken = wall_clock_seconds(dt.datetime(2010, 1, 1)) + rng.random(400) * 6 * 365 * 86400
    with catalog.transaction() as conn:
        conn.executemany(
            "UPDATE photos SET status = ?, taken_at = ? WHERE id = ?",
            [("error" if i % 50 == 0 else "ok", None if i % 9 == 0 else float(t), i + 1) for i, t in enumerate(taken)],
        )
    months = taken.astype("datetime64[s]").astype("datetime64[M]").astype(int)
    kept = [i % 50 != 0 and i % 9 != 0 for i in range(400)]
    found, counts = np.unique(months[kept], return_counts=True)
    dated = [(int(m // 12 + 1970), int(m % 12 + 1), int(n)) for m, n in zip(found, counts, strict=True)]
    undated = sum(1 for i in range(400) if i % 9 == 0 and i % 50 != 0)
    expected = [*sorted(dated, reverse=True), (None, None, undated)]
    with catalog.transaction() as conn:
        conn.execute("DROP INDEX IF EXISTS photos_taken")
    assert catalog.month_counts() == expected
    with catalog.transaction() as conn:
        conn.execute("CREATE INDEX photos_taken ON photos (taken_at, status)")
    assert catalog.month_counts() == expected
    assert catalog.month_counts(newest_first=False) == [*expected[-2::-1], expected[-1]]
    catalog.close()


def test_a_left_out_date_leaves_out_the_photos_taken_then(library):
    """ "a circle - 2019" kept only the circles of 2019: the date was read as if it had no minus."""
    every = set(by_name(library.search("a circle", strictness="all", limit=100)))
    assert {"xmas-2019", "summer-2019"} <= every
    for query in ("a circle - 2019", "a circle -2019", "-2019 a circle"):
        results = library.search(query, strictness="all", limit=100)
        assert set(by_name(results)) == every - {"xmas-2019", "summer-2019"}, query
        assert [t.text for t in results.query.terms] == ["a circle"]
    # a month of every year, beside a date that is kept; a photo of no known date is never left out
    assert by_name(library.search("2019 - in december", limit=100)) == ["summer-2019"]
    assert "no-exif-2017" in by_name(library.search("-december", limit=100))
    nothing_else = library.search("a circle 2019 - 2019", limit=100)  # every photo it could list, left out
    assert nothing_else.hits == [] and "taken in the dates this search leaves out" in " ".join(nothing_else.notes)
    assert set(by_name(library.search("- 2019", limit=100))) == set(by_name(library.search("", limit=100))) - {
        "xmas-2019",
        "summer-2019",
    }


def test_the_command_line_says_what_dates_it_understood_and_marks_file_dates(folder, tmp_path, capsys):
    library = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*library, "index", str(folder)]) == 0
    capsys.readouterr()
    assert cli([*library, "search", "a circle 2019", "--relevance", "all", "--json"]) == 0
    captured = capsys.readouterr()
    hits = json.loads(captured.out)  # stdout is only the results
    assert sorted(h["date"] for h in hits) == ["2019-07-10", "2019-12-24"]
    assert {h["date_source"] for h in hits} == {"exif"}
    assert "dates: 2019-01-01 – 2019-12-31 (from '2019')" in captured.err
    # --from/--to and the query's dates both apply.
    assert cli([*library, "search", "2019", "--from", "2019-08", "--paths"]) == 0
    assert [p.rsplit("/", 1)[-1] for p in capsys.readouterr().out.split()] == ["xmas-2019.jpg"]
    assert cli([*library, "search", "a green circle", "--relevance", "all", "--sort", "date"]) == 0
    captured = capsys.readouterr()
    lines = {line.rsplit("/", 1)[-1]: line for line in captured.out.splitlines()}
    assert "~2017-06-15  " in lines["no-exif-2017.jpg"] and " 2019-12-24  " in lines["xmas-2019.jpg"]
    assert "~ before a date: the file's date" in captured.err
    assert cli([*library, "search", "a circle - in december", "--relevance", "all", "--paths"]) == 0
    captured = capsys.readouterr()
    assert "left out: photos taken December of any year (from -'in december')" in captured.err
    assert not {"xmas-2019.jpg", "december-2018.jpg"} & {p.rsplit("/", 1)[-1] for p in captured.out.split()}
