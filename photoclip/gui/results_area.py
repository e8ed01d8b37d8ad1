"""The results area: the thumbnail grid (a timeline with month headers and a date scrubber when
the list is in date order), or a message when there is nothing to show, and the preview opened
from the grid."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QStackedWidget, QWidget

from photoclip.gui.delegate import PhotoDelegate
from photoclip.gui.empty_state import EmptyState
from photoclip.gui.grid_layout import sections_from_timeline
from photoclip.gui.photo_model import PhotoListModel
from photoclip.gui.section_grid import SectionGrid
from photoclip.gui.thumbnails import ThumbnailLoader

if TYPE_CHECKING:
    from photoclip.core.records import PhotoRow, TimelineBucket
    from photoclip.core.search_results import SearchResults
    from photoclip.gui.preview import PreviewDialog
    from photoclip.gui.tasks import TaskRunner

#: Rows fetched with a result set, so the first screen paints without asking for them.
PREFETCH_ROWS = 1000
#: Thumbnails asked for at once when results arrive, before the grid has laid itself out.
FIRST_THUMBNAILS = 400


class ResultsArea(QStackedWidget):
    """Shows photos (fetched by id with ``fetch``, e.g. ``Library.photos``) in the grid, or a
    message on :attr:`empty`."""

    def __init__(
        self,
        fetch: Callable[[Sequence[int]], list[PhotoRow]],
        thumbnails_dir: Path,
        tasks: TaskRunner,
        tags_for: Callable[[int], list[str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks, self.tags_for = tasks, tags_for
        self.thumbnails = ThumbnailLoader(thumbnails_dir, parent=self)
        self.photos = PhotoListModel(fetch, self.thumbnails, self)
        self.delegate = PhotoDelegate(parent=self)
        self.grid = SectionGrid(self.photos, self.delegate)
        self.grid.doubleClicked.connect(lambda index: self.open_preview(index.row()))
        self.grid.verticalScrollBar().valueChanged.connect(lambda _v: self.visible_changed())
        self.empty = EmptyState()
        self.addWidget(self.grid)
        self.addWidget(self.empty)
        self.preview: PreviewDialog | None = None
        self._keep_place = False
        #: A page that waits for the person (the model's set-up) stays up when results come in that
        #: they did not ask for (a listing refreshed while indexing started); their own choice ends it.
        self.held = False
        # The ranked search the grid shows (None for a listing): the preview says why a photo matched.
        self.shown_search: SearchResults | None = None
        self.looks_like: Callable[[int], list[tuple[str, float]]] | None = None  # Library.looks_like, set by the window

    def keep_place(self) -> None:
        """The next result set is the same view brought up to date (a tag taken off, a change made
        in another window): the grid stays where it was scrolled to, instead of going to the top."""
        self._keep_place = True

    # -- what is shown -----------------------------------------------------------------------
    def show_results(
        self, results: SearchResults, timeline: Sequence[TimelineBucket] | None = None, *, dates: bool = False
    ) -> int:
        """Puts a result set in the grid (scores shown when it was a ranked search); returns how
        many photos it holds. ``timeline``: the months of a list in date order (``Library.timeline``),
        shown as headers with the date scrubber; ``dates``: each thumbnail shows its date. An empty
        set leaves the message to the caller."""
        ranked = bool(results.query.positive)
        self.shown_search = results if ranked else None
        ids = results.ids
        scores = [h.score for h in results.hits] if ranked else None
        keep, self._keep_place = self._keep_place and self.currentWidget() is self.grid, False
        scrolled = self.grid.verticalScrollBar().value()
        current = self.photos.photo_at(self.grid.currentIndex().row()) if keep else None
        self.delegate.show_dates = dates
        self.grid.set_sections(sections_from_timeline(timeline or []))
        self.photos.set_photos(ids, scores, rows=[h.photo for h in results.hits[:PREFETCH_ROWS]])
        self.thumbnails.set_visible(set(ids[:FIRST_THUMBNAILS].tolist()))
        if len(ids) and not self.held:
            self.setCurrentWidget(self.grid)
            row = self.photos.row_of(current.id) if current is not None else None
            if row is not None:
                self.grid.setCurrentIndex(self.photos.index(row))
            self.grid.scroll_quietly(scrolled if keep else 0)
            self.visible_changed()
        return len(ids)

    def show_message(self, title: str, text: str, buttons: list[tuple[str, Callable[[], None]]] | None = None) -> None:
        """Shows a search's or listing's message instead of the grid; like its photos, it leaves a
        page that waits for the person alone (see ``held``)."""
        if self.held:
            return
        self.empty.show_message(title, text, buttons or [])
        self.show_empty()

    def show_empty(self) -> None:
        """Shows the empty state as it is (a first-run or set-up page put there by someone else)."""
        self.setCurrentWidget(self.empty)

    def visible_changed(self) -> None:
        """Asks for the thumbnails of the rows on screen and a screen's worth either side."""
        shown = self.grid.visible_rows()
        if shown is None:
            return
        first, last = shown
        per_page = last - first + 1
        visible = {int(i) for i in self.photos.ids[max(0, first - per_page) : last + per_page + 1]}
        self.thumbnails.set_visible(visible)

    def set_show_scores(self, shown: bool) -> None:
        """Shows or hides the relevance score on each cell."""
        self.delegate.show_scores = shown
        self.grid.viewport().update()

    def selected_photos(self) -> list[PhotoRow]:
        """The rows of the selected photos, in grid order."""
        rows = sorted(i.row() for i in self.grid.selectionModel().selectedIndexes())
        return [p for p in (self.photos.photo_at(r) for r in rows) if p is not None]

    # -- preview -----------------------------------------------------------------------------
    def open_preview(self, row: int) -> None:
        """Shows the photo at ``row`` large."""
        photo = self.photos.photo_at(row)
        if photo is None:
            return
        if self.preview is None:
            from photoclip.gui.preview import PreviewDialog

            self.preview = PreviewDialog(
                self.tasks, self.tags_for, self.window(), self.thumbnails.cache_dir, looks_like=self.looks_like
            )
            self.preview.step.connect(self._preview_step)
        self.preview.show_photo(photo, self.shown_search)
        self.preview.show()
        self.preview.raise_()
        self.preview.activateWindow()  # its keys (arrows, Esc) go to it, not to the grid behind

    def toggle_preview(self, row: int) -> None:
        """Space: closes the preview if it is open, else opens it on ``row``."""
        if self.preview is not None and self.preview.isVisible():
            self.preview.close()
        else:
            self.open_preview(row)

    def preview_current(self) -> None:
        """Opens the preview on the grid's current photo."""
        self.open_preview(self.grid.currentIndex().row())

    def _preview_step(self, delta: int) -> None:
        current = self.grid.currentIndex().row()
        row = min(max(0, current + delta), self.photos.rowCount() - 1)
        self.grid.setCurrentIndex(self.photos.index(row))
        self.open_preview(row)
