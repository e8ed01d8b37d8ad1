"""What helps a person search, attached to the window in one call: the search history, the
suggestions under the search box, why a result matched (in the preview), and the Help page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from photoclip.gui.search_completer import SearchCompleter
from photoclip.gui.search_memory import SearchMemory

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from photoclip.gui.browsing import Browser
    from photoclip.gui.context import GuiContext
    from photoclip.gui.help_dialog import HelpDialog
    from photoclip.gui.results_area import ResultsArea
    from photoclip.gui.search_bar import SearchBar


@dataclass(frozen=True)
class SearchAssist:
    """The window's search helpers (see :func:`attach_search_assist`)."""

    window: QMainWindow
    memory: SearchMemory
    completer: SearchCompleter

    def show_help(self) -> HelpDialog:
        """Help → Search syntax and shortcuts (F1)."""
        from photoclip.gui.help_dialog import show_help

        return show_help(self.window)

    def clear_history(self) -> None:
        """File → Clear search history."""
        self.memory.clear()


def attach_search_assist(
    window: QMainWindow, ctx: GuiContext, search_bar: SearchBar, browser: Browser, results: ResultsArea
) -> SearchAssist:
    """Records the searches ``browser`` shows, offers suggestions under ``search_bar``, lets the
    preview of ``results`` say why a photo matched; reads the history and names in the background."""
    memory = SearchMemory(ctx, search_bar, browser.text_query, lambda: browser.shown_query)
    browser.results_shown.connect(memory.results_shown)
    completer = SearchCompleter(ctx, search_bar, memory)
    results.looks_like = ctx.library.looks_like
    memory.load()
    completer.read_names()
    return SearchAssist(window, memory, completer)
