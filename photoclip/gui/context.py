"""What the window's parts are given instead of the window: the library, the task runner, a parent
for their dialogs, and one object of signals through which they say what they changed.

A part (a menu, a dialog, the first-run page) changes the library through :class:`Library` and
then emits on :class:`LibraryEvents`; the parts that show the library (the sidebar, the grid, the
status bar) subscribe. No part reaches into another, so each can be built and tested on its own.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from photoclip.core.library import Library
    from photoclip.gui.tasks import TaskRunner


class LibraryEvents(QObject):
    """Signals the GUI's parts emit after changing the library; the window connects its views."""

    #: Photos whose tags changed (a list of ids), or None when a tagging run may have changed any.
    tags_changed = Signal(object)
    #: A collection was made or its photos changed.
    collections_changed = Signal()
    #: A tag was renamed or merged (old label, new label) or deleted (old label, ''); after tags_changed.
    tag_edited = Signal(str, str)
    #: A collection was renamed (old name, new name), deleted (old name, '') or had photos taken out
    #: (its name twice); after collections_changed.
    collection_edited = Signal(str, str)
    #: A watched folder was added, removed, or a sub-folder excluded or included again.
    folders_changed = Signal()
    #: A watched folder and its photos left the library (its id).
    root_removed = Signal(int)
    #: A line for the status bar, and how long it stays (milliseconds; 0 until replaced).
    message = Signal(str, int)
    #: A tagging run ended (its TagReport).
    tagging_finished = Signal(object)


@dataclass(frozen=True)
class GuiContext:
    """The collaborators every part of the window may use."""

    library: Library
    tasks: TaskRunner
    events: LibraryEvents
    #: Dialogs and menus open over this widget.
    parent: QWidget
    #: Set when the window closes: long background jobs (tagging, a model download) stop early.
    closing: threading.Event = field(default_factory=threading.Event)

    def say(self, text: str, ms: int = 0) -> None:
        """Shows ``text`` in the status bar (for ``ms`` milliseconds; 0 until replaced)."""
        self.events.message.emit(text, ms)
