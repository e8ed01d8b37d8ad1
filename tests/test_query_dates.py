"""Dates in the search box, read against a fixed today: each kind of expression, the words left for
the model, the words that must stay words."""

import datetime as dt

import pytest

from photoclip.core.date_filter import DateFilter
from photoclip.core.query import parse_query
from photoclip.core.query_dates import find_dates, strip_dates

NOW = dt.datetime(2024, 7, 15, 10, 30)  # a Monday in summer
D = dt.date


def no_images(_text):
    return None


@pytest.mark.parametrize(
    ("query", "left", "start", "end", "months"),
    [
        # years
        ("beach 2019", "beach", D(2019, 1, 1), D(2020, 1, 1), ()),
        ("2019", "", D(2019, 1, 1), D(2020, 1, 1), ()),
        ("party '19", "party", D(2019, 1, 1), D(2020, 1, 1), ()),
        ("2025", "", D(2025, 1, 1), D(2026, 1, 1), ()),  # next year is still a year
        # ISO months, days and ranges
        ("2019-06", "", D(2019, 6, 1), D(2019, 7, 1), ()),
        ("cake 2019-06-01", "cake", D(2019, 6, 1), D(2019, 6, 2), ()),
        ("2019/06/01", "", D(2019, 6, 1), D(2019, 6, 2), ()),
        ("2018..2020", "", D(2018, 1, 1), D(2021, 1, 1), ()),
        ("2018-2020", "", D(2018, 1, 1), D(2021, 1, 1), ()),
        ("2019-06..2019-08", "", D(2019, 6, 1), D(2019, 9, 1), ()),
        ("from 2018 to 2020 snow", "snow", D(2018, 1, 1), D(2021, 1, 1), ()),
        ("between 2018 and 2020", "", D(2018, 1, 1), D(2021, 1, 1), ()),
        ("june to august 2019", "", D(2019, 6, 1), D(2019, 9, 1), ()),
        ("since 2019", "", D(2019, 1, 1), None, ()),
        ("after 2019", "", D(2020, 1, 1), None, ()),
        ("before 2019", "", None, D(2019, 1, 1), ()),
        ("until 2019", "", None, D(2020, 1, 1), ()),
        # months and days of a year
        ("december 2019", "", D(2019, 12, 1), D(2020, 1, 1), ()),
        ("dec. 2019, beach", "beach", D(2019, 12, 1), D(2020, 1, 1), ()),
        ("may 5 2019", "", D(2019, 5, 5), D(2019, 5, 6), ()),
        ("25th of december 2019", "", D(2019, 12, 25), D(2019, 12, 26), ()),
        # a month or a season alone: every year
        ("snow in december", "snow", None, None, (12,)),
        ("dec", "", None, None, (12,)),
        ("snow in march", "snow", None, None, (3,)),
        ("summer", "", None, None, (6, 7, 8)),
        ("from june to august", "", None, None, (6, 7, 8)),
        ("november to february", "", None, None, (1, 2, 11, 12)),
        # seasons of a year: winter is named by the year of its January
        ("winter 2018", "", D(2017, 12, 1), D(2018, 3, 1), ()),
        ("in the summer of '19", "", D(2019, 6, 1), D(2019, 9, 1), ()),
        ("the 90s", "", D(1990, 1, 1), D(2000, 1, 1), ()),
        ("1990s", "", D(1990, 1, 1), D(2000, 1, 1), ()),
        # relative to NOW
        ("sunset last summer", "sunset", D(2023, 6, 1), D(2023, 9, 1), ()),
        ("this summer", "", D(2024, 6, 1), D(2024, 9, 1), ()),
        ("last winter", "", D(2023, 12, 1), D(2024, 3, 1), ()),
        ("last fall", "", D(2023, 9, 1), D(2023, 12, 1), ()),
        ("last december", "", D(2023, 12, 1), D(2024, 1, 1), ()),
        ("today", "", D(2024, 7, 15), D(2024, 7, 16), ()),
        ("yesterday", "", D(2024, 7, 14), D(2024, 7, 15), ()),
        ("this week", "", D(2024, 7, 15), D(2024, 7, 22), ()),
        ("last week", "", D(2024, 7, 8), D(2024, 7, 15), ()),
        ("last weekend", "", D(2024, 7, 13), D(2024, 7, 15), ()),
        ("this month", "", D(2024, 7, 1), D(2024, 8, 1), ()),
        ("last month", "", D(2024, 6, 1), D(2024, 7, 1), ()),
        ("this year", "", D(2024, 1, 1), D(2025, 1, 1), ()),
        ("dogs last year", "dogs", D(2023, 1, 1), D(2024, 1, 1), ()),
        ("2 years ago", "", D(2022, 1, 1), D(2023, 1, 1), ()),
        ("a month ago", "", D(2024, 6, 1), D(2024, 7, 1), ()),
        ("three days ago", "", D(2024, 7, 12), D(2024, 7, 13), ()),
        ("last 3 months", "", D(2024, 4, 15), D(2024, 7, 16), ()),
        ("past week", "", D(2024, 7, 9), D(2024, 7, 16), ()),
        ("photos from last summer", "photos", D(2023, 6, 1), D(2023, 9, 1), ()),
        ("since march", "", D(2024, 3, 1), None, ()),
    ],
)
def test_each_kind_of_date_expression(query, left, start, end, months):
    found, text = find_dates(query, NOW)
    assert found is not None, query
    assert (found.start, found.end, found.months) == (start, end, months)
    assert text == left


@pytest.mark.parametrize(
    "query",
    [
        "2:red 4 circles",  # a weight and a count, not years
        "1000 lanterns",
        "2026",  # further than next year
        "a protest march",  # month names that are also words need a date beside them
        "hot spring",
        "may the force",
        "in her 20s",  # an age, not a decade
        '"2019 beach"',  # quoted
        "tag:2019 beach",
        "folder:2019 x",
        'folder:"summer 2019" lake',
        "beach -2019",  # after an operator
        "~/Pictures/2019/cat.jpg",
    ],
)
def test_words_that_only_look_like_dates_stay_words(query):
    found, text = find_dates(query, NOW)
    assert found is None and text == query


def test_date_words_leave_the_visual_query_and_the_rest_stays_as_typed():
    query = parse_query('snow in december + "a - b" -people', no_images, now=NOW)
    assert [(t.weight, t.text) for t in query.terms] == [(1.0, "snow"), (1.0, "a - b"), (-1.0, "people")]
    assert query.dates == DateFilter(months=(12,), words=("in december",))
    assert query.dates.describe() == "December of any year"


def test_a_query_that_is_only_a_date_has_nothing_to_rank_by():
    query = parse_query("2019", no_images, now=NOW)
    assert query.is_empty and query.terms == ()
    assert query.dates.describe() == "2019-01-01 – 2019-12-31"


def test_tags_and_dates_together():
    query = parse_query("tag:beach sunset 2019", no_images, now=NOW)
    assert query.tags == ("beach",) and [t.text for t in query.terms] == ["sunset"]
    assert query.dates.start == D(2019, 1, 1)


def test_several_dates_narrow_each_other():
    found, _ = find_dates("december 2018..2020", NOW)
    assert (found.start, found.end, found.months) == (D(2018, 1, 1), D(2021, 1, 1), (12,))
    assert found.describe() == "2018-01-01 – 2020-12-31, in December"
    apart, _ = find_dates("2018 2019", NOW)
    assert apart.matches_nothing and apart.describe().startswith("no date")
    assert find_dates("june 2019 in december", NOW)[0].matches_nothing


def test_southern_hemisphere_seasons():
    found, _ = find_dates("summer", NOW, hemisphere="south")
    assert found.months == (1, 2, 12)
    found, _ = find_dates("summer 2019", NOW, hemisphere="south")
    assert (found.start, found.end) == (D(2018, 12, 1), D(2019, 3, 1))


def test_taking_the_date_chip_off_leaves_the_other_words():
    assert strip_dates("sunset last summer at the lake", NOW) == "sunset at the lake"
    assert strip_dates("2019", NOW) == ""
    assert strip_dates("no dates here", NOW) == "no dates here"


def test_narrowing_search_filters_is_an_intersection():
    seconds = lambda d: dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp()  # noqa: E731
    year = DateFilter(D(2019, 1, 1), D(2020, 1, 1))
    assert year.narrow(seconds(D(2019, 7, 1)), None) == (seconds(D(2019, 7, 1)), seconds(D(2020, 1, 1)), ())
    assert year.narrow(None, seconds(D(2018, 1, 1)))[0] >= year.narrow(None, seconds(D(2018, 1, 1)))[1]
    december = DateFilter(months=(12,))
    assert december.narrow(None, None, (11, 12)) == (None, None, (12,))
    assert december.narrow(None, None, (6,)) == (0.0, 0.0, ())  # nothing passes


def test_a_left_out_date_is_left_out_not_kept():
    """ "red - in november" kept only November's photos; "beach -last summer" left out "last" and
    kept the summers; "- 2018 2019" left out nothing (the two years have no day in common)."""
    from photoclip.core.query_left_out_dates import strip_query_dates

    year = lambda y: (D(y, 1, 1), D(y + 1, 1, 1), ())  # noqa: E731
    for query, terms, left_out in (
        ("red - in november", [(1.0, "red")], [(None, None, (11,))]),
        ("red -in november", [(1.0, "red")], [(None, None, (11,))]),
        ("beach -2019 sunset", [(1.0, "beach sunset")], [year(2019)]),
        ("beach -last summer", [(1.0, "beach")], [(D(2023, 6, 1), D(2023, 9, 1), ())]),
        ("a circle -since 2019", [(1.0, "a circle")], [(D(2019, 1, 1), None, ())]),
        ("a circle -december 2019", [(1.0, "a circle")], [(D(2019, 12, 1), D(2020, 1, 1), ())]),
        ("a circle -2018 2019", [(1.0, "a circle")], [year(2018)]),  # 2019 kept, see below
        ("a circle - 2018 2019", [(1.0, "a circle")], [year(2018), year(2019)]),
        ("beach - people in 2019", [(1.0, "beach"), (-1.0, "people")], [year(2019)]),
        ('a circle - "sunset" 2019', [(1.0, "a circle"), (-1.0, "sunset")], [year(2019)]),
        ("a circle - 2:sunset 2019", [(1.0, "a circle"), (-2.0, "sunset")], [year(2019)]),
        ('beach -"2019"', [(1.0, "beach"), (-1.0, "2019")], []),  # quoted: the words
        ("beach -2:2019", [(1.0, "beach"), (-2.0, "2019")], []),  # weighted: a term
    ):
        parsed = parse_query(query, now=NOW)
        assert [(t.weight, t.text) for t in parsed.terms] == terms, query
        assert [(d.start, d.end, d.months) for d in parsed.without_dates] == left_out, query
        assert (parsed.dates is None) == (query != "a circle -2018 2019"), query
    # bounds after one minus make one range, as they do kept
    for query in ("red - since 2019 until 2020", "red -since 2019 until 2020", "red - after 2018 before 2021"):
        parsed = parse_query(query, now=NOW)
        assert [(d.start, d.end) for d in parsed.without_dates] == [(D(2019, 1, 1), D(2021, 1, 1))], query
        assert [t.text for t in parsed.terms] == ["red"] and parsed.dates is None, query
    both = parse_query("snow in december -2019", now=NOW)
    assert both.dates.months == (12,) and both.without_dates[0].start == D(2019, 1, 1)
    # one chip taken off takes its own words out, not the other's
    assert strip_query_dates("snow in december -2019", NOW) == "snow -2019"
    assert strip_query_dates("snow in december -2019", NOW, left_out=True) == "snow in december"
    assert strip_query_dates("beach - 2019", NOW, left_out=True) == "beach"
    assert strip_query_dates("beach -november sunset", NOW, left_out=True) == "beach sunset"
    # one left-out chip taken off: only its date goes
    assert strip_query_dates("beach - 2018 2019", NOW, left_out=True, words="2019") == "beach - 2018"
    assert strip_query_dates("red since 2018 -december -2019", NOW, left_out=True, words="december") == (
        "red since 2018 -2019"
    )
    assert strip_query_dates("red -2019 sunset", NOW, left_out=True, words="2019") == "red sunset"


def test_a_year_after_a_minus_inside_an_images_name_stays_in_the_name(tmp_path):
    """The query "red + trips/a -2019 b.png" names a file: its "-2019" was taken for a left-out date
    and the image became the words "trips/a b.png"."""
    image = tmp_path / "trips" / "a -2019 b.png"
    image.parent.mkdir()
    image.write_bytes(b"")
    named = {"trips/a -2019 b.png": image}
    parsed = parse_query("red + trips/a -2019 b.png", is_image=lambda t: named.get(t.strip()), now=NOW)
    assert [(t.text, t.image) for t in parsed.terms] == [("red", None), (None, image)]
    assert parsed.without_dates == ()
