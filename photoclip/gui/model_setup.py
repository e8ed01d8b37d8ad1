"""First run and model set-up: pick folders, then fetch the model (or pick a file, or use the demo one).

These pages live on the window's :class:`EmptyState`; what they lead to (a folder to add, a model
ready to load) they say through signals, and the window acts on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from photoclip.core.formatting import format_bytes
from photoclip.core.models.registry import TINY_MODEL_ID

if TYPE_CHECKING:
    from photoclip.gui.context import GuiContext
    from photoclip.gui.empty_state import EmptyState


class _DownloadRelay(QObject):
    progress = Signal(int, object)


class ModelSetup(QObject):
    """The first-run page (add folders, or try the demo) and the model page (download the model,
    choose its files, or use the demo model)."""

    #: One of the pages was put on the empty state: the window shows it.
    page_shown = Signal()
    #: The user chose a folder to add (a Path), or asked to pick one (None).
    add_folder = Signal(object)
    #: The model's weights are here now: the window loads it, rescans and watches.
    model_ready = Signal()

    def __init__(self, ctx: GuiContext, empty: EmptyState) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.empty = empty

    def show_first_run(self) -> None:
        """No folders yet: offer the Pictures folder, any folder, or the offline demo."""
        from photoclip.core.paths import default_pictures_dir

        pictures = default_pictures_dir()
        buttons = []
        if pictures.is_dir():
            buttons.append((f"Add {pictures}", lambda: self.add_folder.emit(pictures)))
        buttons.append(("Add a folder…", lambda: self.add_folder.emit(None)))
        buttons.append(("Try the demo pictures", self.start_demo))
        self.empty.show_message(
            "Welcome to photoclip",
            "Add the folders where your photos are. photoclip looks at each photo once, on this computer, "
            "and then finds them from a few words: “a dog on a beach”, “receipts”, “snowy mountains”. "
            "Your photos never leave this machine and are never changed.",
            buttons,
        )
        self.page_shown.emit()

    def show_model_setup(self, reason: str | None = None) -> None:
        """The model is missing: download it (with progress), choose a file, or use the demo model."""
        spec = self.ctx.library.spec
        text = (
            f"photoclip needs its CLIP model, {spec.id}, to understand photos. It is downloaded once "
            f"({spec.download_mb} MB) into your cache folder, and works offline afterwards."
        )
        if reason:
            text += f"\n\n{reason}"
        self.empty.show_message(
            "One more step: the model",
            text,
            [
                (f"Download the model ({spec.download_mb} MB)", self.start_download),
                ("Choose a model file…", self.choose_weights),
                ("Use the offline demo model", self.use_demo_model),
            ],
        )
        self.page_shown.emit()

    def start_download(self) -> None:
        """Fetches the library's model in the background (and gets it ready to run), showing progress.
        Closing the window stops the download."""
        library = self.ctx.library
        spec = library.spec
        relay = _DownloadRelay(self)

        def shown(done: int, total: object) -> None:
            known = total if isinstance(total, int) else None
            self.empty.show_progress(done, known, format_bytes(done) + (f" / {format_bytes(known)}" if known else ""))

        relay.progress.connect(shown)
        for label, button in self.empty.button_widgets.items():
            button.setEnabled(False)
            if label.startswith("Download"):
                button.setText("Downloading…")

        def done(_path: object) -> None:
            self.empty.progress.hide()
            self.model_ready.emit()

        self.ctx.tasks.run(
            lambda: library.model(spec.id, progress=relay.progress.emit, cancel=self.ctx.closing),
            done=done,
            error=lambda exc: self.show_model_setup(f"The download stopped: {exc}"),
            key="download",
        )

    def choose_weights(self) -> None:
        """Lets the user point at model files they already have: ONNX graphs (pick visual.onnx, or
        Immich's visual/model.onnx) or open_clip weights."""
        library = self.ctx.library
        path, _ = QFileDialog.getOpenFileName(
            self.ctx.parent,
            f"Choose the model files of {library.spec.id}",
            str(Path.home()),
            "Model files (*.onnx *.safetensors *.bin *.pt *.pth);;All files (*)",
        )
        if not path:
            return
        try:
            library.set_weights(library.spec, path)
        except Exception as exc:
            QMessageBox.warning(self.ctx.parent, "Cannot use this file", str(exc))
            return
        self.model_ready.emit()

    def use_demo_model(self) -> None:
        """Switches the library to the small model that ships with photoclip (it knows only coloured shapes)."""
        self.ctx.library.use_model(TINY_MODEL_ID)
        QMessageBox.information(
            self.ctx.parent,
            "Demo model",
            "The demo model works offline but only knows coloured shapes. For your own photos, "
            "download the real model later from Settings.",
        )
        self.model_ready.emit()

    def start_demo(self) -> None:
        """Draws demo pictures into the library folder, then has them added and indexed with the demo model."""
        from photoclip.smallclip.shapes import generate_folder

        library = self.ctx.library
        folder = library.paths.root / "demo-pictures"

        def make() -> Path:
            if not folder.exists() or not any(folder.iterdir()):
                generate_folder(folder, 300, seed=7, size_range=(64, 1600))
            return folder

        self.empty.show_message("Drawing demo pictures…", "300 pictures of coloured shapes, made on this computer.")

        def done(made: Path) -> None:
            library.use_model(TINY_MODEL_ID)
            self.add_folder.emit(made)

        self.ctx.tasks.run(make, done=done, error=lambda exc: QMessageBox.warning(self.ctx.parent, "Demo", str(exc)))
