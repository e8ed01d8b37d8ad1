"""The demo: generated pictures of coloured shapes in a library of their own, searched with the small
model that ships with photoclip. The user's library, its folders and its model are never touched;
the demo is the same library ``photoclip demo`` makes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from photoclip.gui.geometry import keep_on_screen

if TYPE_CHECKING:
    from photoclip.core.library import Library
    from photoclip.gui.context import GuiContext

#: How many pictures the demo draws.
DEMO_PICTURES = 300


def demo_library_dir() -> Path:
    """Where the demo library lives (beside the user's default library, as ``photoclip demo`` makes it)."""
    from photoclip.core.paths import default_library_dir

    return default_library_dir().parent / "demo"


def open_demo_library(count: int | None = None) -> Library:
    """Draws the demo pictures (once) and opens the demo library on them with the small model
    (runs in the background: drawing takes a few seconds)."""
    from photoclip.core.library import Library
    from photoclip.core.models.registry import TINY_MODEL_ID
    from photoclip.smallclip.shapes import generate_folder

    root = demo_library_dir()
    folder = root / "pictures"
    if not folder.exists() or not any(folder.iterdir()):
        generate_folder(folder, count or DEMO_PICTURES, seed=7, size_range=(64, 1600))
    library = Library.open(root, model=TINY_MODEL_ID)
    try:
        library.use_model(TINY_MODEL_ID)
        library.add_root(folder)
    except BaseException:
        library.close()
        raise
    return library


class DemoOpener(QObject):
    """Opens the demo library in a window of its own."""

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.busy = False
        self.windows: list[QWidget] = []  # the demo's window while it is open

    def open_window(self, library: Library) -> QWidget:
        """Opens ``library`` in a main window of its own; the library is closed with the window."""
        from photoclip.gui.main_window import MainWindow

        window = MainWindow(library, title="Demo: coloured shapes")
        window.closed.connect(library.close)
        window.closed.connect(lambda: self.windows.remove(window))
        self.windows.append(window)
        # A little down and right of this window, so that both are seen to be there.
        window.setGeometry(self.ctx.parent.window().geometry().translated(40, 40))
        keep_on_screen(window)
        window.show()
        window.start()
        return window

    def open(self) -> None:
        """Prepares the demo in the background, then opens its window. If this window already
        shows the demo library, there is nothing to open."""
        if self.ctx.library.paths.root.resolve() == demo_library_dir().resolve():
            self.ctx.say("This window shows the demo library.", 8000)
            return
        if self.busy:
            return
        self.busy = True
        self.ctx.say(f"Preparing the demo: {DEMO_PICTURES} pictures of coloured shapes, drawn on this computer…")

        def opened(library: Library) -> None:
            self.busy = False
            self.ctx.say("The demo opened in its own window; your library is as it was.", 10000)
            self.open_window(library)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.ctx.say("")
            QMessageBox.warning(self.ctx.parent, "Demo", f"The demo could not be made: {exc}")

        count = DEMO_PICTURES
        self.ctx.tasks.run(lambda: open_demo_library(count), done=opened, error=failed, key="demo")
