"""Auto-tagging in the GUI: the "Auto-tag album…" dialog and the background run it starts."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from photoclip.core.errors import PhotoclipError
from photoclip.gui.wording import plural

if TYPE_CHECKING:
    from photoclip.core.albums import Album
    from photoclip.core.library import Library
    from photoclip.core.tagging import LabelSet, TagReport
    from photoclip.core.xmp_export import XmpExportReport
    from photoclip.gui.context import GuiContext

OWN_WORDS = "Your own words…"


class AutoTagDialog(QDialog):
    """Chooses a label set (built in, saved, or typed) and how to run."""

    def __init__(self, library: Library, album: Album, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Auto-tag album")
        self.library = library
        self.sets = library.label_sets()
        self.choice = QComboBox()
        default = library.default_label_set()
        for name, label_set in sorted(self.sets.items(), key=lambda kv: (kv[0] != default, kv[0])):
            self.choice.addItem(f"{name} ({len(label_set.labels)} labels)", name)
        self.choice.addItem(OWN_WORDS, OWN_WORDS)
        self.words = QPlainTextEdit()
        self.words.setPlaceholderText("beach, mountain, city, birthday, receipt …")
        self.words.setMaximumHeight(90)
        self.words_hint = QLabel("Separate them with commas; each becomes a tag a photo can get.")
        self.words_hint.setWordWrap(True)
        self.save_as = QComboBox()
        self.save_as.setEditable(True)
        # An editable box shows its line edit's hint, not its own.
        self.save_as.lineEdit().setPlaceholderText("optional: a name, to offer these words again next time")
        self.choice.currentIndexChanged.connect(self._changed)
        self.redo = QCheckBox("Tag again photos this label set has already tagged")
        self.export = QCheckBox(
            "Also write accepted tags to XMP sidecars (photo.jpg.xmp) for digiKam, darktable, Lightroom"
        )
        self.include_suggested = QCheckBox("… and the suggested tags not reviewed yet")
        self.include_suggested.setEnabled(False)
        self.export.toggled.connect(self.include_suggested.setEnabled)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tag")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Album", QLabel(f"{album.description} — {plural(len(album.photo_ids), 'photo')}"))
        form.addRow("Labels", self.choice)
        form.addRow("Your words", self.words)
        form.addRow("", self.words_hint)
        form.addRow("Save as", self.save_as)
        self.form = form
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.redo)
        layout.addWidget(self.export)
        layout.addWidget(self.include_suggested)
        layout.addWidget(buttons)
        self._changed()

    def _changed(self) -> None:
        own = self.choice.currentData() == OWN_WORDS
        for field in (self.words, self.words_hint, self.save_as):
            self.form.setRowVisible(field, own)

    def label_set(self, *, save: bool = False) -> LabelSet | None:
        """The chosen labels (None if the user typed none). With ``save``, typed words given a name
        are kept as a label set of the library for the next run."""
        name = self.choice.currentData()
        if name != OWN_WORDS:
            return self.sets[name]
        saved = self.save_as.currentText().strip() or None
        try:
            chosen = self.library.label_set(words=self.words.toPlainText(), save_as=saved if save else None)
        except PhotoclipError:  # no words typed
            return None
        return dataclasses.replace(chosen, name=saved) if saved else chosen


class _TagProgress(QObject):
    progress = Signal(int, int)


def auto_tag(ctx: GuiContext, album: Album) -> None:
    """Asks for labels and tags the album in the background, with progress in the status bar."""
    if not album.photo_ids:
        QMessageBox.information(ctx.parent, "Auto-tag", "This album has no photos yet.")
        return
    dialog = AutoTagDialog(ctx.library, album, ctx.parent)
    if not dialog.exec():
        return
    label_set = dialog.label_set(save=True)
    if label_set is None:
        QMessageBox.information(ctx.parent, "Auto-tag", "Type at least one label.")
        return
    run_auto_tag(
        ctx,
        album,
        label_set,
        redo=dialog.redo.isChecked(),
        export=dialog.export.isChecked(),
        include_suggested=dialog.include_suggested.isChecked(),
    )


def run_auto_tag(
    ctx: GuiContext,
    album: Album,
    label_set: LabelSet,
    *,
    redo: bool = False,
    export: bool = False,
    include_suggested: bool = False,
) -> None:
    """Tags the album in the background; progress in the status bar, ``tagging_finished`` at the end.

    The run stops early (keeping what it tagged) when the window closes."""
    relay = _TagProgress(ctx.parent)
    relay.progress.connect(lambda done, total: ctx.say(f"Tagging {album.description}: {done:,} / {total:,}"))
    library = ctx.library

    def job() -> tuple[TagReport, XmpExportReport | None]:
        report = library.tag_photos(
            album.photo_ids,
            label_set,
            album=album.description,
            redo=redo,
            progress=relay.progress.emit,
            stop=ctx.closing,
        )
        if not export:
            return report, None
        return report, library.export_xmp(album.photo_ids, include_suggested=include_suggested)

    def done(outcome: tuple[TagReport, XmpExportReport | None]) -> None:
        report, exported = outcome
        ctx.say(
            f"Tagged {report.tagged:,} of {plural(report.photos, 'photo')} of {album.description} "
            f"({plural(report.tags, 'tag')}, {report.skipped:,} already tagged)"
            + (f". {exported.summary()}" if exported else ""),
            20000,
        )
        ctx.events.tags_changed.emit(None)
        ctx.events.tagging_finished.emit(report)
        if exported and exported.problems():
            QMessageBox.warning(ctx.parent, "XMP sidecars", "\n".join(exported.problems()))

    ctx.say(f"Tagging {album.description}…")
    ctx.tasks.run(job, done=done, error=lambda exc: QMessageBox.warning(ctx.parent, "Auto-tag", str(exc)))
