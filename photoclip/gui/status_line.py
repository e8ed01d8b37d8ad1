"""The status bar's summary of the library: photos, indexed, unreadable, offline folders, the model
and anything about it the user should know (a device this machine lacks, so the CPU runs it).

:meth:`Library.status` looks at every watched folder, and a sleeping network drive can take seconds
to answer, so the summary is read in the background and shown when it arrives. "5 unreadable" is
a link to the list of those files.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from photoclip.core.formatting import display_path
from photoclip.gui.wording import plural

if TYPE_CHECKING:
    from photoclip.core.index_progress import IndexReport
    from photoclip.core.library import Library
    from photoclip.core.status import LibraryStatus
    from photoclip.gui.tasks import TaskRunner

#: The link "N unreadable" carries.
UNREADABLE_LINK = "unreadable"
SEPARATOR = "  ·  "


def _parts(status: LibraryStatus, search_model: str) -> list[tuple[str, str | None]]:
    """The line's parts, each with the link it carries (or None)."""
    offline = status.offline_folders  # links to missing photo files are not folders (see offline_details)
    parts: list[tuple[str, str | None]] = [(f"⚠ {note}", None) for note in status.notes]
    parts += [(plural(status.photos, "photo"), None), (f"{status.embedded:,} indexed", None)]
    if status.errors:
        parts.append((f"{status.errors:,} unreadable", UNREADABLE_LINK))
    if offline:
        parts.append((f"{plural(offline, 'folder')} offline", None))
    if search_model != status.model:
        parts.append((f"searching with {search_model} until {status.model} has indexed everything", None))
    else:
        parts.append((search_model, None))
    return parts


def offline_details(status: LibraryStatus) -> list[str]:
    """Which folders the "N folders offline" count means, and the links to missing photos, one a
    line for the tooltip: the sidebar marks a watched folder offline, but a sub-folder that a scan
    could not reach may hold no photos yet, and then the sidebar has no row to mark."""
    lines = [f"Offline: {root.path} ({root.offline_reason})" for root in status.roots if not root.online]
    for root in status.roots:
        lines += [f"Offline: {root.path}/{part.path} ({part.reason})" for part in root.offline_folders]
        lines += [f"Skipped: {root.path}/{part.path} ({part.reason})" for part in root.missing_photos]
    return lines


def run_message(report: IndexReport) -> str:
    """What the window says when an indexing run ends, beyond the status line's counts: photos
    indexed again for new model weights, and folders that went offline during the run with the
    photos left for when they are back (the run otherwise looked finished). Empty: nothing."""
    said = [
        f"{display_path(folder)} went offline during indexing: {plural(left, 'photo')} left for when it is back."
        for folder, left in report.went_offline.items()
    ]
    if report.remade:  # the weights behind the model's name changed (a photoclip update, --weights)
        said.append(f"{report.remade:,} photos indexed again: new model weights.")
    return " ".join(said)


def status_text(status: LibraryStatus, search_model: str) -> str:
    """One line: notes first, then counts, offline folders, and which model searches
    (``search_model``) while ``status.model`` is still indexing."""
    return SEPARATOR.join(text for text, _link in _parts(status, search_model))


def status_html(status: LibraryStatus, search_model: str) -> str:
    """:func:`status_text` with its links ("N unreadable" opens the list of those files)."""
    return SEPARATOR.join(
        f'<a href="{link}">{html.escape(text)}</a>' if link else html.escape(text)
        for text, link in _parts(status, search_model)
    )


class StatusLine(QLabel):
    """A label showing :func:`status_text` of the library, refreshed on request in the background."""

    def __init__(self, library: Library, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.tasks = library, tasks
        self.shown: tuple[LibraryStatus, str] | None = None  # the status and the searching model on show
        self.unreadable_dialog: QWidget | None = None
        # A long line is cut at the window's edge rather than making the window wider.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(50)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.linkActivated.connect(self._link)

    def setText(self, text: str) -> None:
        """Shows a plain line (a note about a search or the model under way)."""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setToolTip(text)
        super().setText(text)

    def show_status(self, status: LibraryStatus, search_model: str) -> None:
        """Shows the summary of ``status``; the model's device and runtime are in its tooltip."""
        self.shown = (status, search_model)
        self.setTextFormat(Qt.TextFormat.RichText)
        QLabel.setText(self, status_html(status, search_model))
        where = f"{status.model} runs on the {status.device.upper() if status.device != 'cpu' else 'CPU'}"
        tip = status_text(status, search_model) + (f"\n{where}: {status.engine}" if status.device else "")
        tip += "".join(f"\n{line}" for line in offline_details(status))
        self.setToolTip(tip)

    def plain_text(self) -> str:
        """What the line says, without its links."""
        if self.shown is not None and self.textFormat() == Qt.TextFormat.RichText:
            return status_text(*self.shown)
        return self.text()

    def refresh(self) -> None:
        """Reads the library's status in the background and shows it (a newer request wins)."""
        library = self.library

        def job() -> tuple[LibraryStatus, str]:
            return library.status(), library.search_spec.id

        self.tasks.run(
            job,
            done=lambda outcome: self.show_status(*outcome),
            error=lambda exc: self.setText(f"The library's status cannot be read: {exc}"),
            key="status",
        )

    def _link(self, link: str) -> None:
        if link == UNREADABLE_LINK:
            self.show_unreadable()

    def show_unreadable(self) -> None:
        """Opens the list of the files that could not be read."""
        from photoclip.gui.unreadable import UnreadableDialog

        def opened(photos: list) -> None:
            self.unreadable_dialog = UnreadableDialog(photos, self.window())
            self.unreadable_dialog.show()

        self.tasks.run(self.library.unreadable, done=opened, key="unreadable")
