"""First run and model set-up: pick folders, then fetch the model (or pick a file, or use the demo one)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from photoclip.core.formatting import format_bytes
from photoclip.core.models.registry import TINY_MODEL_ID

if TYPE_CHECKING:
    from photoclip.gui.main_window import MainWindow


class _DownloadRelay(QObject):
    progress = Signal(int, object)


def show_first_run(window: MainWindow) -> None:
    """No folders yet: offer the Pictures folder, any folder, or the offline demo."""
    from photoclip.core.paths import default_pictures_dir

    pictures = default_pictures_dir()
    buttons = []
    if pictures.is_dir():
        buttons.append((f"Add {pictures}", lambda: window.add_folder(pictures)))
    buttons.append(("Add a folder…", lambda: window.add_folder()))
    buttons.append(("Try the demo pictures", lambda: start_demo(window)))
    window.empty.show_message(
        "Welcome to photoclip",
        "Add the folders where your photos are. photoclip looks at each photo once, on this computer, "
        "and then finds them from a few words: “a dog on a beach”, “receipts”, “snowy mountains”. "
        "Your photos never leave this machine and are never changed.",
        buttons,
    )
    window.stack.setCurrentWidget(window.empty)
    window.count_label.setText("")
    window.update_status()


def show_model_setup(window: MainWindow, reason: str | None = None) -> None:
    """The model is missing: download it (with progress), choose a file, or use the demo model."""
    spec = window.library.spec
    text = (
        f"photoclip needs its CLIP model, {spec.id}, to understand photos. It is downloaded once "
        f"({spec.download_mb} MB) into your cache folder, and works offline afterwards."
    )
    if reason:
        text += f"\n\n{reason}"
    window.empty.show_message(
        "One more step: the model",
        text,
        [
            (f"Download the model ({spec.download_mb} MB)", lambda: start_download(window)),
            ("Choose a model file…", lambda: choose_weights(window)),
            ("Use the offline demo model", lambda: use_demo_model(window)),
        ],
    )
    window.stack.setCurrentWidget(window.empty)


def start_download(window: MainWindow) -> None:
    """Fetches the library's model in the background (and gets it ready to run), showing progress."""
    spec = window.library.spec
    relay = _DownloadRelay(window)
    cancel = threading.Event()
    window._download_cancel = cancel
    started = window.empty.button_widgets

    def report(done: int, total: int | None) -> None:
        relay.progress.emit(done, total)

    def shown(done: int, total: object) -> None:
        total_text = f" / {format_bytes(total)}" if total else ""
        window.empty.show_progress(done, total if isinstance(total, int) else None, f"{format_bytes(done)}{total_text}")

    relay.progress.connect(shown)
    for label, button in started.items():
        button.setEnabled(False)
        if label.startswith("Download"):
            button.setText("Downloading…")

    def done(_path: object) -> None:
        window.empty.progress.hide()
        window.refresh()
        window._model_ready()

    def failed(exc: BaseException) -> None:
        show_model_setup(window, f"The download stopped: {exc}")

    window.tasks.run(
        lambda: window.library.model(spec.id, progress=report, cancel=cancel), done=done, error=failed, key="download"
    )


def choose_weights(window: MainWindow) -> None:
    """Lets the user point at model files they already have: ONNX graphs (pick visual.onnx, or
    Immich's visual/model.onnx) or open_clip weights."""
    path, _ = QFileDialog.getOpenFileName(
        window,
        f"Choose the model files of {window.library.spec.id}",
        str(Path.home()),
        "Model files (*.onnx *.safetensors *.bin *.pt *.pth);;All files (*)",
    )
    if not path:
        return
    try:
        window.library.set_weights(window.library.spec, path)
    except Exception as exc:
        QMessageBox.warning(window, "Cannot use this file", str(exc))
        return
    window.refresh()
    window._model_ready()


def use_demo_model(window: MainWindow) -> None:
    """Switches the library to the small model that ships with photoclip (it knows only coloured shapes)."""
    window.library.use_model(TINY_MODEL_ID)
    QMessageBox.information(
        window,
        "Demo model",
        "The demo model works offline but only knows coloured shapes. For your own photos, "
        "download the real model later from Settings.",
    )
    window.refresh()
    window._model_ready()


def start_demo(window: MainWindow) -> None:
    """Draws demo pictures into the library folder, adds them and indexes them with the demo model."""
    from photoclip.smallclip.shapes import generate_folder

    folder = window.library.paths.root / "demo-pictures"

    def make() -> Path:
        if not folder.exists() or not any(folder.iterdir()):
            generate_folder(folder, 300, seed=7, size_range=(64, 1600))
        return folder

    window.empty.show_message("Drawing demo pictures…", "300 pictures of coloured shapes, made on this computer.")

    def done(made: Path) -> None:
        window.library.use_model(TINY_MODEL_ID)
        window.add_folder(made)

    window.tasks.run(make, done=done, error=lambda exc: QMessageBox.warning(window, "Demo", str(exc)))
