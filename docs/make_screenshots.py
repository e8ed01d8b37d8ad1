"""Makes the README's screenshots of the app's main states, offscreen, from generated demo pictures.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py [--out docs/screenshots]

First run (no folders yet), indexing (paused half-way, progress bar showing), results of a text
search, and "Find similar" on one photo.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer

from photoclip.core.library import Library
from photoclip.core.models.registry import TINY_MODEL_ID
from photoclip.gui.launch import make_application
from photoclip.gui.main_window import MainWindow
from photoclip.smallclip.shapes import generate_folder


def spin(ms: int) -> None:
    """Runs the event loop for ``ms`` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: object, timeout_ms: int = 120_000) -> None:
    """Runs the event loop until ``condition()`` holds."""
    waited = 0
    while not condition() and waited < timeout_ms:
        spin(100)
        waited += 100


def save(window: MainWindow, path: Path) -> None:
    """Grabs the window into a PNG."""
    spin(600)
    window.grab().save(str(path))
    print(f"wrote {path}")


def main() -> None:
    """Makes every screenshot."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    make_application()
    with tempfile.TemporaryDirectory(prefix="photoclip-shots-") as tmp:
        tmp_path = Path(tmp)
        os.environ["PHOTOCLIP_CACHE"] = str(tmp_path / "cache")
        pictures = tmp_path / "Pictures" / "Holidays 2024"
        generate_folder(pictures, 240, seed=3, size_range=(200, 1400))
        library = Library.open(tmp_path / "library", model=TINY_MODEL_ID)
        library.use_model(TINY_MODEL_ID)
        library.settings.set("batch_size", 8)
        window = MainWindow(library)
        window.resize(1280, 800)
        window.show()
        window.start()
        save(window, out / "first-run.png")

        window.indexing.set_paused(False)
        paused_once: list[bool] = []

        def pause_half_way(p: object) -> None:
            # Once only: after the screenshot the run must go on to the end.
            if getattr(p, "phase", "") == "indexing" and p.done >= 100 and not paused_once:
                paused_once.append(True)
                window.indexing.set_paused(True)
                window.indexing_panel.pause.setChecked(True)

        window.indexing.progress.connect(pause_half_way)
        window.add_folder(pictures)
        wait_for(lambda: window.indexing.pause.is_set())
        spin(1500)
        window.refresh()
        wait_for(lambda: not window.tasks.busy)
        save(window, out / "indexing.png")
        window.indexing_panel.pause.setChecked(False)
        wait_for(lambda: not window.indexing.busy and library.status().pending == 0)

        window.search("a red circle")
        wait_for(lambda: not window.tasks.busy)
        save(window, out / "results.png")

        target = window.photos.photo_at(0)
        window.find_similar(target.id)
        wait_for(lambda: not window.tasks.busy)
        save(window, out / "similar.png")
        window.close()
        library.close()


if __name__ == "__main__":
    main()
