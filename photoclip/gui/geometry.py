"""Where the window opens and how large: sized to the screen on first start, then where the user
left it, but never larger than the screens it opens on now (a laptop after a big monitor)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: The size the window would like on a large screen.
PREFERRED = QSize(1280, 820)
#: On a smaller screen it takes at most this share of the room the desktop leaves (panels, docks).
SCREEN_SHARE = 0.92
#: The narrowest and lowest the window may be made: a half-screen tile on a small laptop.
MINIMUM = QSize(600, 420)


def first_geometry(available: QRect, preferred: QSize = PREFERRED) -> QRect:
    """The preferred size, shrunk to fit ``available`` (a screen's free area), centred on it."""
    width = min(preferred.width(), int(available.width() * SCREEN_SHARE))
    height = min(preferred.height(), int(available.height() * SCREEN_SHARE))
    rect = QRect(0, 0, max(width, min(MINIMUM.width(), available.width())), max(height, MINIMUM.height()))
    rect.moveCenter(available.center())
    return rect


def fit_inside(frame: QRect, screens: list[QRect]) -> QRect:
    """``frame`` moved (and shrunk if it must be) into the screen it overlaps most; the first
    screen when it overlaps none (the monitor it was on is gone)."""
    if not screens:
        return QRect(frame)
    best = max(screens, key=lambda s: _area(s.intersected(frame)))
    if _area(best.intersected(frame)) == 0:
        best = screens[0]
    fitted = QRect(frame)
    fitted.setWidth(min(frame.width(), best.width()))
    fitted.setHeight(min(frame.height(), best.height()))
    fitted.moveLeft(min(max(fitted.left(), best.left()), best.right() - fitted.width() + 1))
    fitted.moveTop(min(max(fitted.top(), best.top()), best.bottom() - fitted.height() + 1))
    return fitted


def _area(rect: QRect) -> int:
    return max(0, rect.width()) * max(0, rect.height()) if rect.isValid() else 0


def place_window(window: QWidget, saved: str | None) -> None:
    """Restores the geometry saved by :func:`saved_geometry` (kept on the screens there are now),
    or on first start sizes the window to the screen it opens on."""
    window.setMinimumSize(MINIMUM)
    if saved and window.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii"))):
        keep_on_screen(window)
        # The title bar and borders are known only once the window is shown: look again then.
        window.installEventFilter(_OnFirstShow(window))
        return
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        window.setGeometry(first_geometry(screen.availableGeometry()))


def keep_on_screen(window: QWidget) -> None:
    """Moves and shrinks the window so that all of it, frame included, is on a screen."""
    screens = [s.availableGeometry() for s in QGuiApplication.screens()]
    frame = window.frameGeometry()
    fitted = fit_inside(frame, screens)
    if fitted == frame:
        return
    # The frame (title bar, borders) is outside the client area that resize() sets.
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
    window.resize(max(MINIMUM.width(), fitted.width() - extra_w), max(MINIMUM.height(), fitted.height() - extra_h))
    window.move(fitted.topLeft())


class _OnFirstShow(QObject):
    """Keeps the window on screen once it is shown (frame included), then goes."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: keep_on_screen(watched))  # after the frame is there
            self.deleteLater()
        return False


def saved_geometry(window: QWidget) -> str:
    """The window's place and size as text for the settings."""
    return bytes(window.saveGeometry().toBase64()).decode("ascii")
