"""First run and model set-up: pick folders, then fetch the model (or pick its files, or try the demo).

These pages live on the window's :class:`EmptyState`; what they lead to (a folder to add, a model
ready to load, the demo) they say through signals, and the window acts on it. The demo never
touches the user's library: it is a library of its own, opened in its own window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from photoclip.gui.model_download import ModelDownload, progress_text
from photoclip.gui.wording import model_problem

if TYPE_CHECKING:
    from photoclip.gui.context import GuiContext
    from photoclip.gui.empty_state import EmptyState


class ModelSetup(QObject):
    """The first-run page (add folders, or try the demo) and the model page (download the model,
    choose its files, or try the demo)."""

    #: One of the pages was put on the empty state: the window shows it.
    page_shown = Signal()
    #: The user chose a folder to add (a Path), or asked to pick one (None).
    add_folder = Signal(object)
    #: The model's weights are here now: the window loads it, rescans and watches.
    model_ready = Signal()
    #: The user asked for the demo (a library of its own, in its own window).
    demo_wanted = Signal()

    def __init__(self, ctx: GuiContext, empty: EmptyState) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.empty = empty
        self.download = ModelDownload(ctx)
        self.download.progress.connect(self._progress)
        self.download.finished.connect(self._downloaded)
        self.download.failed.connect(self._download_failed)
        self.on_page = False  # the model page is showing (a download from the banner does not touch it)

    def show_first_run(self) -> None:
        """No folders yet: offer the Pictures folder, any folder, or the offline demo."""
        from photoclip.core.paths import default_pictures_dir

        pictures = default_pictures_dir()
        buttons = []
        if pictures.is_dir():
            buttons.append((f"Add {pictures}", lambda: self.add_folder.emit(pictures)))
        buttons.append(("Add a folder…", lambda: self.add_folder.emit(None)))
        buttons.append(("Try the demo pictures", self.demo_wanted.emit))
        self.empty.show_message(
            "Welcome to photoclip",
            "Add the folders where your photos are. photoclip looks at each photo once, on this computer, "
            "and then finds them from a few words: “a dog on a beach”, “receipts”, “snowy mountains”. "
            "Your photos never leave this machine and are never changed. The demo opens in a window of its "
            "own and leaves your library as it is.",
            buttons,
        )
        self.on_page = False
        self.page_shown.emit()

    def show_model_setup(self, reason: str | None = None) -> None:
        """The model is missing or does not load: download it (with progress), choose its files, or
        try the demo. ``reason`` is said in the window's words (see :func:`model_problem`)."""
        spec = self.ctx.library.spec
        if spec.bundled:
            text = f"photoclip's own {spec.id} model did not load. Choose its files, or reinstall photoclip."
        else:
            text = (
                f"photoclip needs its CLIP model, {spec.id}, to understand photos. It is downloaded once "
                f"({spec.download_mb} MB) into your cache folder, and works offline afterwards."
            )
        if reason:
            text += f"\n\n{reason}"
        buttons = [] if spec.bundled else [(f"Download the model ({spec.download_mb} MB)", self.start_download)]
        buttons += [("Choose model files…", self.choose_weights), ("Try the demo instead", self.demo_wanted.emit)]
        self.empty.show_message("One more step: the model", text, buttons)
        self.on_page = True
        self.page_shown.emit()

    def start_download(self) -> None:
        """Fetches the library's model in the background (and gets it ready to run), showing progress.
        Closing the window stops the download."""
        for label, button in self.empty.button_widgets.items():
            button.setEnabled(False)
            if label.startswith("Download"):
                button.setText("Downloading…")
        self.download.start(self.ctx.library.spec)

    def _progress(self, done: int, total: object) -> None:
        if self.on_page:
            known = total if isinstance(total, int) else None
            self.empty.show_progress(done, known, progress_text(done, known))

    def _download_failed(self, _model: str, text: str) -> None:
        if self.on_page:
            self.show_model_setup(f"The download stopped. {text}")

    def _downloaded(self, model_id: str) -> None:
        self.empty.progress.hide()
        if model_id == self.ctx.library.spec.id:
            self.on_page = False
            self.model_ready.emit()

    def choose_weights(self) -> None:
        """Lets the user point at model files they already have: ONNX graphs (pick visual.onnx, or
        Immich's visual/model.onnx) or open_clip weights. They are tried in the background; a file
        that does not load changes nothing (the model in use stays) and the user is told why."""
        library = self.ctx.library
        spec = library.spec
        path, _ = QFileDialog.getOpenFileName(
            self.ctx.parent,
            f"Choose the model files of {spec.id}",
            str(Path.home()),
            "Model files (*.onnx *.safetensors *.bin *.pt *.pth);;All files (*)",
        )
        if not path:
            return
        serving = library.search_spec.id if library.model_loaded or library.search_spec.id != spec.id else None

        def refused(exc: BaseException) -> None:
            self.ctx.say("")
            QMessageBox.warning(
                self.ctx.parent,
                "Cannot use this file",
                model_problem(str(exc), users_file=path, old_model=serving),
            )

        def accepted(_engine: object) -> None:
            self.ctx.say(f"Using {Path(path).name} for {spec.id}.", 10000)
            self.on_page = False
            self.model_ready.emit()

        self.ctx.say(f"Trying {Path(path).name}…")
        self.ctx.tasks.run(lambda: library.set_weights(spec, path), done=accepted, error=refused, key="weights")
