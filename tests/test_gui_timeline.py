"""Time in the window, as a user meets it: the timeline (month headers, newest first) when nothing is
typed, the date scrubber, the Dates menu and its chip, a date typed in the search as a chip whose
✕ takes the words out, and dates on the thumbnails (file dates marked). Real widgets, a real
library of photos carrying EXIF dates (one only its file's time), the small model."""

import datetime as dt

import pytest
import test_gui
from pictures import write_dated
from test_gui import wait_idle

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QStyleOptionViewItem

from photoclip.gui.date_labels import photo_date
from photoclip.gui.grid_layout import GridLayout, Section

window = test_gui.window  # the main window fixture, shared with test_gui.py

# name: (colour, shape, EXIF DateTimeOriginal or None, the file's modification time)
PHOTOS = {
    "spring-2020": ("green", "triangle", "2020:03:01 08:00:00", dt.datetime(2020, 3, 2)),
    "xmas-2019": ("red", "circle", "2019:12:24 18:00:00", dt.datetime(2020, 1, 5)),
    "advent-2019": ("blue", "square", "2019:12:02 10:00:00", dt.datetime(2020, 1, 5)),
    "beach-2019": ("red", "circle", "2019:07:10 12:00:00", dt.datetime(2020, 1, 5)),
    "swim-2019": ("yellow", "star", "2019:07:22 16:00:00", dt.datetime(2020, 1, 5)),
    "snow-2018": ("blue", "square", "2018:12:05 09:30:00", dt.datetime(2019, 2, 1)),
    "red-2018": ("red", "circle", "2018:12:20 09:30:00", dt.datetime(2019, 2, 1)),
    "scan-2017": ("green", "circle", None, dt.datetime(2017, 6, 15, 14, 0)),  # no EXIF: the file's time
}
NEWEST_FIRST = [
    ("March 2020", 1),
    ("December 2019", 2),
    ("July 2019", 2),
    ("December 2018", 2),
    ("June 2017", 1),
]


def dated_window(qtbot, window, tmp_path):
    folder = write_dated(tmp_path / "photos", PHOTOS, 900)
    win = window()
    win.resize(1000, 640)
    win.add_folder(folder)
    qtbot.waitUntil(lambda: win.library.status().embedded == len(PHOTOS), timeout=60_000)
    wait_idle(qtbot, win)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.refresh()
    return win


def months_under_headers(win):
    """(header, the months of the photos under it) for each header of the grid."""
    shown = []
    for title, count, start in win.grid.headers():
        photos = [win.photos.photo_at(row) for row in range(start, start + count)]
        days = {dt.datetime.fromtimestamp(p.taken_at, dt.timezone.utc).strftime("%B %Y") for p in photos}
        shown.append((title, days))
    return shown


def stem(win, row):
    return win.photos.photo_at(row).path.stem


def test_with_nothing_typed_the_grid_is_a_timeline_with_month_headers_in_order(qtbot, window, tmp_path):
    win = dated_window(qtbot, window, tmp_path)
    assert win.search_box.text() == ""
    assert [(title, count) for title, count, _start in win.grid.headers()] == NEWEST_FIRST
    assert all({title} == months for title, months in months_under_headers(win))
    # Each year's first month carries the year above it.
    assert [s.year for s in win.grid.cells.sections] == [2020, 2019, None, 2018, 2017]
    # A header sits between months: December's first photo starts below March's cells, and the
    # header's band holds no photo.
    march, december = win.grid.visualRect(win.photos.index(0)), win.grid.visualRect(win.photos.index(1))
    assert december.top() > march.bottom() + 30
    assert not win.grid.indexAt(QPoint(20, march.bottom() + 10)).isValid()
    assert win.grid.scrubber.isVisible()
    assert win.grid.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff  # the scrubber stands in
    win.grid.viewport().repaint()  # headers, cells and the pinned header paint without error

    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search_bar.sort.setCurrentIndex(win.search_bar.sort.findData("date-asc"))
    assert [(title, count) for title, count, _start in win.grid.headers()] == NEWEST_FIRST[::-1]
    assert stem(win, 0) == "scan-2017"


def test_the_arrow_keys_cross_month_headers(qtbot, window, tmp_path):
    win = dated_window(qtbot, window, tmp_path)
    win.grid.setFocus()
    win.grid.setCurrentIndex(win.photos.index(0))
    qtbot.keyClick(win.grid, Qt.Key.Key_Down)  # from March 2020 into December 2019, same column
    assert win.grid.currentIndex().row() == 1
    qtbot.keyClick(win.grid, Qt.Key.Key_Right)
    qtbot.keyClick(win.grid, Qt.Key.Key_Down)  # from December's second photo to July's second
    assert win.grid.currentIndex().row() == 4
    qtbot.keyClick(win.grid, Qt.Key.Key_Up)
    assert win.grid.currentIndex().row() == 2
    qtbot.keyClick(win.grid, Qt.Key.Key_End)
    assert win.grid.currentIndex().row() == len(PHOTOS) - 1
    assert win.grid.viewport().rect().contains(win.grid.visualRect(win.grid.currentIndex()))


def test_clicking_the_scrubber_jumps_to_that_month_and_says_which(qtbot, window, tmp_path):
    win = dated_window(qtbot, window, tmp_path)
    grid, scrubber = win.grid, win.grid.scrubber
    assert grid.verticalScrollBar().maximum() > 0  # taller than the window: there is somewhere to go
    y = scrubber.y_for(2019, 7)
    assert y is not None and scrubber.title_at(y) == "July 2019"
    qtbot.mouseClick(scrubber, Qt.MouseButton.LeftButton, pos=QPoint(20, y + 1))
    july = grid.cells.tops[2]
    assert grid.verticalScrollBar().value() == min(july, grid.verticalScrollBar().maximum())
    assert grid.current_section().title == "July 2019"
    assert stem(win, grid.visible_rows()[0]) in ("beach-2019", "swim-2019")
    assert scrubber.bubble.isVisible() and scrubber.bubble.text() == "July 2019"
    qtbot.mouseClick(scrubber, Qt.MouseButton.LeftButton, pos=QPoint(20, scrubber.y_for(2020, 3)))
    assert grid.verticalScrollBar().value() == 0
    # Scrolling says where the grid is, with the pointer elsewhere.
    QApplication.sendEvent(scrubber, QEvent(QEvent.Type.Leave))
    grid.verticalScrollBar().setValue(grid.cells.tops[1] + 5)
    assert scrubber.bubble.isVisible() and scrubber.bubble.text() == "December 2019"


def test_the_scrubber_draws_the_years_and_follows_a_new_order(qtbot, window, tmp_path):
    win = dated_window(qtbot, window, tmp_path)
    scrubber = win.grid.scrubber

    def strip():
        return scrubber.grab().toImage()

    def inked_rows(image):
        """Rows of the strip, left of the thumb, with anything drawn on them (the years' labels)."""
        base = image.pixel(20, image.height() - 2)
        return {y for y in range(image.height()) for x in range(4, scrubber.WIDTH - 18) if image.pixel(x, y) != base}

    newest = strip()
    assert inked_rows(newest)  # the years are written down the strip
    assert strip() == newest  # drawn the same again while nothing changed (the scale is kept)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search_bar.sort.setCurrentIndex(win.search_bar.sort.findData("date-asc"))
    oldest = strip()
    assert oldest != newest and inked_rows(oldest)  # 2017 now at the top: the scale was drawn again


def test_the_dates_menu_narrows_the_grid_and_its_chip_takes_it_off(qtbot, window, tmp_path):
    win = dated_window(qtbot, window, tmp_path)
    win.dates.menu().aboutToShow.emit()  # opening the menu reads the library's years
    qtbot.waitUntil(lambda: win.dates.years != [], timeout=10_000)
    assert win.dates.years == [(2020, 1), (2019, 4), (2018, 2), (2017, 1)]
    win.dates.fill()
    year = next(a for a in win.dates.menu().actions() if a.text().startswith("2019"))
    label = year.text()
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        year.trigger()
    assert sorted(stem(win, r) for r in range(win.photos.rowCount())) == [
        "advent-2019",
        "beach-2019",
        "swim-2019",
        "xmas-2019",
    ]
    assert [c.text for c in win.chips.chips] == ["Dates: 2019"]
    assert [(t, n) for t, n, _s in win.grid.headers()] == [("December 2019", 2), ("July 2019", 2)]
    win.dates.fill()  # the menu ticks what is chosen
    assert [a.text() for a in win.dates.menu().actions() if a.isChecked()] == [label]
    # The dates stay while the sidebar changes what is shown (a folder), like the search does.
    root = win.library.roots()[0]
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.browser.show_folder(root.id, "")
    assert win.photos.rowCount() == 4 and [c.kind for c in win.chips.chips] == ["folder", "date"]
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.chips.buttons[1].click()
    assert win.photos.rowCount() == len(PHOTOS) and [c.kind for c in win.chips.chips] == ["folder"]


def test_choosing_dates_on_calendars(qtbot, window, tmp_path):
    from PySide6.QtCore import QDate, QTimer

    from photoclip.gui.date_menu import DateRangeDialog

    win = dated_window(qtbot, window, tmp_path)

    def pick():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, DateRangeDialog) and w.isVisible())
        dialog.start.setDate(QDate(2019, 12, 31))  # the other way round: the days are put in order
        dialog.end.setDate(QDate(2019, 7, 15))
        dialog.accept()

    QTimer.singleShot(200, pick)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.dates.pick()
    assert sorted(stem(win, r) for r in range(win.photos.rowCount())) == ["advent-2019", "swim-2019", "xmas-2019"]
    assert [c.text for c in win.chips.chips] == ["Dates: 15 Jul – 31 Dec 2019"]


def test_a_date_typed_in_the_search_is_a_chip_whose_removal_takes_the_words_out(qtbot, window, tmp_path):
    win = dated_window(qtbot, window, tmp_path)
    win.search_bar.relevance.setCurrentIndex(win.search_bar.relevance.findData("all"))
    wait_idle(qtbot, win)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle 2019")
    assert {stem(win, r) for r in range(win.photos.rowCount())} <= {
        "xmas-2019",
        "advent-2019",
        "beach-2019",
        "swim-2019",
    }
    assert stem(win, 0) in ("xmas-2019", "beach-2019")  # still ranked: red circles first
    assert [c.text for c in win.chips.chips] == ["Dates: 2019 (“2019”)"]
    assert win.grid.headers() == [] and win.photos.scores is not None  # ranked, not a timeline
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.chips.buttons[0].click()
    assert win.search_box.text() == "a red circle"
    assert win.photos.rowCount() == len(PHOTOS) and not win.chips.chips
    assert stem(win, 0) in ("xmas-2019", "beach-2019", "red-2018")


def test_a_left_out_date_is_a_chip_that_says_so_and_its_removal_takes_it_out(qtbot, window, tmp_path):
    win = dated_window(qtbot, window, tmp_path)
    win.search_bar.relevance.setCurrentIndex(win.search_bar.relevance.findData("all"))
    wait_idle(qtbot, win)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle - 2019")
    shown = {stem(win, r) for r in range(win.photos.rowCount())}
    assert shown and not shown & {"xmas-2019", "advent-2019", "beach-2019", "swim-2019"}
    assert [c.text for c in win.chips.chips] == ["Not taken 2019 (“-2019”)"]
    assert "Filters:" in [label.text() for label in win.chips.findChildren(QLabel)]  # not "Only in:"
    win.grab().save(str(tmp_path / "left-out.png"))
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.chips.buttons[0].click()
    assert win.search_box.text() == "a red circle"
    assert win.photos.rowCount() == len(PHOTOS) and not win.chips.chips
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle in december -2019")
    texts = [c.text for c in win.chips.chips]
    assert texts == ["Dates: December, any year (“in december”)", "Not taken 2019 (“-2019”)"]
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.chips.buttons[1].click()  # its own words out, the other chip's stay
    assert win.search_box.text() == "a red circle in december"
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle - 2018 2019")
    assert [c.text for c in win.chips.chips] == ["Not taken 2018 (“-2018”)", "Not taken 2019 (“-2019”)"]
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.chips.buttons[1].click()
    assert win.search_box.text() == "a red circle - 2018"


def test_a_date_alone_lists_that_time_as_a_timeline(qtbot, window, tmp_path):
    win = dated_window(qtbot, window, tmp_path)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("in december")
    assert [(t, n) for t, n, _s in win.grid.headers()] == [("December 2019", 2), ("December 2018", 2)]
    assert [c.text for c in win.chips.chips] == ["Dates: December, any year (“in december”)"]


def paint_cell(win, row):
    image = QImage(win.results.delegate.cell, win.results.delegate.cell, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.rect = image.rect()
    option.palette = win.grid.palette()
    win.results.delegate.paint(painter, option, win.photos.index(row))
    painter.end()
    return image


def test_thumbnails_show_their_dates_in_date_order_and_mark_file_dates(qtbot, window, tmp_path):
    win = dated_window(qtbot, window, tmp_path)
    assert win.results.delegate.show_dates  # the timeline is in date order
    last = win.photos.rowCount() - 1
    scan = win.photos.photo_at(last)
    assert scan.path.stem == "scan-2017" and scan.date_source == "file"
    assert photo_date(scan.taken_at, scan.date_source) == "~15 Jun 2017"
    assert photo_date(win.photos.photo_at(0).taken_at, "exif") == "1 Mar 2020"
    tooltip = win.photos.data(win.photos.index(last), Qt.ItemDataRole.ToolTipRole)
    assert "File date 15 Jun 2017" in tooltip
    qtbot.waitUntil(lambda: win.photos.thumbnail_at(last) is not None, timeout=10_000)
    cell = paint_cell(win, last)
    caption = [(x, y) for x in range(cell.width()) for y in range(cell.height() - 20, cell.height() - 6)]
    assert sum(cell.pixel(x, y) != 0xFFFFFFFF for x, y in caption) > 20  # the date's line under the picture

    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle")  # ranked by relevance: no dates, no headers
    assert not win.results.delegate.show_dates and win.grid.headers() == []
    assert not win.grid.scrubber.isVisible()
    assert win.grid.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded

    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search_bar.sort.setCurrentIndex(win.search_bar.sort.findData("date"))
    assert win.results.delegate.show_dates and win.grid.headers()  # a search by date: dates and months


def test_selecting_in_the_timeline(qtbot, window, tmp_path):
    win = dated_window(qtbot, window, tmp_path)
    grid = win.grid
    second = grid.visualRect(win.photos.index(2)).center()
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=second)
    assert [i.row() for i in grid.selectionModel().selectedIndexes()] == [2]
    header = QPoint(20, grid.visualRect(win.photos.index(0)).bottom() + 10)
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=header)
    assert grid.selectionModel().selectedIndexes() == []
    grid.selectAll()
    assert len(win.results.selected_photos()) == len(PHOTOS)
    assert grid.selectionMode() == QAbstractItemView.SelectionMode.ExtendedSelection


def test_the_layout_of_sections_by_arithmetic():
    layout = GridLayout(100)
    layout.set_sections(
        [Section(0, 5, "March 2020", 2020), Section(5, 2, "February 2020"), Section(7, 3, "No date")], 10
    )
    layout.set_width(250)  # two columns, sharing the 50 pixels left over
    assert layout.columns == 2 and layout.cell_width == 125
    assert layout.tops == [0, 78 + 300, 78 + 300 + 40 + 100, 78 + 300 + 40 + 100 + 40 + 200]
    assert layout.rect(4) == (0, 78 + 200, 125, 100) and layout.rect(3) == (125, 78 + 100, 125, 100)
    assert layout.row_at(150, 78 + 150) == 3 and layout.row_at(150, 78 + 250) is None  # past the last photo
    assert layout.row_at(10, 10) is None and layout.row_at(255, 100) is None  # a header; beside the columns
    assert layout.row_below(4) == 5 and layout.row_below(3) == 4 and layout.row_above(5) == 4
    assert layout.row_above(6) == 4 and layout.row_below(6) == 8 and layout.row_below(9) == 9
    assert layout.visible_rows(0, 78 + 150) == (0, 3)
    # Sections that do not add up to the rows (the list changed under them) give way to one plain grid.
    layout.set_sections([Section(0, 5, "March 2020")], 8)
    assert [(s.start, s.count, s.title) for s in layout.sections] == [(0, 8, None)] and not layout.titled
