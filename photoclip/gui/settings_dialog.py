"""The settings dialog, built from the settings' own declarations (type, default, meaning, choices)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from photoclip.core.errors import PhotoclipError
from photoclip.core.models.registry import get_model
from photoclip.core.settings import SETTINGS, Setting
from photoclip.gui.search_bar import relevance_box
from photoclip.gui.wording import plural

if TYPE_CHECKING:
    from photoclip.core.library import Library
    from photoclip.gui.context import GuiContext

#: Settings the dialog shows, in order (window state and such are not for editing by hand).
SHOWN = (
    "model",
    "device",
    "cpu_threads",
    "decode_workers",
    "batch_size",
    "relevance",
    "thumbnail_cache_mb",
    "exact_search_limit",
    "watch_folders",
    "remember_searches",
)
LABELS = {
    "model": "Model",
    "device": "Device",
    "cpu_threads": "CPU threads",
    "decode_workers": "Decode threads",
    "batch_size": "Batch size",
    "relevance": "Results to show",
    "thumbnail_cache_mb": "Thumbnail cache (MB)",
    "exact_search_limit": "Exact search up to",
    "watch_folders": "Watch folders for changes",
    "remember_searches": "Remember searches",
}


def device_choices() -> list[tuple[str, str]]:
    """The devices offered: "auto" and those this machine has (never a GPU it lacks)."""
    from photoclip.core.models.devices import available_devices

    here = available_devices()
    best = next((d for d in ("cuda", "mps") if d in here), "cpu")
    names = {"cpu": "CPU", "cuda": "NVIDIA GPU (CUDA)", "mps": "Apple GPU (Metal)"}
    return [("auto", f"automatic (here: {names[best]})")] + [(d, names[d]) for d in here]


def _editor(setting: Setting, value: Any) -> QWidget:
    if setting.key == "relevance":
        return relevance_box(str(value))
    if setting.key == "device":
        box = QComboBox()
        for device, label in device_choices():
            box.addItem(label, device)
        # A device saved on another machine (or before a driver went) is not offered: "automatic" is.
        box.setCurrentIndex(max(0, box.findData(value)))
        return box
    choices = setting.allowed()
    if choices is not None:
        box = QComboBox()
        for choice in choices:
            label = str(choice)
            if setting.key == "model":
                spec = get_model(choice)
                label = f"{choice} — {spec.note}" + (f" ({spec.download_mb} MB)" if spec.download_mb else "")
            box.addItem(label, choice)
        box.setCurrentIndex(list(choices).index(value) if value in choices else 0)
        return box
    if setting.type is bool:
        check = QCheckBox()
        check.setChecked(bool(value))
        return check
    if setting.type is int:
        spin = QSpinBox()
        spin.setRange(int(setting.minimum or 0), 10_000_000)
        spin.setValue(int(value))
        if setting.key in ("cpu_threads", "decode_workers"):
            spin.setSpecialValueText("automatic")
        return spin
    edit = QLineEdit(str(value))
    return edit


def _value(setting: Setting, editor: QWidget) -> Any:
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox):
        return editor.value()
    return editor.text()


class SettingsDialog(QDialog):
    """Edits the library's settings and its folders' exclusions."""

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        *,
        add_folder: Callable[[], None] | None = None,
        remove_folder: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.library = library
        self._add_folder, self._remove_folder = add_folder, remove_folder
        self.editors: dict[str, QWidget] = {}
        form = QFormLayout()
        for key in SHOWN:
            setting = SETTINGS[key]
            editor = _editor(setting, self._shown_value(key))
            editor.setToolTip(setting.help)
            self.editors[key] = editor
            form.addRow(LABELS[key], editor)
        self.folders = QListWidget()
        self._fill_folders()
        folder_buttons = QHBoxLayout()
        add = QPushButton("Add folder…")
        add.clicked.connect(self._add)
        remove = QPushButton("Remove from library")
        remove.clicked.connect(self._remove)
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(remove)
        folder_buttons.addStretch(1)
        self.excluded = QListWidget()
        for root in library.roots():
            for folder in root.excluded:
                item = QListWidgetItem(f"{root.path}/{folder}")
                item.setData(256, (root.id, folder))
                self.excluded.addItem(item)
        include = QPushButton("Include again")
        include.clicked.connect(self._include_again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Folders in the library (photos are never changed or deleted):"))
        layout.addWidget(self.folders)
        layout.addLayout(folder_buttons)
        layout.addLayout(form)
        layout.addWidget(QLabel("Excluded sub-folders (right-click a folder in the sidebar to exclude it):"))
        layout.addWidget(self.excluded)
        layout.addWidget(include)
        layout.addWidget(buttons)
        self._included: list[tuple[int, str]] = []

    def _fill_folders(self) -> None:
        self.folders.clear()
        counts = self.library.root_counts()
        for root in self.library.roots():
            state = "" if root.online else "  (offline)"
            item = QListWidgetItem(f"{root.path}  —  {plural(counts.get(root.id, 0), 'photo')}{state}")
            item.setData(256, root.id)
            self.folders.addItem(item)

    def _add(self) -> None:
        if self._add_folder is not None:
            self._add_folder()
            self._fill_folders()

    def _remove(self) -> None:
        item = self.folders.currentItem()
        if item is not None and self._remove_folder is not None:
            self._remove_folder(int(item.data(256)))
            self._fill_folders()

    def _include_again(self) -> None:
        for item in self.excluded.selectedItems():
            self._included.append(item.data(256))
            self.excluded.takeItem(self.excluded.row(item))

    def _shown_value(self, key: str) -> Any:
        """What a setting's editor starts at: the saved value, except the model, which is the one
        this window runs (``--model`` may have chosen another for this run than the one saved)."""
        return self.library.spec.id if key == "model" else self.library.settings.get(key)

    def changes(self) -> dict[str, Any]:
        """The settings whose value the user changed."""
        return {
            key: _value(SETTINGS[key], editor)
            for key, editor in self.editors.items()
            if _value(SETTINGS[key], editor) != self._shown_value(key)
        }

    def included_again(self) -> list[tuple[int, str]]:
        """(root id, folder) exclusions the user removed."""
        return list(self._included)


@dataclass(frozen=True)
class AppliedSettings:
    """What a settings dialog changed, once applied to the library."""

    changes: dict[str, Any]
    included_again: list[tuple[int, str]]

    @property
    def needs_rescan(self) -> bool:
        """A new model, or folders taken back in: the library must be looked at again."""
        return "model" in self.changes or bool(self.included_again)


def open_settings(
    ctx: GuiContext,
    *,
    add_folder: Callable[[], None] | None = None,
    remove_folder: Callable[[int], None] | None = None,
) -> AppliedSettings | None:
    """Opens the settings dialog and applies what the user changed (see :func:`apply_settings`);
    None when the dialog was cancelled. Rescanning and what the window shows are left to the caller."""
    dialog = SettingsDialog(ctx.library, ctx.parent, add_folder=add_folder, remove_folder=remove_folder)
    if not dialog.exec():
        return None
    return apply_settings(ctx, dialog.changes(), dialog.included_again())


def apply_settings(
    ctx: GuiContext, changes: dict[str, Any], included_again: Sequence[tuple[int, str]] = ()
) -> AppliedSettings:
    """Saves changed settings (a new model through :meth:`Library.use_model`), takes excluded folders
    back in, and reloads the model in the background when its device or threads changed."""
    library = ctx.library
    for key, value in changes.items():
        if key == "model":
            library.use_model(value)
        else:
            library.settings.set(key, value)
    if changes.get("remember_searches") is False:
        library.clear_search_history()  # turned off: what was kept goes too (privacy)
    for root_id, folder in included_again:
        try:
            library.include_folder(root_id, folder)
        except PhotoclipError:  # the folder left the library while the dialog was open
            continue
    if included_again:
        ctx.events.folders_changed.emit()
    if {"device", "cpu_threads", "cpu_int8"} & set(changes):
        library.reload_models()
        if library.model_present():
            ctx.tasks.run(lambda: library.model(library.search_spec.id), key="model")
    return AppliedSettings(dict(changes), list(included_again))
