"""Starting the desktop app: the window first, everything heavy after it is on screen."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from photoclip import APP_ID, APP_NAME, __version__


def app_icon_path() -> Path:
    """The app icon shipped in ``resources/icons``."""
    from photoclip.core.paths import resources_dir

    return resources_dir() / "icons" / "photoclip.svg"


def make_application(argv: list[str] | None = None) -> object:
    """The QApplication, with the app's name, id and icon set."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        from photoclip.gui.qt_platform import PlatformGuard

        guard = PlatformGuard()  # if Qt cannot open a window, the user hears why, not only Qt's first complaint
        guard.install()
        app = QApplication(argv or [sys.argv[0]])
        guard.done()
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    icon = app_icon_path()
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def run_gui(
    library: str | None = None,
    model: str | None = None,
    weights: str | None = None,
    device: str | None = None,
    *,
    quit_after_ms: int | None = None,
) -> int:
    """Opens the main window on a library and runs the event loop; returns the exit status."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from photoclip.core.errors import PhotoclipError
    from photoclip.core.library import Library
    from photoclip.gui.main_window import MainWindow

    app = make_application()
    try:
        opened = Library.open(library, model=model, weights=weights, device=device)
    except PhotoclipError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window = MainWindow(opened)
    window.show()
    QTimer.singleShot(0, window.start)  # after the first paint: sidebar, rescan, model, watcher
    if quit_after_ms is not None:
        # The smoke test and the start-up benchmark read when the window was on screen.
        QTimer.singleShot(0, lambda: print(f"photoclip: window shown at {time.time():.3f}", flush=True))
        QTimer.singleShot(quit_after_ms, window.close)
    status = app.exec()
    opened.close()
    return status


def main() -> None:
    """Entry point of the ``photoclip-gui`` executable (and of the installed app)."""
    import argparse

    parser = argparse.ArgumentParser(prog="photoclip-gui", description="The photoclip desktop app.")
    parser.add_argument("--library", metavar="DIR")
    parser.add_argument("--model", metavar="ID")
    parser.add_argument("--weights", metavar="FILE")
    parser.add_argument("--device", choices=("auto", "cuda", "mps", "cpu"))
    parser.add_argument("--quit-after", type=float, metavar="SECONDS", help=argparse.SUPPRESS)
    args, _qt_args = parser.parse_known_args()
    logging.basicConfig(level=logging.WARNING)
    sys.exit(
        run_gui(
            args.library,
            args.model,
            args.weights,
            args.device,
            quit_after_ms=int(args.quit_after * 1000) if args.quit_after else None,
        )
    )
