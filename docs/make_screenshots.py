"""Makes the README's screenshots of the app's main states, offscreen, from generated demo pictures.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py [--out docs/screenshots]

First run (no folders yet), indexing (paused half-way, progress bar showing), results of a text
search, "Find similar" on one photo, suggestions under the search box, why a result matched (the
preview), the Help page, the review of suggested tags and the duplicates view.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from photoclip.core.library import Library
from photoclip.core.models.registry import TINY_MODEL_ID
from photoclip.gui.launch import make_application
from photoclip.gui.main_window import MainWindow
from photoclip.smallclip.shapes import generate_folder


def spin(ms: int) -> None:
    """Runs the event loop for ``ms`` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: object, timeout_ms: int = 120_000) -> None:
    """Runs the event loop until ``condition()`` holds."""
    waited = 0
    while not condition() and waited < timeout_ms:
        spin(100)
        waited += 100


def save(window: MainWindow, path: Path) -> None:
    """Grabs the window into a PNG."""
    spin(600)
    window.grab().save(str(path))
    print(f"wrote {path}")


def grab_with_popup(window: MainWindow, popup: QWidget, path: Path) -> None:
    """Grabs the window with a popup over it (a popup is a window of its own, so a plain grab of
    the main window leaves it out)."""
    spin(600)
    shot = window.grab()
    painter = QPainter(shot)
    painter.drawPixmap(popup.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0)), popup.grab())
    painter.end()
    shot.save(str(path))
    print(f"wrote {path}")


def search_helpers(window: MainWindow, out: Path) -> None:
    """Suggestions as you type (recent searches, a tag, a folder), why a result matched (the
    preview of a combined search), and the Help page."""
    library = window.library
    for text in ("a red circle", "red + star -yellow", "blue square -green", "circle -blue"):
        window.assist.memory.record(text)
    for row in range(3):
        library.tags.add(window.photos.photo_at(row).id, "red things")
    window.assist.completer.read_names()
    wait_for(lambda: not window.tasks.busy)
    window.browser.clear_search()
    wait_for(lambda: not window.tasks.busy)
    window.search_box.setFocus()
    for ch in "re":
        QTest.keyClicks(QApplication.activePopupWidget() or window.search_box, ch)
    # Qt keeps a popup inside its screen, and the offscreen screen is smaller than the window: put the
    # list where a real screen would show it, under the search box.
    popup = window.assist.completer.popup
    popup.move(window.search_box.mapToGlobal(window.search_box.rect().bottomLeft()))
    grab_with_popup(window, popup, out / "suggestions.png")
    QTest.keyClick(QApplication.activePopupWidget() or window.search_box, Qt.Key.Key_Escape)

    window.search("circle -blue")
    wait_for(lambda: not window.tasks.busy)
    # The largest of the first results: the preview shows a small picture at its own size.
    row = max(range(6), key=lambda r: window.photos.photo_at(r).width * window.photos.photo_at(r).height)
    window.grid.setCurrentIndex(window.photos.index(row))
    window.results.open_preview(row)
    preview = window.results.preview
    preview.resize(1000, 600)
    wait_for(
        lambda: not window.tasks.busy and preview.why.get("looks") is not None and preview.why["looks"].text() != "…"
    )
    spin(600)
    preview.grab().save(str(out / "why.png"))
    print(f"wrote {out / 'why.png'}")
    preview.close()

    dialog = window.assist.show_help()
    dialog.resize(760, 1060)  # down to the first keys
    spin(600)
    dialog.grab().save(str(out / "help.png"))
    print(f"wrote {out / 'help.png'}")
    dialog.close()


def date_pictures(pictures: list[Path], seed: int = 5) -> None:
    """Gives the pictures EXIF dates from 30 outings between 2022 and 2024; one in 20 gets no date
    of its own, only its file's time (the window marks it as a file date)."""
    import datetime as dt
    import random

    from PIL import Image

    rng = random.Random(seed)
    outings = [dt.datetime(2022, 2, 1) + dt.timedelta(days=rng.uniform(0, 980)) for _ in range(30)]
    for k, path in enumerate(sorted(pictures)):
        taken = rng.choice(outings) + dt.timedelta(hours=rng.uniform(0, 10))
        if k % 20 != 7:
            exif = Image.Exif()
            exif.get_ifd(0x8769)[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")
            with Image.open(path) as image:
                image.load()
                kind = image.format
                image.save(path, kind, exif=exif.tobytes(), **({"quality": 92} if kind == "JPEG" else {}))
        os.utime(path, (taken.timestamp(), taken.timestamp()))


def timeline_shots(window: MainWindow, out: Path) -> None:
    """The timeline (nothing typed), scrolled to where a year begins, the pointer on the date
    scrubber; then a search with a date in it, newest first (a chip, month headers, dates)."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent

    window.search("")
    wait_for(lambda: not window.tasks.busy)
    grid, scrubber = window.grid, window.grid.scrubber
    year = next(i for i, s in enumerate(grid.cells.sections) if s.year is not None and i > 0)
    grid.verticalScrollBar().setValue(grid.cells.tops[year] - 250)
    spot = QPointF(20, scrubber.strip_y(grid.cells.tops[min(year + 3, len(grid.cells.sections) - 1)]))
    none = Qt.MouseButton.NoButton
    QApplication.sendEvent(scrubber, QMouseEvent(QEvent.Type.MouseMove, spot, spot, none, none, Qt.NoModifier))
    save(window, out / "timeline.png")
    scrubber.leaveEvent(QEvent(QEvent.Type.Leave))

    # The year most circles were taken in, so the search with it fills a few months.
    import collections
    import datetime as dt

    best = window.library.search("circle", limit=200).hits
    years = collections.Counter(
        dt.datetime.fromtimestamp(h.photo.taken_at, dt.timezone.utc).year for h in best if h.photo.taken_at
    )
    window.search_bar.sort.setCurrentIndex(window.search_bar.sort.findData("date"))
    window.search(f"circle {years.most_common(1)[0][0]}")
    wait_for(lambda: not window.tasks.busy)
    save(window, out / "dates.png")
    window.search_bar.sort.setCurrentIndex(window.search_bar.sort.findData("relevance"))


def dialog_over_window(window: MainWindow, view: QWidget, path: Path) -> None:
    """Saves the window with ``view`` drawn over it where a real screen would show it."""
    # The dialog is a window of its own, and offscreen Qt draws no frame: it is drawn over the
    # window, clear of the sidebar, with a plain frame and title.
    shot = window.grab()
    painter = QPainter(shot)
    left, top, title = window.width() - view.width() - 24, 96, 28
    frame = QRect(left - 1, top - title - 1, view.width() + 1, view.height() + title + 1)
    painter.fillRect(frame.translated(5, 5), QColor(0, 0, 0, 60))  # a soft shadow
    painter.fillRect(frame, QColor("#dedede"))
    painter.setPen(QColor("#202020"))
    painter.drawText(frame.adjusted(0, 0, 0, -view.height()), Qt.AlignmentFlag.AlignCenter, view.windowTitle())
    painter.drawPixmap(QPoint(left, top), view.grab())
    painter.setPen(QColor("#8a8a8a"))
    painter.drawRect(frame)
    painter.end()
    shot.save(str(path))
    print(f"wrote {path}")


def duplicates_shot(window: MainWindow, pictures: Path, out: Path) -> None:
    """View → Duplicates… with near copies on: a phone backup holding a resized, a re-encoded and an
    exact copy of holiday pictures, the first group on screen and its copies marked."""
    from PIL import Image

    from photoclip.gui.duplicates_view import DuplicatesView

    backup = pictures.parent / "Phone backup"
    backup.mkdir()
    originals = sorted(pictures.iterdir())[:3]
    with Image.open(originals[0]) as image:
        image.convert("RGB").resize((image.width * 3 // 5, image.height * 3 // 5)).save(
            backup / "IMG_2041.jpg", quality=80
        )
    with Image.open(originals[1]) as image:
        image.convert("RGB").save(backup / "IMG_2042.jpg", quality=60)
    (backup / "IMG_2043.png").write_bytes(originals[2].read_bytes())
    window.add_folder(backup)
    wait_for(lambda: not window.indexing.busy and window.library.status().pending == 0)
    view = DuplicatesView(window.ctx)
    view.resize(860, 600)
    view.near.setChecked(True)
    wait_for(lambda: view.groups is not None)
    view.mark_all_or_none()
    spin(1500)
    dialog_over_window(window, view, out / "duplicates.png")
    view.close()


def tag_review_shot(window: MainWindow, out: Path) -> None:
    """The review screen on one tag's suggestions, three photos chosen (Enter accepts them, Delete
    rejects them), over the window, whose sidebar sets tags only suggested (grey, italic) apart
    from accepted ones."""
    from photoclip.core.tagging import builtin_label_sets
    from photoclip.gui.tag_review import open_tag_review

    library = window.library
    library.tag_photos(library.album(None).photo_ids, builtin_label_sets()["shapes"])
    queue = library.tags_to_review()
    # Some tags partly reviewed already, so the sidebar shows accepted, mixed and suggested-only tags.
    for summary in queue[1:6]:
        library.accept_suggestions(summary.label, [s.photo_id for s in library.suggestions(summary.label)][:3])
    window.events.tags_changed.emit(None)
    window.browser.clear_search()
    wait_for(lambda: not window.tasks.busy)
    window.sidebar.scrollToBottom()
    view = open_tag_review(window.ctx, queue[0].label)
    view.resize(960, 620)
    selection = view.grid.selectionModel()
    for row in (1, 2):
        selection.select(view.photos.index(row), selection.SelectionFlag.Select)
    wait_for(lambda: view.thumbnails.cached >= min(12, view.photos.rowCount()), 20_000)
    spin(800)
    dialog_over_window(window, view, out / "tag-review.png")
    view.close()


def main() -> None:
    """Makes every screenshot."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    make_application()
    with tempfile.TemporaryDirectory(prefix="photoclip-shots-") as tmp:
        tmp_path = Path(tmp)
        os.environ["PHOTOCLIP_CACHE"] = str(tmp_path / "cache")
        pictures = tmp_path / "Pictures" / "Holidays 2024"
        date_pictures([path for path, _spec in generate_folder(pictures, 240, seed=3, size_range=(200, 1400))])
        library = Library.open(tmp_path / "library", model=TINY_MODEL_ID)
        library.use_model(TINY_MODEL_ID)
        library.settings.set("batch_size", 8)
        window = MainWindow(library)
        window.resize(1280, 800)
        window.show()
        window.start()
        save(window, out / "first-run.png")

        window.indexing.set_paused(False)
        paused_once: list[bool] = []

        def pause_half_way(p: object) -> None:
            # Once only: after the screenshot the run must go on to the end.
            if getattr(p, "phase", "") == "indexing" and p.done >= 100 and not paused_once:
                paused_once.append(True)
                window.indexing.set_paused(True)
                window.indexing_panel.pause.setChecked(True)

        window.indexing.progress.connect(pause_half_way)
        window.add_folder(pictures)
        wait_for(lambda: window.indexing.pause.is_set())
        spin(1500)
        window.refresh()
        wait_for(lambda: not window.tasks.busy)
        save(window, out / "indexing.png")
        window.indexing_panel.pause.setChecked(False)
        wait_for(lambda: not window.indexing.busy and library.status().pending == 0)
        timeline_shots(window, out)

        window.search("a red circle")
        wait_for(lambda: not window.tasks.busy)
        save(window, out / "results.png")

        target = window.photos.photo_at(0)
        window.find_similar(target.id)
        wait_for(lambda: not window.tasks.busy)
        save(window, out / "similar.png")
        search_helpers(window, out)
        tag_review_shot(window, out)
        duplicates_shot(window, pictures, out)
        window.close()
        library.close()


if __name__ == "__main__":
    main()
