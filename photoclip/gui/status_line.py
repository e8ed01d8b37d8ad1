"""The status bar's summary of the library: photos, indexed, unreadable, offline folders, the model.

:meth:`Library.status` looks at every watched folder, and a sleeping network drive can take seconds
to answer, so the summary is read in the background and shown when it arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from photoclip.core.library import Library
    from photoclip.core.status import LibraryStatus
    from photoclip.gui.tasks import TaskRunner


def status_text(status: LibraryStatus, search_model: str) -> str:
    """One line: counts, offline folders, and which model searches (``search_model``) while
    ``status.model`` is still indexing."""
    offline = status.offline_roots + sum(1 for r in status.roots for _ in r.unreachable)
    parts = [f"{status.photos:,} photos", f"{status.embedded:,} indexed"]
    if status.errors:
        parts.append(f"{status.errors} unreadable")
    if offline:
        parts.append(f"{offline} folder{'s' if offline > 1 else ''} offline")
    if search_model != status.model:
        parts.append(f"searching with {search_model} until {status.model} has indexed everything")
    else:
        parts.append(search_model)
    return "  ·  ".join(parts)


class StatusLine(QLabel):
    """A label showing :func:`status_text` of the library, refreshed on request in the background."""

    def __init__(self, library: Library, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.tasks = library, tasks

    def refresh(self) -> None:
        """Reads the library's status in the background and shows it (a newer request wins)."""
        library = self.library

        def job() -> tuple[LibraryStatus, str]:
            return library.status(), library.search_spec.id

        self.tasks.run(
            job,
            done=lambda outcome: self.setText(status_text(*outcome)),
            error=lambda exc: self.setText(f"The library's status cannot be read: {exc}"),
            key="status",
        )
