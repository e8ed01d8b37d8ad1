"""The library's model in the window: loaded in the background once its files are here, fetched
with a visible download when they are not, and, when it cannot be had, said so in the window's words.

Whatever happens to the library's model, a model that still answers searches (the one whose vectors
cover the library, after a switch) keeps answering them: its results stay on screen, and a banner
above them tells what is going on. Only when no model can search does the set-up page replace them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from photoclip.gui.wording import model_problem

if TYPE_CHECKING:
    from photoclip.gui.context import GuiContext
    from photoclip.gui.model_download import ModelBanner
    from photoclip.gui.model_setup import ModelSetup


class ModelKeeper(QObject):
    """Gets the library's model ready and reports it; see the module's docstring."""

    #: The model's files are here: indexing may start (it loads the model itself).
    usable = Signal()
    #: The model is loaded and answers searches.
    loaded = Signal()
    #: A line for the status line ("Loading the model…", or that it could not be).
    note = Signal(str)

    def __init__(self, ctx: GuiContext, setup: ModelSetup, banner: ModelBanner) -> None:
        super().__init__(ctx.parent)
        self.ctx, self.setup, self.banner = ctx, setup, banner
        self.started = False  # the model was made ready once (loading, scanning and watching began)
        download = setup.download
        download.progress.connect(self._progress)
        download.failed.connect(self._download_failed)
        setup.model_ready.connect(self._files_arrived)
        banner.download_clicked.connect(self.fetch)
        banner.choose_files_clicked.connect(setup.choose_weights)

    def other_model(self) -> str | None:
        """The model that answers searches while the library's own is not here (None: none does)."""
        library = self.ctx.library
        serving = library.search_spec
        if serving.id != library.spec.id and library.model_present(serving):
            return serving.id
        return None

    def start(self) -> None:
        """At start: loads the model when its files are here; else, when another model answers
        searches meanwhile, offers it in the banner (with no model at all, the set-up page comes
        with the first search or folder added, as on a first run)."""
        library = self.ctx.library
        if library.model_present():
            self.load()
        elif library.roots() and self.other_model() is not None:
            self.missing()

    def load(self) -> None:
        """Loads the library's model in the background (indexing and watching start with it)."""
        library = self.ctx.library
        self.started = True
        self.note.emit("Loading the model…")
        self.ctx.tasks.run(
            lambda: library.model(library.spec.id), done=lambda _m: self._loaded(), error=self.failed, key="model"
        )
        self.usable.emit()

    def _loaded(self) -> None:
        self.banner.hide()
        self.loaded.emit()

    def failed(self, exc: BaseException) -> None:
        """The model did not load: nothing stays busy, and the user hears why and what to do."""
        library = self.ctx.library
        users_file = library.models.weights_for(library.spec)
        self.note.emit("")
        self.missing(model_problem(str(exc), users_file=users_file, old_model=self.other_model()))

    def missing(self, reason: str | None = None) -> None:
        """The model is not here or does not load (``reason``: why, in the window's words). When
        another model answers searches the banner says so and results stay; else the set-up page."""
        library = self.ctx.library
        old = self.other_model()
        if old is None:
            self.setup.show_model_setup(reason)
        elif reason:
            self.banner.failed(reason)
        else:
            self.banner.not_here(library.spec, old)

    def indexing_failed(self, text: str) -> bool:
        """An indexing run failed with ``text``; when it was the model (its image part loads only
        for indexing, so searches may still work), says so in the banner with what to do. True
        when it was the model."""
        # The queue reports a failure as text; a model's failure names the model, a disk's does not.
        if "model" not in text.lower():
            return False
        if self.setup.on_page:
            return True  # the set-up page already says it, with its buttons
        library = self.ctx.library
        users_file = library.models.weights_for(library.spec)
        self.banner.failed(model_problem(text, users_file=users_file), retry=users_file is None)
        return True

    def switched(self) -> None:
        """The library was switched to another model (in the settings): fetch it now when it is not
        here, in sight, while the old model goes on answering searches."""
        if self.ctx.library.model_present():
            self.load()
        elif self.other_model() is not None:
            self.fetch()
        else:
            self.setup.show_model_setup()

    def fetch(self) -> None:
        """Downloads the library's model, with progress in the banner."""
        spec = self.ctx.library.spec
        old = self.other_model()
        self.banner.downloading(spec, old)
        self.setup.download.start(spec, old_model=old)

    def _progress(self, done: int, total: object) -> None:
        if self.banner.isVisible():
            self.banner.advance(done, total if isinstance(total, int) else None)

    def _download_failed(self, _model: str, text: str) -> None:
        if not self.setup.on_page:
            self.banner.failed(f"The download stopped. {text}")

    def _files_arrived(self) -> None:
        self.banner.hide()
        self.load()
