"""Help → Search syntax and shortcuts (F1): what a search may say, and every key the window knows.

The keys are collected, not written out here, so the page cannot fall behind the app: the menu
bar's shortcuts and the window's :class:`QShortcut` objects are read from the window as it is, and
the keys the event filters and dialogs handle come from the lists those modules declare beside
the code that handles them (tests hold each list to its code).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from importlib import import_module

from PySide6.QtCore import QSize
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow, QMenu, QTextBrowser, QVBoxLayout, QWidget

from photoclip.core.query_help import QUERY_SYNTAX, RELEVANCE_HELP

ANYWHERE = "Anywhere in the window"
#: Dialogs that write their keys under their grid as ``KEYS_HELP`` ("Space: mark a copy · A: …"),
#: by module, with the menu entry that opens them (the Help page reads the same string).
DIALOG_KEYS = (
    ("photoclip.gui.duplicates_view", "View → Duplicates…"),
    ("photoclip.gui.tag_review", "Tags → Review suggestions…"),
)


@dataclass(frozen=True)
class KeyHelp:
    """A key (as the platform writes it), what it does, and where it works."""

    keys: str
    what: str
    where: str


def _native(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def written(keys: str | QKeySequence.StandardKey) -> str:
    """A declared key as the platform writes it: "Ctrl+C" is ⌘C on a Mac, and a standard key is
    each of its bindings with a modifier ("Ctrl+C, Ctrl+Ins"; not the Copy key few keyboards have)."""
    if isinstance(keys, QKeySequence.StandardKey):
        bindings = QKeySequence.keyBindings(keys)
        return ", ".join(_native(b) for b in bindings if "+" in b.toString(QKeySequence.SequenceFormat.PortableText))
    return _native(QKeySequence(keys)) if "+" in keys else keys


def menu_keys(window: QMainWindow) -> list[KeyHelp]:
    """The menu bar's entries that have a shortcut ("File → Add folder…", Ctrl+O)."""
    found: list[KeyHelp] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            if action.menu() is not None:
                walk(action.menu(), f"{path} → {name}")  # type: ignore[arg-type]
            elif not action.shortcut().isEmpty():
                found.append(KeyHelp(_native(action.shortcut()), f"{path} → {name}", ANYWHERE))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), top.text().replace("&", ""))  # type: ignore[arg-type]
    return found


def shortcut_keys(window: QWidget) -> list[KeyHelp]:
    """The window's :class:`QShortcut` objects, described by their "what's this" text ("Search
    box: show …" puts one under "Search box"); one without a description is listed as such."""
    found = []
    for shortcut in window.findChildren(QShortcut):
        owner = shortcut.parent()
        if not shortcut.isEnabled() or shortcut.key().isEmpty() or not isinstance(owner, QWidget):
            continue
        if owner.window() is not window:
            continue  # an open dialog's own keys (the duplicates view's): declared with the dialog
        where, _, what = shortcut.whatsThis().rpartition(": ")
        found.append(KeyHelp(_native(shortcut.key()), what or "(not described)", where or ANYWHERE))
    return found


def declared_keys() -> list[KeyHelp]:
    """The keys the search box, the grid, the suggestions, the preview and the dialogs of
    :data:`DIALOG_KEYS` handle themselves, from the lists their modules declare."""
    from photoclip.gui.keyboard import GRID_KEYS, SEARCH_BOX_KEYS
    from photoclip.gui.preview import PREVIEW_KEYS
    from photoclip.gui.search_completer import COMPLETER_KEYS

    found = [KeyHelp(written(k), w, "Search box") for k, w in SEARCH_BOX_KEYS]
    found += [KeyHelp(written(k), w, "Suggestions under the search box") for k, w in COMPLETER_KEYS]
    found += [KeyHelp(written(k), w, "Photo grid") for k, w in GRID_KEYS]
    found += [KeyHelp(written(k), w, "Preview") for k, w in PREVIEW_KEYS]
    for module, where in DIALOG_KEYS:
        for part in import_module(module).KEYS_HELP.split(" · "):  # "Space: mark a copy · A: mark all"
            keys, _, what = part.partition(": ")
            found.append(KeyHelp(keys, what, where))
    return found


def all_keys(window: QMainWindow) -> list[KeyHelp]:
    """Every key the window knows, grouped by where it works (the window-wide ones first); keys
    that do the same thing in the same place share a row ("Ctrl+F, Ctrl+L")."""
    same: dict[tuple[str, str], list[str]] = {}
    for key in menu_keys(window) + shortcut_keys(window) + declared_keys():
        same.setdefault((key.where, key.what), []).append(key.keys)
    keys = [KeyHelp(", ".join(dict.fromkeys(k)), what, where) for (where, what), k in same.items()]
    order = list(dict.fromkeys([ANYWHERE, *(k.where for k in keys)]))
    return sorted(keys, key=lambda k: order.index(k.where))


def help_html(keys: list[KeyHelp]) -> str:
    """The Help page: the query syntax with examples, the relevance choice, suggestions, and keys."""

    def table(rows: list[tuple[str, str]], code: bool) -> str:
        cells = "".join(
            f"<tr><td style='padding:2px 14px 2px 0'>{f'<code>{escape(a)}</code>' if code else escape(a)}</td>"
            f"<td style='padding:2px 0'>{escape(b)}</td></tr>"
            for a, b in rows
        )
        return f"<table>{cells}</table>"

    parts = [
        "<h2>Searching</h2><p>Describe a photo in a few words; results come as you type, once a word is "
        "finished or you pause, and at once with Enter. You can also combine and narrow:</p>",
        table([(e.example, e.meaning) for e in QUERY_SYNTAX], code=True),
        "<p>Drop an image on the window to find photos like it; right-click a photo → Find similar.</p>",
        "<h3>How many results</h3><p>The choice beside the search box says how much a photo must stand "
        "out from the rest of your library to be listed (the numbers in it: how many each would show):</p>",
        table([(e.example, e.meaning) for e in RELEVANCE_HELP], code=False),
        "<h3>Why a photo matched</h3><p>Open a result (double-click, Enter): the preview shows its score, "
        "its score for each part of the search (a left-out part with its minus) and the everyday words "
        "it looks like to the model.</p>",
        "<h3>Suggestions</h3><p>As you type, the list under the search box offers your recent searches "
        "and the names of your tags and folders. Searches are remembered once you press Enter or look "
        "at their results for a moment; File → Clear search history forgets them all, and Settings → "
        "Remember searches turns this off.</p>",
        "<h2>Keyboard</h2>",
    ]
    # One table for every group, so the keys line up from one group to the next.
    rows, where = [], None
    for key in keys:
        if key.where != where:
            where = key.where
            rows.append(f"<tr><td colspan='2' style='padding:10px 0 2px 0'><b>{escape(where)}</b></td></tr>")
        rows.append(
            f"<tr><td style='padding:2px 14px 2px 0'>{escape(key.keys)}</td><td style='padding:2px 0'>"
            f"{escape(key.what)}</td></tr>"
        )
    parts.append(f"<table>{''.join(rows)}</table>")
    return "".join(parts)


class HelpDialog(QDialog):
    """The Help page, in a window of its own beside the main one."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Search syntax and shortcuts")
        self.resize(QSize(760, 700))
        self.keys = all_keys(window)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setHtml(help_html(self.keys))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        column = QVBoxLayout(self)
        column.addWidget(self.text)
        column.addWidget(buttons)


def show_help(window: QMainWindow) -> HelpDialog:
    """Opens the Help page (or raises the one already open) and returns it."""
    dialog = window.findChild(HelpDialog)
    if dialog is None:
        dialog = HelpDialog(window)
    else:  # read the keys again: what the window has now
        dialog.keys = all_keys(window)
        dialog.text.setHtml(help_html(dialog.keys))
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
