"""What the right-click menu does with a photo's file: open it, show it, copy it. Never changes it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage


def open_with_system_viewer(path: Path) -> bool:
    """Opens the photo in the desktop's default image viewer."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_in_folder(path: Path) -> bool:
    """Opens the photo's folder in the file manager with the photo selected where the platform can."""
    try:
        if sys.platform == "win32":
            subprocess.Popen(["explorer", "/select,", str(path)])
            return True
        if sys.platform == "darwin":
            subprocess.Popen(["open", "-R", str(path)])
            return True
        if shutil.which("dbus-send"):
            # The freedesktop FileManager1 interface selects the file in Nautilus, Dolphin, Nemo, ...
            result = subprocess.run(
                [
                    "dbus-send",
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.FileManager1",
                    "/org/freedesktop/FileManager1",
                    "org.freedesktop.FileManager1.ShowItems",
                    f"array:string:{QUrl.fromLocalFile(str(path)).toString()}",
                    "string:",
                ],
                capture_output=True,
                timeout=3,
            )
            if result.returncode == 0:
                return True
    except (OSError, subprocess.SubprocessError):
        pass
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def copy_paths(paths: list[Path]) -> None:
    """Puts the paths on the clipboard, as text and as file URLs."""
    mime = QMimeData()
    mime.setText("\n".join(str(p) for p in paths))
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    QGuiApplication.clipboard().setMimeData(mime)


def copy_image(path: Path) -> bool:
    """Puts the picture itself on the clipboard (for pasting into a chat or a document)."""
    image = QImage(str(path))
    if image.isNull():
        from photoclip.core.images import open_upright

        try:
            pil = open_upright(path)
        except Exception:
            return False
        data = pil.tobytes("raw", "RGB")
        image = QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888).copy()
    QGuiApplication.clipboard().setImage(image)
    return True
